import { expect } from 'chai';
import { startRiskgate, IP, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { describeOnEveryBackend } from '../helpers/backends.js';
import { outbox } from '../security/outbox.js';
import { Keys } from '../../src/crypto/keys.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { RecoveryCodes } from '../../src/mfa/recoveryCodes.js';

const OLD = 'tranquil meadow lantern 42';
const NEW_PASSWORD = 'copper harbour evening 19';
const EMAIL = 'alice@example.com';
const LINK = /\/auth\/reset\/([A-Za-z0-9_-]{43})/;

async function ask(rg: TestRiskgate, username: string, ip: string = IP.london) {
  const client = new TestClient(rg.app, ip);
  await client.get('/auth/forgot-password');
  return client.submit('/auth/forgot-password', { username });
}

async function resetMails(rg: TestRiskgate, to = EMAIL) {
  return (await outbox(rg)).filter((m) => m.to.includes(to) && m.subject.startsWith('Reset your'));
}

async function latestToken(rg: TestRiskgate): Promise<string> {
  const mails = await resetMails(rg);
  expect(mails, 'a reset mail').to.not.have.length(0);
  return LINK.exec(mails[mails.length - 1]!.text)![1]!;
}

async function canSignIn(rg: TestRiskgate, password: string): Promise<boolean> {
  const page = await new TestClient(rg.app, IP.london).signIn('alice', password);
  return page.html.includes('signed in as');
}

async function choose(client: TestClient, token: string, password = NEW_PASSWORD, again = password) {
  await client.get(`/auth/reset/${token}`);
  return client.submit(`/auth/reset/${token}/password`, { newPassword: password, confirmPassword: again });
}

describeOnEveryBackend('forgot password', {}, (rg) => {
  it('the sign-in page links to it; the mailed link sets a new argon2id password, then the user signs in normally', async () => {
    const user = await rg().addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    const client = new TestClient(rg().app, IP.london);
    const signIn = await client.get('/auth/sign-in');
    expect(signIn.html).to.contain('href="/auth/forgot-password"');
    const sent = await ask(rg(), 'alice');
    expect(sent.status).to.equal(200);
    expect(sent.html).to.contain('Check your mail');
    const token = await latestToken(rg());
    const done = await choose(client, token);
    expect(done.status).to.equal(200);
    expect(client.last.html).to.contain('Sign in with your new password');
    // No sign-in of its own: the session is still anonymous.
    expect((await client.get('/')).location ?? client.last.html).to.match(/sign-in/);
    expect(await canSignIn(rg(), OLD)).to.equal(false);
    expect(await canSignIn(rg(), NEW_PASSWORD)).to.equal(true);
    const stored = await rg().riskgate.store.users.findUserById(user.id);
    expect(stored!.passwordHash).to.match(/^\$argon2id\$/);
    const changed = (await outbox(rg())).filter((m) => m.subject.includes('password was changed'));
    expect(changed).to.have.length(1);
    expect(changed[0]!.text).to.contain('"forgot password" link');
    expect(changed[0]!.text).to.not.contain(NEW_PASSWORD);
  });

  it('the link works once: used again it is refused and changes nothing', async () => {
    await rg().addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    await ask(rg(), 'alice');
    const token = await latestToken(rg());
    await choose(new TestClient(rg().app), token);
    const again = new TestClient(rg().app);
    const page = await again.get(`/auth/reset/${token}`);
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('This link does not work');
    await again.get('/auth/forgot-password'); // a page with a form, for the session's CSRF token
    const post = await again.postRaw(`/auth/reset/${token}/password`, {
      _csrf: again.hidden('_csrf')!,
      newPassword: 'another fine passphrase 7',
      confirmPassword: 'another fine passphrase 7',
    });
    expect(post.status).to.equal(400);
    expect(await canSignIn(rg(), NEW_PASSWORD)).to.equal(true);
  });

  it('ends every session of the user', async () => {
    await rg().addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    const phone = new TestClient(rg().app, IP.london);
    expect((await phone.signIn('alice', OLD)).html).to.contain('signed in as');
    await ask(rg(), 'alice');
    await choose(new TestClient(rg().app), await latestToken(rg()));
    const after = await phone.get('/', { follow: false });
    expect(after.status).to.equal(303);
    expect(after.location).to.contain('/auth/sign-in');
  });

  it('a user with an authenticator enters a code first; the password cannot be posted before it', async () => {
    const user = await rg().addUser('alice', { password: OLD, email: EMAIL });
    await ask(rg(), 'alice');
    const token = await latestToken(rg());
    const client = new TestClient(rg().app);
    const page = await client.get(`/auth/reset/${token}`);
    expect(page.html).to.contain('Enter your verification code');
    expect(page.html).to.not.contain('name="newPassword"');
    const early = await client.postRaw(`/auth/reset/${token}/password`, {
      _csrf: client.hidden('_csrf')!,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(early.status).to.equal(400);
    expect(await canSignIn(rg(), OLD)).to.equal(true);
    await client.get(`/auth/reset/${token}`);
    const wrong = await client.submit(`/auth/reset/${token}/code`, { code: '000000' });
    expect(wrong.status).to.equal(400);
    expect(wrong.html).to.contain('That code did not work');
    const right = await client.submit(`/auth/reset/${token}/code`, { code: rg().totp(user.totpSecret!) });
    expect(right.html).to.contain('name="newPassword"');
    await client.submit(`/auth/reset/${token}/password`, {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(client.last.html).to.contain('Sign in with your new password');
    rg().clock.advance(MINUTE);
    expect(await canSignIn(rg(), NEW_PASSWORD)).to.equal(true);
  });

  it('wrong codes are capped per link: past the cap the link stops working, even with the right code', async () => {
    const user = await rg().addUser('alice', { password: OLD, email: EMAIL });
    await ask(rg(), 'alice');
    const token = await latestToken(rg());
    const client = new TestClient(rg().app);
    await client.get(`/auth/reset/${token}`);
    for (let i = 0; i < 4; i++) {
      expect((await client.submit(`/auth/reset/${token}/code`, { code: '000000' })).status).to.equal(400);
    }
    const fifth = await client.submit(`/auth/reset/${token}/code`, { code: '000000' });
    expect(fifth.status).to.equal(429);
    await client.get('/auth/forgot-password');
    const late = await client.postRaw(`/auth/reset/${token}/code`, {
      _csrf: client.hidden('_csrf')!,
      code: rg().totp(user.totpSecret!),
    });
    expect(late.status).to.equal(400);
    expect((await client.get(`/auth/reset/${token}`)).status).to.equal(400);
    expect(await canSignIn(rg(), OLD)).to.equal(true);
  });

  it('a refused new password (mismatch, breached, too short) re-renders with a 400, and the link still works', async () => {
    await rg().addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    await ask(rg(), 'alice');
    const token = await latestToken(rg());
    const client = new TestClient(rg().app);
    const cases = [
      [NEW_PASSWORD, 'something else entirely 3', 'do not match'],
      ['password123', 'password123', 'data breach'],
      ['short', 'short', 'at least'],
      [OLD, OLD, 'different from your current'],
    ] as const;
    for (const [password, again, message] of cases) {
      const page = await choose(client, token, password, again);
      expect(page.status, message).to.equal(400);
      expect(page.html).to.contain(message);
    }
    expect(await canSignIn(rg(), OLD)).to.equal(true);
    await choose(client, token);
    expect(await canSignIn(rg(), NEW_PASSWORD)).to.equal(true);
  });

  it('the token is stored only as a keyed hash, and its pages send no Referer', async () => {
    await rg().addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    await ask(rg(), 'alice');
    const token = await latestToken(rg());
    const page = await new TestClient(rg().app).get(`/auth/reset/${token}`);
    expect(page.headers['referrer-policy']).to.equal('no-referrer');
    const { flows } = rg().riskgate.store;
    expect(await flows.getFlow(token)).to.equal(null);
    const keys = new Keys(resolveSecrets(rg().riskgate.config).masterKey);
    const record = await flows.getFlow(keys.hash('password-reset', 'link', token));
    expect(record?.kind).to.equal('passwordReset');
    expect(JSON.stringify(record)).to.not.contain(token);
  });

  it('two posts of the password at once change it once', async () => {
    await rg().addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    await ask(rg(), 'alice');
    const token = await latestToken(rg());
    const client = new TestClient(rg().app);
    await client.get(`/auth/reset/${token}`);
    const csrf = client.hidden('_csrf')!;
    const post = (password: string) =>
      client.postRaw(
        `/auth/reset/${token}/password`,
        { _csrf: csrf, newPassword: password, confirmPassword: password },
        { follow: false },
      );
    const pages = await Promise.all([post(NEW_PASSWORD), post('another fine passphrase 7')]);
    expect(pages.map((p) => p.status).sort()).to.deep.equal([303, 400]);
    await rg().riskgate.notifications.settled();
    const changed = (await outbox(rg())).filter((m) => m.subject.includes('password was changed'));
    expect(changed).to.have.length(1);
  });
});

describe('forgot password: who gets a link, limits and bad links', function () {
  let rg: TestRiskgate;
  afterEach(() => rg?.close());

  it('unknown names, users without an address, blocked users and users at high risk without MFA get the same page and no mail', async () => {
    rg = await startRiskgate({ jobs: { enabled: false } });
    await rg.addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    await rg.addUser('noaddress', { mfa: false });
    const blocked = await rg.addUser('blocked', { mfa: false, email: 'blocked@example.com' });
    await rg.riskgate.store.identities.updateIdentity(blocked.id, { blocked: true }, rg.clock.now());
    await rg.addUser('leaked', { mfa: false, password: 'password123', email: 'leaked@example.com' });
    await new TestClient(rg.app).signIn('leaked', 'password123'); // leaked credentials: user risk high
    const normalise = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, '');
    const reference = await ask(rg, 'alice');
    for (const name of ['nobody', 'noaddress', 'blocked', 'leaked']) {
      const page = await ask(rg, name);
      expect(page.status, name).to.equal(reference.status);
      expect(normalise(page.html), name).to.equal(normalise(reference.html));
    }
    const mails = (await outbox(rg)).filter((m) => m.subject.startsWith('Reset your'));
    expect(mails.map((m) => m.to)).to.deep.equal([EMAIL]);
  });

  it('a recovery code works at the code step, once', async () => {
    rg = await startRiskgate({ jobs: { enabled: false } });
    const user = await rg.addUser('alice', { password: OLD, email: EMAIL });
    const keys = new Keys(resolveSecrets(rg.riskgate.config).masterKey);
    const issued = await new RecoveryCodes(keys, rg.riskgate.store.identities).issue(user.id);
    await ask(rg, 'alice');
    const client = new TestClient(rg.app);
    const token = await latestToken(rg);
    await client.get(`/auth/reset/${token}`);
    const page = await client.submit(`/auth/reset/${token}/code`, { code: issued[0]! });
    expect(page.html).to.contain('name="newPassword"');
    expect(await rg.riskgate.store.identities.countRecoveryCodes(user.id)).to.equal(issued.length - 1);
    await ask(rg, 'alice', IP.paris);
    const next = await latestToken(rg);
    await client.get(`/auth/reset/${next}`);
    expect((await client.submit(`/auth/reset/${next}/code`, { code: issued[0]! })).status).to.equal(400);
  });

  it("wrong codes count toward the user's MFA cap across links: new links give no extra guesses", async () => {
    rg = await startRiskgate({
      jobs: { enabled: false },
      mfa: { maxFailuresPerUser: 3 },
      passwordReset: { maxPerUsername: 10 },
    });
    const user = await rg.addUser('alice', { password: OLD, email: EMAIL });
    const client = new TestClient(rg.app);
    for (const ip of [IP.london, IP.paris]) {
      await ask(rg, 'alice', ip);
      const token = await latestToken(rg);
      await client.get(`/auth/reset/${token}`);
      await client.submit(`/auth/reset/${token}/code`, { code: '000000' });
    }
    await ask(rg, 'alice', IP.tokyo);
    const token = await latestToken(rg);
    await client.get(`/auth/reset/${token}`);
    await client.submit(`/auth/reset/${token}/code`, { code: '000000' });
    // The fourth try of the hour is refused even with the right code.
    await ask(rg, 'alice', IP.sydney);
    const last = await latestToken(rg);
    expect(await resetMails(rg)).to.have.length(4);
    await client.get(`/auth/reset/${last}`);
    const page = await client.submit(`/auth/reset/${last}/code`, { code: rg.totp(user.totpSecret!) });
    expect(page.status).to.equal(429);
    expect(await canSignIn(rg, OLD)).to.equal(true);
  });

  it('a password changed another way (the account page, a temporary password) ends the outstanding link', async () => {
    rg = await startRiskgate({ jobs: { enabled: false } });
    const user = await rg.addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    await ask(rg, 'alice');
    const first = await latestToken(rg);
    const owner = new TestClient(rg.app, IP.london);
    await owner.signIn('alice', OLD);
    await owner.get('/auth/account/password');
    await owner.submit('/auth/account/password', {
      currentPassword: OLD,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    await rg.riskgate.notifications.settled();
    expect((await new TestClient(rg.app).get(`/auth/reset/${first}`)).status).to.equal(400);
    await ask(rg, 'alice', IP.paris);
    const second = await latestToken(rg);
    expect(second).to.not.equal(first);
    await rg.riskgate.remediation.issueTemporaryPassword(user.id);
    await rg.riskgate.notifications.settled();
    expect((await new TestClient(rg.app).get(`/auth/reset/${second}`)).status).to.equal(400);
  });

  it('an authenticator registered after the mail is asked for before the new password', async () => {
    rg = await startRiskgate({ jobs: { enabled: false } });
    const user = await rg.addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    await ask(rg, 'alice');
    const token = await latestToken(rg);
    const keys = new Keys(resolveSecrets(rg.riskgate.config).masterKey);
    const { generateSecret, generateSync } = await import('otplib');
    const secret = generateSecret();
    await rg.riskgate.store.identities.updateIdentity(
      user.id,
      { totpSecret: keys.secretBox.seal(secret) },
      rg.clock.now(),
    );
    const client = new TestClient(rg.app);
    expect((await client.get(`/auth/reset/${token}`)).html).to.contain('Enter your verification code');
    await client.get('/auth/forgot-password');
    const early = await client.postRaw(`/auth/reset/${token}/password`, {
      _csrf: client.hidden('_csrf')!,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(early.status).to.equal(400);
    await client.get(`/auth/reset/${token}`);
    const code = generateSync({ secret, epoch: Math.floor(rg.clock.now() / 1000) });
    await client.submit(`/auth/reset/${token}/code`, { code });
    await client.submit(`/auth/reset/${token}/password`, {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(client.last.html).to.contain('Sign in with your new password');
  });

  it('a user blocked after the mail cannot use the link', async () => {
    rg = await startRiskgate({ jobs: { enabled: false } });
    const user = await rg.addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    await ask(rg, 'alice');
    const token = await latestToken(rg);
    await rg.riskgate.store.identities.updateIdentity(user.id, { blocked: true }, rg.clock.now());
    const page = await new TestClient(rg.app).get(`/auth/reset/${token}`);
    expect(page.status).to.equal(403);
    expect(page.html).to.contain('contact your help desk');
  });

  it('a user at high risk with an authenticator may reset after the code, and the reset remediates the risk', async () => {
    rg = await startRiskgate({ jobs: { enabled: false } });
    const user = await rg.addUser('alice', { password: 'password123', email: EMAIL });
    await new TestClient(rg.app).signIn('alice', 'password123');
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('high');
    await ask(rg, 'alice');
    const token = await latestToken(rg);
    const client = new TestClient(rg.app);
    await client.get(`/auth/reset/${token}`);
    rg.clock.advance(MINUTE);
    await client.submit(`/auth/reset/${token}/code`, { code: rg.totp(user.totpSecret!) });
    await client.submit(`/auth/reset/${token}/password`, {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(client.last.html).to.contain('Sign in with your new password');
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('none');
  });

  it('a link expires after passwordReset.linkMinutes', async () => {
    rg = await startRiskgate({ jobs: { enabled: false }, passwordReset: { linkMinutes: 10 } });
    await rg.addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    await ask(rg, 'alice');
    const token = await latestToken(rg);
    const client = new TestClient(rg.app);
    expect((await client.get(`/auth/reset/${token}`)).status).to.equal(200);
    rg.clock.advance(10 * MINUTE);
    const page = await client.submit(`/auth/reset/${token}/password`, {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('This link does not work');
    expect(await canSignIn(rg, OLD)).to.equal(true);
  });

  it('only the newest link works', async () => {
    rg = await startRiskgate({ jobs: { enabled: false } });
    await rg.addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    await ask(rg, 'alice');
    const first = await latestToken(rg);
    await ask(rg, 'alice');
    const second = await latestToken(rg);
    expect(second).to.not.equal(first);
    expect((await new TestClient(rg.app).get(`/auth/reset/${first}`)).status).to.equal(400);
    expect((await new TestClient(rg.app).get(`/auth/reset/${second}`)).status).to.equal(200);
  });

  it('per username: past the limit the same page, and no more mail', async () => {
    rg = await startRiskgate({ jobs: { enabled: false }, passwordReset: { maxPerUsername: 2 } });
    await rg.addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    const pages = [];
    for (const ip of [IP.london, IP.paris, IP.tokyo]) pages.push(await ask(rg, 'alice', ip));
    expect(pages.map((p) => p.status)).to.deep.equal([200, 200, 200]);
    expect(await resetMails(rg)).to.have.length(2);
  });

  it('per address: past the limit a 429 and no mail, whatever the name', async () => {
    rg = await startRiskgate({ jobs: { enabled: false }, passwordReset: { maxPerIp: 2 } });
    await rg.addUser('alice', { password: OLD, mfa: false, email: EMAIL });
    expect((await ask(rg, 'nobody1')).status).to.equal(200);
    expect((await ask(rg, 'nobody2')).status).to.equal(200);
    const third = await ask(rg, 'alice');
    expect(third.status).to.equal(429);
    expect(third.html).to.contain('Too many requests');
    expect(await resetMails(rg)).to.have.length(0);
    expect((await ask(rg, 'alice', IP.paris)).status).to.equal(200);
  });

  it('bad input gets a 4xx page and never a 5xx: malformed tokens, a missing or too long username, junk codes', async () => {
    rg = await startRiskgate({ jobs: { enabled: false } });
    const client = new TestClient(rg.app);
    for (const path of ['/auth/reset/short', `/auth/reset/${'a'.repeat(300)}`, '/auth/reset/%E0%A4%A']) {
      const page = await client.get(path);
      expect(page.status, path).to.be.within(400, 499);
    }
    await client.get('/auth/forgot-password');
    const csrf = client.hidden('_csrf')!;
    for (const username of ['', 'x'.repeat(255), 'a\u0000b']) {
      const page = await client.postRaw('/auth/forgot-password', { _csrf: csrf, username });
      expect(page.status).to.equal(400);
    }
    const repeated = await client.postRaw('/auth/forgot-password', { _csrf: csrf, username: ['a', 'b'] });
    expect(repeated.status).to.equal(400);
    const code = await client.postRaw(`/auth/reset/${'A'.repeat(43)}/code`, { _csrf: csrf, code: 'x' });
    expect(code.status).to.equal(400);
  });

  it('switched off (passwordReset.enabled false): no link on the sign-in page and no route', async () => {
    rg = await startRiskgate({ jobs: { enabled: false }, passwordReset: { enabled: false } });
    const client = new TestClient(rg.app);
    expect((await client.get('/auth/sign-in')).html).to.not.contain('forgot-password');
    expect((await client.get('/auth/forgot-password')).status).to.equal(404);
  });
});
