import { expect } from 'chai';
import {
  LEAKED,
  TRAVEL,
  api,
  seedRisk,
  signInRecord,
  startAdminFixture,
  type AdminFixture,
} from './helpers.js';

const reason = { reason: 'talked to the user' };

describe('admin detection and sign-in actions (API): reference 001 semantics', () => {
  let fx: AdminFixture;
  let alice: { id: string };
  beforeEach(async () => {
    fx = await startAdminFixture();
    alice = await fx.rg.addUser('alice');
  });
  afterEach(() => fx.close());

  const identity = () => fx.rg.riskgate.store.identities.getIdentity(alice.id);
  const detection = (id: string) => fx.rg.riskgate.store.detectionActions.getDetection(id);

  for (const how of ['resolved', 'falsePositive', 'ignored'] as const) {
    it(`closing as ${how} stops the detection counting toward user risk, and it can be reactivated`, async () => {
      const { detections } = await seedRisk(fx, alice.id, 'alice', [LEAKED]);
      const id = detections[0]!.id;
      expect((await identity()).riskLevel).to.equal('high');
      const closed = await api(fx).post(`/detections/${id}/close`, { how, ...reason });
      expect(closed.status).to.equal(200);
      expect(await detection(id)).to.include({ status: 'closed', closedBy: how });
      expect((await identity()).riskLevel).to.equal('none');

      const twice = await api(fx).post(`/detections/${id}/close`, { how, ...reason });
      expect(twice.status).to.equal(409);
      expect(twice.body.error.code).to.equal('notActive');

      const reactivated = await api(fx).post(`/detections/${id}/reactivate`, reason);
      expect(reactivated.status).to.equal(200);
      expect(await detection(id)).to.include({ status: 'active', closedBy: null });
      expect(await identity()).to.include({ riskLevel: 'high', riskState: 'atRisk' });
    });
  }

  it('a remediated detection cannot be reactivated; an active one is "not closed"', async () => {
    const { detections, signInId } = await seedRisk(fx, alice.id, 'alice', [TRAVEL]);
    const active = await api(fx).post(`/detections/${detections[0]!.id}/reactivate`, reason);
    expect(active.body.error.code).to.equal('notClosed');
    await fx.rg.riskgate.store.detections.closeDetections(
      { userId: alice.id, signInId },
      'remediated',
      fx.rg.clock.now(),
    );
    const res = await api(fx).post(`/detections/${detections[0]!.id}/reactivate`, reason);
    expect(res.status).to.equal(409);
    expect(res.body.error).to.include({ code: 'finalClosure' });
    expect(res.body.error.message).to.contain('remediation');
  });

  it('closing needs a valid closure and a reason', async () => {
    const { detections } = await seedRisk(fx, alice.id, 'alice');
    const res = await api(fx).post(`/detections/${detections[0]!.id}/close`, {
      how: 'remediated',
      ...reason,
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.field).to.equal('how');
    expect((await detection(detections[0]!.id))!.status).to.equal('active');
  });

  it('confirm sign-in safe closes its detections as false positives and learns its properties', async () => {
    const { signInId, detections } = await seedRisk(fx, alice.id, 'alice', [TRAVEL]);
    const res = await api(fx).post(`/sign-ins/${signInId}/confirm-safe`, reason);
    expect(res.status).to.equal(200);
    expect(await detection(detections[0]!.id)).to.include({ closedBy: 'falsePositive' });
    expect((await fx.rg.riskgate.store.signIns.getSignIn(signInId))!.riskState).to.equal('confirmedSafe');
    const familiar = await fx.rg.riskgate.store.familiarity.familiarFeatures(alice.id);
    expect(familiar.map((f) => f.feature)).to.include('country');
    const again = await api(fx).post(`/sign-ins/${signInId}/confirm-safe`, reason);
    expect(again.body.error.code).to.equal('alreadyConfirmed');
  });

  it('confirm sign-in compromised raises user risk to high and marks the user confirmed compromised', async () => {
    const { signInId } = await seedRisk(fx, alice.id, 'alice', [TRAVEL]);
    const res = await api(fx).post(`/sign-ins/${signInId}/confirm-compromised`, reason);
    expect(res.status).to.equal(200);
    expect(await identity()).to.include({ riskLevel: 'high', riskState: 'confirmedCompromised' });
    expect((await fx.rg.riskgate.store.signIns.getSignIn(signInId))!.riskState).to.equal(
      'confirmedCompromised',
    );
  });

  it('feedback on a sign-in of an unknown username is refused; an unknown sign-in is 404', async () => {
    await fx.rg.riskgate.store.signIns.recordSignIn({
      ...signInRecord('ghost', 'x', 'ghost', fx.rg.clock.now()),
      userId: null,
    });
    const refused = await api(fx).post('/sign-ins/ghost/confirm-safe', reason);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('unknownUser');
    expect((await api(fx).post('/sign-ins/missing/confirm-safe', reason)).status).to.equal(404);
  });
});
