import { expect } from 'chai';
import { TestClient } from '../helpers/client.js';
import { LEAKED, TRAVEL, api, seedRisk, startAdminFixture, type AdminFixture } from './helpers.js';

const reason = { reason: 'investigated ticket 42' };

describe('admin user actions (API): semantics, refusals, audit and risk history', () => {
  let fx: AdminFixture;
  let alice: { id: string; password: string; totpSecret: string | null };
  beforeEach(async () => {
    fx = await startAdminFixture();
    alice = await fx.rg.addUser('alice');
  });
  afterEach(() => fx.close());

  const identity = () => fx.rg.riskgate.store.identities.getIdentity(alice.id);
  const lastAudit = async () => (await fx.rg.riskgate.store.audit.listAudit({ limit: 1 }))[0]!;

  it('confirm compromised raises user risk to high, is audited and in the history; a second time is refused', async () => {
    const res = await api(fx).post(`/users/${alice.id}/confirm-compromised`, reason);
    expect(res.status).to.equal(200);
    expect(await identity()).to.include({ riskLevel: 'high', riskState: 'confirmedCompromised' });
    const audit = await lastAudit();
    expect(audit).to.include({ action: 'user.confirmCompromised', reason: reason.reason, result: 'ok' });
    expect(audit.actor.kind).to.equal('token');
    const [change] = await fx.rg.riskgate.store.riskHistory.riskHistory(alice.id, 1);
    expect(change!.to).to.deep.equal({ level: 'high', state: 'confirmedCompromised' });
    expect(change!.cause).to.deep.include({ kind: 'admin', action: 'confirmUserCompromised' });

    const again = await api(fx).post(`/users/${alice.id}/confirm-compromised`, reason);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('alreadyConfirmed');
    expect(await lastAudit()).to.include({ result: 'refused' });
  });

  it('dismiss user risk closes every active detection for good and leaves the user dismissed', async () => {
    await seedRisk(fx, alice.id, 'alice', [TRAVEL, LEAKED]);
    const res = await api(fx).post(`/users/${alice.id}/dismiss-risk`, reason);
    expect(res.body).to.include({ ok: true, detectionsClosed: 2 });
    expect(await identity()).to.include({ riskLevel: 'none', riskState: 'dismissed' });
    const detections = await fx.rg.riskgate.store.detections.detectionsForUser(alice.id);
    expect(detections.map((d) => d.closedBy)).to.deep.equal(['dismissed', 'dismissed']);
    const refusal = await api(fx).post(`/detections/${detections[0]!.id}/reactivate`, reason);
    expect(refusal.status).to.equal(409);
    expect(refusal.body.error.code).to.equal('finalClosure');
  });

  it('dismiss is refused for a user who is not at risk', async () => {
    const res = await api(fx).post(`/users/${alice.id}/dismiss-risk`, reason);
    expect(res.status).to.equal(409);
    expect(res.body.error).to.include({ code: 'notAtRisk' });
  });

  it('every action needs a reason and answers bad input with a JSON 400', async () => {
    const res = await api(fx).post(`/users/${alice.id}/block`, {});
    expect(res.status).to.equal(400);
    expect(res.body.error).to.include({ code: 'invalidInput', field: 'reason' });
    expect((await identity()).blocked).to.equal(false);
    const bad = await api(fx)
      .post(`/users/${alice.id}/block`)
      .set('Content-Type', 'application/json')
      .send('{"reason":');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('invalidJson');
  });

  it('unknown users are 404 with a JSON error', async () => {
    const res = await api(fx).post('/users/nobody/block', reason);
    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('notFound');
  });

  it('a temporary password is shown once, remediates, ends sessions, and the next sign-in must change it', async () => {
    await seedRisk(fx, alice.id, 'alice', [LEAKED]);
    const browser = new TestClient(fx.rg.app);
    await fx.rg.riskgate.store.identities.updateIdentity(
      alice.id,
      { riskLevel: 'none', riskState: 'none' },
      fx.rg.clock.now(),
    );
    const res = await api(fx).post(`/users/${alice.id}/temporary-password`, reason);
    expect(res.status).to.equal(200);
    const temporary = res.body.temporaryPassword as string;
    expect(temporary).to.have.length(16);
    expect((await identity()).mustChangePassword).to.equal(true);
    const active = await fx.rg.riskgate.store.detections.activeDetections(alice.id);
    expect(active).to.have.length(0);
    expect(JSON.stringify(await fx.rg.riskgate.store.audit.listAudit({ limit: 10 }))).to.not.contain(
      temporary,
    );
    const page = await browser.signIn('alice', temporary);
    expect(page.html).to.contain('new password');
  });

  it('require password reset is refused for a user without MFA and set for one with MFA', async () => {
    const bob = await fx.rg.addUser('bob', { mfa: false });
    const refused = await api(fx).post(`/users/${bob.id}/require-password-reset`, reason);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('noAuthenticator');
    const ok = await api(fx).post(`/users/${alice.id}/require-password-reset`, reason);
    expect(ok.status).to.equal(200);
    expect((await identity()).passwordResetRequired).to.equal(true);
  });

  it('reset MFA removes the authenticator; refused when there is none', async () => {
    const ok = await api(fx).post(`/users/${alice.id}/reset-mfa`, reason);
    expect(ok.status).to.equal(200);
    expect((await identity()).totpSecret).to.equal(null);
    const again = await api(fx).post(`/users/${alice.id}/reset-mfa`, reason);
    expect(again.body.error.code).to.equal('noAuthenticator');
  });

  it('block ends the user’s sessions and stops sign-in; unblock lets them back; each refused when already so', async () => {
    const browser = new TestClient(fx.rg.app);
    await browser.signIn('alice', alice.password);
    expect((await browser.get('/')).html).to.contain('alice');
    const res = await api(fx).post(`/users/${alice.id}/block`, reason);
    expect(res.body).to.include({ ok: true, sessionsRevoked: 1 });
    expect((await browser.get('/', { follow: false })).status).to.equal(303);
    const blocked = await browser.signIn('alice', alice.password);
    expect(blocked.html).to.match(/blocked/i);
    expect((await api(fx).post(`/users/${alice.id}/block`, reason)).body.error.code).to.equal(
      'alreadyBlocked',
    );
    expect((await api(fx).post(`/users/${alice.id}/unblock`, reason)).status).to.equal(200);
    expect((await api(fx).post(`/users/${alice.id}/unblock`, reason)).body.error.code).to.equal('notBlocked');
    const again = new TestClient(fx.rg.app);
    await again.signIn('alice', alice.password);
    expect((await again.get('/')).html).to.contain('alice');
  });

  it('an admin cannot block or reset MFA on their own account from the console', async () => {
    await fx.console.get(`/admin/users/${fx.admin.id}/actions/block`);
    const page = await fx.console.submit(`/admin/users/${fx.admin.id}/actions/block`, reason);
    expect(page.status).to.equal(409);
    expect(page.html).to.contain('your own account');
    expect((await fx.rg.riskgate.store.identities.getIdentity(fx.admin.id)).blocked).to.equal(false);
  });

  it('revoke sessions signs the user out everywhere', async () => {
    const browser = new TestClient(fx.rg.app);
    await browser.signIn('alice', alice.password);
    const res = await api(fx).post(`/users/${alice.id}/revoke-sessions`, reason);
    expect(res.body.sessionsRevoked).to.equal(1);
    expect((await browser.get('/', { follow: false })).status).to.equal(303);
  });

  it('bulk dismiss dismisses the risky users and reports the others', async () => {
    const bob = await fx.rg.addUser('bob');
    const carol = await fx.rg.addUser('carol');
    await seedRisk(fx, alice.id, 'alice');
    await seedRisk(fx, bob.id, 'bob', [LEAKED]);
    const res = await api(fx).post('/users/bulk-dismiss', {
      userIds: [alice.id, bob.id, carol.id],
      ...reason,
    });
    expect(res.body.dismissed).to.have.members([alice.id, bob.id]);
    expect(res.body.refused).to.deep.equal([
      {
        userId: carol.id,
        code: 'notAtRisk',
        message: 'This user is not at risk: there is nothing to dismiss.',
      },
    ]);
    const audits = await fx.rg.riskgate.store.audit.listAudit({ action: 'user.dismissRisk', limit: 10 });
    expect(audits.map((a) => a.result).sort()).to.deep.equal(['ok', 'ok', 'refused']);
  });

  it('the user report shows detections with reasons, sign-ins, and a risk history naming each cause', async () => {
    const { signInId } = await seedRisk(fx, alice.id, 'alice', [TRAVEL]);
    await api(fx).post(`/sign-ins/${signInId}/confirm-safe`, reason);
    const res = await api(fx).get(`/users/${alice.id}`);
    expect(res.status).to.equal(200);
    expect(res.body.closedDetections[0]).to.include({
      type: 'impossibleTravel',
      closedBy: 'falsePositive',
      reason: TRAVEL.reason,
    });
    expect(res.body.signIns[0].context.geo.city).to.equal('London');
    expect(res.body.history.map((h: { cause: { kind: string } }) => h.cause.kind)).to.deep.equal([
      'admin',
      'detection',
    ]);
    expect(res.body.history[0].to).to.deep.equal({ level: 'none', state: 'confirmedSafe' });
    expect(res.body.history[1].cause.types).to.deep.equal(['impossibleTravel']);
  });
});
