import { expect } from 'chai';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';

const BREACHED = 'password123';
const NEW_PASSWORD = 'silver canyon whistle 77';

describe('compromised account recovery flow', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  async function signInWithBreachedPassword(mfa = true) {
    const user = await rg.addUser('bob', { password: BREACHED, mfa });
    const client = new TestClient(rg.app, IP.london);
    const page = await client.signIn('bob', BREACHED);
    return { user, client, page };
  }

  it('a breached password makes user risk high: notice, MFA, forced password change, then signed in', async () => {
    const { user, client, page } = await signInWithBreachedPassword();
    expect(page.html).to.contain('may be at risk');
    const identity = await rg.riskgate.store.identities.getIdentity(user.id);
    expect(identity.riskLevel).to.equal('high');
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    const change = await client.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    expect(change.html).to.contain('name="newPassword"');
    const home = await client.submit('/auth/flow/change-password', {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(home.html).to.contain('signed in as');

    const after = await rg.riskgate.store.identities.getIdentity(user.id);
    expect(after.riskLevel).to.equal('none');
    expect(after.riskState).to.equal('remediated');
    expect(await rg.riskgate.store.detections.activeDetections(user.id)).to.have.length(0);
    const all = await rg.riskgate.store.detections.detectionsForUser(user.id);
    expect(all.map((d) => d.type)).to.include('leakedCredentials');
    expect(all.every((d) => d.closedBy === 'remediated')).to.equal(true);
  });

  it('the new password works and the old one no longer does', async () => {
    const { user, client } = await signInWithBreachedPassword();
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    await client.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    await client.submit('/auth/flow/change-password', {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    const fresh = new TestClient(rg.app, IP.london);
    await fresh.get('/auth/sign-in');
    expect((await fresh.submit('/auth/sign-in', { username: 'bob', password: BREACHED })).status).to.equal(
      401,
    );
    await fresh.get('/auth/sign-in');
    expect(
      (await fresh.submit('/auth/sign-in', { username: 'bob', password: NEW_PASSWORD })).html,
    ).to.contain('signed in as');
  });

  it('the password change signs out every other session of the user', async () => {
    const user = await rg.addUser('bob', { password: 'first good password 1', mfa: true });
    const laptop = new TestClient(rg.app, IP.london);
    await laptop.signIn('bob', 'first good password 1');
    expect((await laptop.get('/', { follow: false })).status).to.equal(200);
    await rg.riskgate.store.users.setPasswordHash(
      user.id,
      await import('../../src/auth/passwordHasher.js').then((m) => m.hashPassword(BREACHED)),
    );
    const { client } = await (async () => {
      const c = new TestClient(rg.app, IP.london);
      await c.signIn('bob', BREACHED);
      return { client: c };
    })();
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    await client.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    await client.submit('/auth/flow/change-password', {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect((await laptop.get('/', { follow: false })).status).to.equal(303);
    expect((await client.get('/', { follow: false })).status).to.equal(200);
  });

  it('a new password that is breached, too short, or mismatched is refused with a clear message', async () => {
    const { user, client } = await signInWithBreachedPassword();
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    await client.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    const cases: [string, string, RegExp][] = [
      ['qwerty123', 'qwerty123', /common|breached/i],
      ['short', 'short', /at least 8/i],
      [NEW_PASSWORD, 'something else entirely', /do not match/i],
      [BREACHED, BREACHED, /common|breached|different/i],
    ];
    for (const [newPassword, confirmPassword, message] of cases) {
      const page = await client.submit('/auth/flow/change-password', { newPassword, confirmPassword });
      expect(page.status, newPassword).to.equal(400);
      expect(page.html, newPassword).to.match(message);
    }
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('high');
  });

  it('a new password longer than 128 characters is refused with a clear message, and 128 are accepted (ASVS 2.1.2)', async () => {
    const { user, client } = await signInWithBreachedPassword();
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    await client.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    const phrase = 'silver canyon whistle 77 '.repeat(6);
    const tooLong = phrase.slice(0, 129);
    const page = await client.submit('/auth/flow/change-password', {
      newPassword: tooLong,
      confirmPassword: tooLong,
    });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('That password is too long: use at most 128 characters.');
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('high');
    const longest = phrase.slice(0, 128);
    const home = await client.submit('/auth/flow/change-password', {
      newPassword: longest,
      confirmPassword: longest,
    });
    expect(home.html).to.contain('signed in as');
  });

  it('a compromised user without an authenticator is blocked and told to contact the help desk', async () => {
    const { page } = await signInWithBreachedPassword(false);
    expect(page.html).to.match(/help desk/i);
    expect(page.html).to.contain('Reference');
  });

  it('the user risk policy can block high-risk users outright', async () => {
    const strict = await startRiskgate({ policies: { userRisk: { blockAt: 'high' } } });
    try {
      await strict.addUser('bob', { password: BREACHED });
      const client = new TestClient(strict.app, IP.london);
      const page = await client.signIn('bob', BREACHED);
      expect(page.html).to.contain('Your account is blocked');
    } finally {
      await strict.close();
    }
  });

  it('report-only records what the user risk policy would have done and lets the user in', async () => {
    const observing = await startRiskgate({ policies: { userRisk: { mode: 'reportOnly' } } });
    try {
      const user = await observing.addUser('bob', { password: BREACHED });
      const client = new TestClient(observing.app, IP.london);
      const page = await client.signIn('bob', BREACHED);
      expect(page.html).to.contain('signed in as');
      const [signIn] = await observing.riskgate.store.signIns.recentSignIns(user.id, 1);
      expect(signIn!.reportOnly).to.deep.equal([{ policy: 'userRisk', wouldHave: 'requirePasswordChange' }]);
    } finally {
      await observing.close();
    }
  });
});
