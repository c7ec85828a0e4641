import { expect } from 'chai';
import { startRiskgate, type TestRiskgate } from '../helpers/riskgate.js';
import { signInAtHomeThenAbroad } from '../helpers/scenarios.js';

describe('feedback on a risky sign-in', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  async function riskySignIn() {
    const { user } = await signInAtHomeThenAbroad(rg);
    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    return { user, signIn: signIn! };
  }

  it('confirm safe closes its detections as false positives and teaches its properties', async () => {
    const { user, signIn } = await riskySignIn();
    await rg.riskgate.remediation.confirmSignInSafe(signIn.id);
    const closed = await rg.riskgate.store.detections.detectionsForSignIn(signIn.id);
    expect(closed.length).to.be.greaterThan(0);
    expect(closed.every((d) => d.closedBy === 'falsePositive')).to.equal(true);
    expect((await rg.riskgate.store.signIns.getSignIn(signIn.id))!.riskState).to.equal('confirmedSafe');
    const familiar = await rg.riskgate.store.familiarity.familiarFeatures(user.id);
    expect(familiar.some((f) => f.feature === 'country' && f.value === 'JP')).to.equal(true);
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('none');
  });

  it('confirm compromised raises user risk to high and teaches nothing', async () => {
    const { user, signIn } = await riskySignIn();
    await rg.riskgate.remediation.confirmSignInCompromised(signIn.id);
    const identity = await rg.riskgate.store.identities.getIdentity(user.id);
    expect(identity.riskLevel).to.equal('high');
    expect(identity.riskState).to.equal('confirmedCompromised');
    expect((await rg.riskgate.store.signIns.getSignIn(signIn.id))!.riskState).to.equal(
      'confirmedCompromised',
    );
    const familiar = await rg.riskgate.store.familiarity.familiarFeatures(user.id);
    expect(familiar.some((f) => f.feature === 'country' && f.value === 'JP')).to.equal(false);
    const types = (await rg.riskgate.store.detections.activeDetections(user.id)).map((d) => d.type);
    expect(types).to.include('adminConfirmedCompromised');
  });
});
