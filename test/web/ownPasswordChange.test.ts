import { expect } from 'chai';
import { startRiskgate, IP, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { TestSmtp } from '../helpers/smtp.js';
import { describeOnEveryBackend } from '../helpers/backends.js';

const CURRENT = 'tranquil meadow lantern 42';
const NEW_PASSWORD = 'copper harbour evening 19';

async function signedIn(rg: TestRiskgate, ip: string = IP.london) {
  const client = new TestClient(rg.app, ip);
  const page = await client.signIn('alice', CURRENT);
  expect(page.html).to.contain('signed in as');
  return client;
}

async function hashOf(rg: TestRiskgate, userId: string): Promise<string> {
  return (await rg.riskgate.store.users.findUserById(userId))!.passwordHash;
}

async function canSignIn(rg: TestRiskgate, password: string): Promise<boolean> {
  const client = new TestClient(rg.app, IP.london);
  const page = await client.signIn('alice', password);
  return page.html.includes('signed in as');
}

async function openPasswordPage(client: TestClient) {
  await client.get('/auth/account');
  return client.get('/auth/account/password');
}

describeOnEveryBackend('self-service password change', {}, (rg) => {
  it('with the current password and the new one twice: the new one works, the old one no longer does', async () => {
    const user = await rg().addUser('alice', { password: CURRENT });
    const client = await signedIn(rg());
    const form = await openPasswordPage(client);
    expect(form.html).to.contain('name="currentPassword"');
    const done = await client.submit('/auth/account/password', {
      currentPassword: CURRENT,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(done.status).to.equal(200);
    expect(done.html).to.contain('Your password was changed');
    expect(await canSignIn(rg(), CURRENT)).to.equal(false);
    expect(await canSignIn(rg(), NEW_PASSWORD)).to.equal(true);
    expect(await hashOf(rg(), user.id)).to.match(/^\$argon2id\$/);
  });

  it('renews the session id, keeps this session signed in and signs out every other session', async () => {
    await rg().addUser('alice', { password: CURRENT });
    const phone = await signedIn(rg(), IP.londonNeighbour);
    const client = await signedIn(rg());
    const before = client.cookies.get('rg.sid');
    await openPasswordPage(client);
    await client.submit('/auth/account/password', {
      currentPassword: CURRENT,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(client.cookies.get('rg.sid')).to.not.equal(before);
    expect((await client.get('/', { follow: false })).status).to.equal(200);
    expect((await phone.get('/', { follow: false })).status).to.equal(303);
    // The id this browser had before the change is dead too (it may have leaked with the password).
    const stale = new TestClient(rg().app, IP.london);
    stale.cookies.set('rg.sid', before!);
    expect((await stale.get('/', { follow: false })).status).to.equal(303);
  });
});

describe('self-service password change: refusals', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  /** Alice signed in twice (this browser and a phone), on the password page. */
  async function ready() {
    const user = await rg.addUser('alice', { password: CURRENT });
    const phone = await signedIn(rg, IP.londonNeighbour);
    const client = await signedIn(rg);
    await openPasswordPage(client);
    const csrf = client.hidden('_csrf')!;
    return { user, phone, client, csrf, hash: await hashOf(rg, user.id) };
  }

  async function unchanged(r: Awaited<ReturnType<typeof ready>>) {
    expect(await hashOf(rg, r.user.id)).to.equal(r.hash);
    expect((await r.phone.get('/', { follow: false })).status, 'other session').to.equal(200);
    expect((await r.client.get('/', { follow: false })).status, 'this session').to.equal(200);
  }

  const refusals: [string, (csrf: string) => Record<string, string | string[]>, RegExp, string][] = [
    [
      'a missing current password',
      (csrf) => ({ _csrf: csrf, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
      /Enter your current password/,
      'currentPassword',
    ],
    [
      'a missing new password',
      (csrf) => ({ _csrf: csrf, currentPassword: CURRENT, confirmPassword: NEW_PASSWORD }),
      /Enter a new password/,
      'newPassword',
    ],
    [
      'two new passwords that differ',
      (csrf) => ({
        _csrf: csrf,
        currentPassword: CURRENT,
        newPassword: NEW_PASSWORD,
        confirmPassword: 'something else entirely',
      }),
      /do not match/,
      'confirmPassword',
    ],
    [
      'a too short new password',
      (csrf) => ({ _csrf: csrf, currentPassword: CURRENT, newPassword: 'short', confirmPassword: 'short' }),
      /at least 8/,
      'newPassword',
    ],
    [
      'a breached or common new password',
      (csrf) => ({
        _csrf: csrf,
        currentPassword: CURRENT,
        newPassword: 'qwerty123',
        confirmPassword: 'qwerty123',
      }),
      /common or has appeared in a data breach/,
      'newPassword',
    ],
    [
      'the current password as the new one',
      (csrf) => ({ _csrf: csrf, currentPassword: CURRENT, newPassword: CURRENT, confirmPassword: CURRENT }),
      /different from your current one/,
      'newPassword',
    ],
    [
      'a new password of 129 characters',
      (csrf) => {
        const long = 'harbour 7 '.repeat(13).slice(0, 129);
        return { _csrf: csrf, currentPassword: CURRENT, newPassword: long, confirmPassword: long };
      },
      /too long: use at most 128 characters/,
      'newPassword',
    ],
    [
      'a new password of 2000 characters',
      (csrf) => {
        const long = 'x7'.repeat(1000);
        return { _csrf: csrf, currentPassword: CURRENT, newPassword: long, confirmPassword: long };
      },
      /too long: use at most 128 characters/,
      'newPassword',
    ],
    [
      'a repeated field',
      (csrf) => ({
        _csrf: csrf,
        currentPassword: [CURRENT, CURRENT],
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      }),
      /only once/,
      'currentPassword',
    ],
  ];

  for (const [name, body, message, field] of refusals) {
    it(`${name} is refused with a 400 and a clear message, and changes nothing`, async () => {
      const r = await ready();
      const page = await r.client.postRaw('/auth/account/password', body(r.csrf));
      expect(page.status).to.equal(400);
      expect(page.html).to.match(message);
      expect(page.html).to.match(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
      expect(page.html).to.contain('name="currentPassword"');
      await unchanged(r);
    });
  }

  it('an unreadable (oversized) body is refused with a 400 before the CSRF check, and changes nothing', async () => {
    const r = await ready();
    const page = await r.client.postRaw('/auth/account/password', `junk=${'a'.repeat(20_000)}`);
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('The form was too large');
    await unchanged(r);
  });

  it('a wrong current password is refused with a clear message and changes nothing', async () => {
    const r = await ready();
    const page = await r.client.submit('/auth/account/password', {
      currentPassword: 'not my password at all',
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('Your current password is not correct. Nothing was changed.');
    expect(page.html).to.match(/id="currentPassword"[^>]*aria-invalid="true"/);
    await unchanged(r);
  });

  it('wrong current passwords are capped per user: past 5 tries even the right one gets a 429 until the window ends', async () => {
    const r = await ready();
    for (let i = 0; i < 5; i++) {
      await r.client.submit('/auth/account/password', {
        currentPassword: `wrong guess ${i}`,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      });
    }
    const right = { currentPassword: CURRENT, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
    const capped = await r.client.submit('/auth/account/password', right);
    expect(capped.status).to.equal(429);
    expect(capped.html).to.contain('Too many tries');
    // The cap is the user's, not the session's: another signed-in browser is capped too.
    await openPasswordPage(r.phone);
    expect((await r.phone.submit('/auth/account/password', right)).status).to.equal(429);
    await unchanged(r);

    rg.clock.advance(16 * MINUTE);
    await openPasswordPage(r.client);
    const done = await r.client.submit('/auth/account/password', right);
    expect(done.html).to.contain('Your password was changed');
  });

  it('a correct current password clears the count of wrong ones', async () => {
    const r = await ready();
    const wrong = {
      currentPassword: 'wrong guess',
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    };
    for (let i = 0; i < 4; i++) await r.client.submit('/auth/account/password', wrong);
    // Right current password, unusable new one: refused, but the user proved who they are.
    await r.client.submit('/auth/account/password', {
      currentPassword: CURRENT,
      newPassword: 'short',
      confirmPassword: 'short',
    });
    for (let i = 0; i < 4; i++) await r.client.submit('/auth/account/password', wrong);
    const page = await r.client.submit('/auth/account/password', {
      currentPassword: CURRENT,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(page.html).to.contain('Your password was changed');
  });

  it("without the session's CSRF token the post is refused with a 403 and changes nothing", async () => {
    const r = await ready();
    for (const token of [undefined, 'forged-token']) {
      const fields: Record<string, string> = {
        currentPassword: CURRENT,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      };
      if (token) fields._csrf = token;
      const page = await r.client.postRaw('/auth/account/password', fields);
      expect(page.status).to.equal(403);
    }
    await unchanged(r);
  });

  it('a signed-out browser is sent to sign in (GET and POST), and nothing changes', async () => {
    const user = await rg.addUser('alice', { password: CURRENT });
    const hash = await hashOf(rg, user.id);
    const stranger = new TestClient(rg.app, IP.london);
    const get = await stranger.get('/auth/account/password', { follow: false });
    expect(get.status).to.equal(303);
    expect(get.location).to.equal('/auth/sign-in?returnTo=%2Fauth%2Faccount%2Fpassword');
    await stranger.get('/auth/sign-in');
    const post = await stranger.postRaw(
      '/auth/account/password',
      {
        _csrf: stranger.hidden('_csrf')!,
        currentPassword: CURRENT,
        newPassword: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
      },
      { follow: false },
    );
    expect(post.status).to.equal(303);
    expect(post.location).to.equal('/auth/sign-in');
    expect(await hashOf(rg, user.id)).to.equal(hash);
  });

  it("the demo app's home page links to the account page, which links to the password change", async () => {
    await rg.addUser('alice', { password: CURRENT });
    const client = await signedIn(rg);
    expect(client.last.html).to.contain('href="/auth/account"');
    const account = await client.get('/auth/account');
    expect(account.html).to.contain('href="/auth/account/password"');
  });
});

describe('self-service password change: risk and mail', () => {
  let smtp: TestSmtp;
  let rg: TestRiskgate;
  beforeEach(async () => {
    smtp = await TestSmtp.start();
    rg = await startRiskgate({
      appName: 'Example Portal',
      publicUrl: 'https://login.example.com',
      mail: smtp.options(),
      jobs: { enabled: false },
    });
  });
  afterEach(async () => {
    await rg.close();
    await smtp.close();
  });

  const change = { currentPassword: CURRENT, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };
  const suspicious = [
    {
      type: 'userReportedSuspicious' as const,
      level: 'medium' as const,
      timing: 'realtime' as const,
      scope: 'user' as const,
      reason: 'test',
    },
  ];

  it('mails the owner that the password was changed, without the password', async () => {
    await rg.addUser('alice', { password: CURRENT, email: 'alice@example.com' });
    const client = await signedIn(rg);
    await openPasswordPage(client);
    await client.submit('/auth/account/password', change);
    await rg.riskgate.notifications.settled();
    const mails = smtp.to('alice@example.com').filter((m) => m.subject.includes('password was changed'));
    expect(mails).to.have.length(1);
    expect(mails[0]!.text).to.contain('was changed on');
    expect(mails[0]!.raw).to.not.contain(NEW_PASSWORD);
    expect(mails[0]!.raw).to.not.contain(CURRENT);
  });

  it('a refused change sends no mail', async () => {
    await rg.addUser('alice', { password: CURRENT, email: 'alice@example.com' });
    const client = await signedIn(rg);
    await openPasswordPage(client);
    await client.submit('/auth/account/password', { ...change, currentPassword: 'wrong one' });
    await rg.riskgate.notifications.settled();
    expect(smtp.to('alice@example.com').filter((m) => m.subject.includes('password'))).to.have.length(0);
  });

  it("without MFA in this session the change leaves the user's detections open (whoever holds a leaked password could clear them)", async () => {
    const user = await rg.addUser('alice', { password: CURRENT });
    const client = await signedIn(rg);
    await rg.riskgate.store.detections.addDetections(user.id, null, suspicious, rg.clock.now());
    await openPasswordPage(client);
    expect((await client.submit('/auth/account/password', change)).html).to.contain(
      'Your password was changed',
    );
    expect(await rg.riskgate.store.detections.activeDetections(user.id)).to.have.length(1);
  });

  it("after MFA in this session the change is a secure password change: the user's risk is remediated", async () => {
    const user = await rg.addUser('alice', { password: CURRENT });
    await signedIn(rg);
    rg.clock.advance(60 * MINUTE);
    // A sign-in from the other side of the world asks for a code: this session has passed MFA.
    const away = new TestClient(rg.app, IP.tokyo);
    await away.signIn('alice', CURRENT);
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    const home = await away.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    expect(home.html).to.contain('signed in as');
    await rg.riskgate.store.detections.addDetections(user.id, null, suspicious, rg.clock.now());
    await openPasswordPage(away);
    expect((await away.submit('/auth/account/password', change)).html).to.contain(
      'Your password was changed',
    );
    expect(await rg.riskgate.store.detections.activeDetections(user.id)).to.have.length(0);
  });
});
