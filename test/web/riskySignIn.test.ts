import { expect } from 'chai';
import { startRiskgate, IP, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { signInAtHomeThenAbroad } from '../helpers/scenarios.js';

describe('risky sign-in recovery flow', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  const riskySignIn = (mfa = true) => signInAtHomeThenAbroad(rg, 'alice', { mfa });

  it('a sign-in from another continent an hour later asks for MFA and lets the user in after it', async () => {
    const { user, away, notice } = await riskySignIn();
    expect(notice.status).to.equal(200);
    expect(notice.html).to.contain('/auth/flow/notice');
    expect(notice.html).to.match(/Japan|not physically possible/);
    const mfaPage = await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    expect(mfaPage.html).to.contain('name="code"');
    const home = await away.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    expect(home.status).to.equal(200);
    expect(home.html).to.contain('signed in as');

    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    expect(signIn!.outcome).to.equal('mfaPassed');
    expect(signIn!.riskState).to.equal('remediated');
    const active = await rg.riskgate.store.detections.activeDetections(user.id);
    expect(active).to.have.length(0);
    const closed = await rg.riskgate.store.detections.detectionsForSignIn(signIn!.id);
    expect(closed.map((d) => d.type)).to.include('impossibleTravel');
    expect(closed.every((d) => d.closedBy === 'remediated')).to.equal(true);
  });

  it('MFA passed teaches the new country: the next sign-in from there is not new', async () => {
    const { user, away } = await riskySignIn();
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    await away.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    const familiar = await rg.riskgate.store.familiarity.familiarFeatures(user.id);
    expect(familiar.some((f) => f.feature === 'country' && f.value === 'JP')).to.equal(true);
  });

  it('a recovery code works where a TOTP code is asked, once', async () => {
    const { user, away } = await riskySignIn();
    const issued = await issueRecoveryCodes(rg, user.id);
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    const home = await away.submit('/auth/flow/mfa', { code: issued[0]!.toLowerCase() });
    expect(home.html).to.contain('signed in as');
    expect(await rg.riskgate.store.identities.countRecoveryCodes(user.id)).to.equal(issued.length - 1);
    // The same code again, in a new risky sign-in, is refused.
    rg.clock.advance(MINUTE);
    const again = new TestClient(rg.app, IP.sydney);
    await again.signIn('alice', user.password);
    await again.submit('/auth/flow/notice', {}, { action: 'continue' });
    const refused = await again.submit('/auth/flow/mfa', { code: issued[0]! });
    expect(refused.status).to.equal(400);
  });

  it('a wrong code re-renders the challenge with attempts left, and the cap ends the flow', async () => {
    const { away, user } = await riskySignIn();
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    let page = await away.submit('/auth/flow/mfa', { code: '000000' });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('did not work');
    for (let i = 0; i < 4; i++) page = await away.submit('/auth/flow/mfa', { code: '000000' });
    expect(page.status).to.equal(429);
    expect(page.html).to.contain('Too many incorrect codes');
    // Even the right code is refused now: the flow is over.
    const after = await away.postRaw('/auth/flow/mfa', { code: rg.totp(user.totpSecret!), v: '1' });
    expect(after.html).to.not.contain('signed in as');
    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    expect(signIn!.outcome).to.equal('mfaFailed');
  });

  it('the same TOTP code cannot be used twice', async () => {
    const { user, away } = await riskySignIn();
    const code = rg.totp(user.totpSecret!);
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    await away.submit('/auth/flow/mfa', { code });
    const thief = new TestClient(rg.app, IP.sydney);
    await thief.signIn('alice', user.password);
    await thief.submit('/auth/flow/notice', {}, { action: 'continue' });
    // Same moment, same code: still inside the time window, refused only because it was used.
    const replay = await thief.submit('/auth/flow/mfa', { code });
    expect(replay.status).to.equal(400);
  });

  it('"This wasn\'t me" ends the flow, confirms the sign-in compromised and raises user risk to high', async () => {
    const { user, away } = await riskySignIn();
    const page = await away.submit('/auth/flow/notice', {}, { action: 'notMe' });
    expect(page.html).to.contain('Reference');
    const identity = await rg.riskgate.store.identities.getIdentity(user.id);
    expect(identity.riskLevel).to.equal('high');
    expect(identity.riskState).to.equal('atRisk');
    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    expect(signIn!.riskState).to.equal('confirmedCompromised');
    const home = await away.get('/', { follow: false });
    expect(home.status).to.equal(303);
  });

  it('a user without an authenticator is blocked with a reference id instead of registering one', async () => {
    const { user, notice } = await riskySignIn(false);
    expect(notice.html).to.contain('blocked');
    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    expect(notice.html).to.contain(signIn!.id);
    expect(signIn!.outcome).to.equal('blocked');
  });

  it('the MFA step cannot be skipped by typing the next URL or posting to it', async () => {
    const { away } = await riskySignIn();
    const skipped = await away.get('/auth/flow/mfa', { follow: false });
    expect(skipped.status).to.equal(303);
    expect(skipped.location).to.equal('/auth/flow/notice');
    const posted = await away.postRaw(
      '/auth/flow/change-password',
      { newPassword: 'x', confirmPassword: 'x', v: '1' },
      { follow: false },
    );
    expect(posted.status).to.be.oneOf([303, 403]);
    const home = await away.get('/', { follow: false });
    expect(home.status).to.equal(303);
    expect(home.location).to.contain('/auth/sign-in');
  });

  it('a replayed old form post changes nothing', async () => {
    const { away } = await riskySignIn();
    const oldVersion = away.hidden('v')!;
    const oldCsrf = away.hidden('_csrf')!;
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    const replay = await away.postRaw(
      '/auth/flow/notice',
      { _csrf: oldCsrf, v: oldVersion, action: 'notMe' },
      { follow: false },
    );
    expect(replay.status).to.equal(303);
    expect(replay.location).to.equal('/auth/flow/mfa');
  });

  it('an expired flow restarts cleanly at sign-in', async () => {
    const { away } = await riskySignIn();
    rg.clock.advance(16 * MINUTE);
    const page = await away.get('/auth/flow/notice');
    expect(page.status).to.equal(410);
    expect(page.html).to.contain('/auth/sign-in');
  });
});

async function issueRecoveryCodes(rg: TestRiskgate, userId: string): Promise<string[]> {
  const { RecoveryCodes } = await import('../../src/mfa/recoveryCodes.js');
  const { Keys } = await import('../../src/crypto/keys.js');
  const { resolveSecrets } = await import('../../src/config/secrets.js');
  const keys = new Keys(resolveSecrets(rg.riskgate.config).masterKey);
  return new RecoveryCodes(keys, rg.riskgate.store.identities).issue(userId);
}
