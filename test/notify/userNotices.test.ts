import { expect } from 'chai';
import { startRiskgate, IP, DAY, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { TestSmtp } from '../helpers/smtp.js';

const ALICE = 'alice@example.com';

describe('mails to users', () => {
  let smtp: TestSmtp;
  let rg: TestRiskgate;
  const start = async (options: Parameters<typeof startRiskgate>[0] = {}) => {
    rg = await startRiskgate({
      appName: 'Example Portal',
      publicUrl: 'https://login.example.com',
      mail: smtp.options(),
      jobs: { enabled: false },
      ...options,
    });
  };
  beforeEach(async () => {
    smtp = await TestSmtp.start();
  });
  afterEach(async () => {
    await rg?.close();
    await smtp.close();
  });

  /** Signs in from London, then (a day later) from Paris: new country, allowed below the MFA level. */
  async function homeThenParis() {
    const user = await rg.addUser('alice', { email: ALICE });
    const home = new TestClient(rg.app, IP.london);
    await home.signIn('alice', user.password);
    rg.clock.advance(DAY);
    const paris = new TestClient(rg.app, IP.paris);
    const page = await paris.signIn('alice', user.password);
    await rg.riskgate.notifications.settled();
    return { user, home, paris, page };
  }

  it('an allowed sign-in from a new country mails the owner where, when and a "This wasn\'t me" link', async () => {
    await start({ policies: { signInRisk: { mfaAt: 'off' } } });
    const { user, page } = await homeThenParis();
    expect(page.html).to.contain('signed in as');
    const mails = smtp.to(ALICE);
    expect(mails).to.have.length(1);
    const [mail] = mails;
    expect(mail!.subject).to.equal('New sign-in to your Example Portal account');
    expect(mail!.from).to.equal('security@example.com');
    expect(mail!.text).to.contain('France');
    expect(mail!.text).to.contain('UTC');
    expect(mail!.text).to.contain(IP.paris);
    expect(mail!.html).to.contain('Example Portal');
    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    const link = new RegExp(
      `https://login\\.example\\.com/auth/not-me/${signIn!.id}\\.[0-9a-z]+\\.[A-Za-z0-9_-]{43}`,
    );
    expect(mail!.text).to.match(link);
    expect(mail!.html).to.match(link);
    expect(mail!.raw).to.not.contain(user.password);
    // No tracking: no images, no scripts, no link anywhere but the sign-in pages.
    for (const part of [mail!.text, mail!.html]) {
      expect(part).to.not.match(/<img|<script|https?:\/\/(?!login\.example\.com\/auth\/not-me\/)/i);
    }
    expect(mail!.headers.get('auto-submitted')).to.equal('auto-generated');
  });

  it('a familiar sign-in sends nothing, and the first ever sign-in sends nothing', async () => {
    await start();
    const user = await rg.addUser('alice', { email: ALICE });
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('alice', user.password);
    rg.clock.advance(DAY);
    await new TestClient(rg.app, IP.londonNeighbour).signIn('alice', user.password);
    await rg.riskgate.notifications.settled();
    expect(smtp.mails).to.have.length(0);
  });

  it('a user without an email address gets no mail, and the sign-in goes on', async () => {
    await start({ policies: { signInRisk: { mfaAt: 'off' } } });
    const user = await rg.addUser('alice');
    await new TestClient(rg.app, IP.london).signIn('alice', user.password);
    rg.clock.advance(DAY);
    const page = await new TestClient(rg.app, IP.paris).signIn('alice', user.password);
    expect(page.html).to.contain('signed in as');
    await rg.riskgate.notifications.settled();
    expect(smtp.mails).to.have.length(0);
  });

  it('with userNotices: false users get no mail at all', async () => {
    await start({ mail: smtp.options({ userNotices: false }), policies: { signInRisk: { mfaAt: 'off' } } });
    await homeThenParis();
    rg.riskgate.notifications.mfaChanged(
      (await rg.riskgate.store.users.findUserByUsername('alice'))!.id,
      'reset',
    );
    await rg.riskgate.notifications.settled();
    expect(smtp.mails).to.have.length(0);
  });

  it('after an MFA challenge the mail says the code check was passed', async () => {
    await start();
    const user = await rg.addUser('alice', { email: ALICE });
    const home = new TestClient(rg.app, IP.london);
    await home.signIn('alice', user.password);
    rg.clock.advance(60 * 60_000);
    const away = new TestClient(rg.app, IP.tokyo);
    await away.signIn('alice', user.password);
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    const signedIn = await away.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    expect(signedIn.html).to.contain('signed in as');
    await rg.riskgate.notifications.settled();
    const [mail] = smtp.to(ALICE);
    expect(mail!.text).to.contain('passed the verification code check');
    expect(mail!.text).to.contain('Japan');
    expect(mail!.text).to.contain('/auth/not-me/');
  });

  it('a temporary password from an administrator, then the forced change, each mail the owner without the password', async () => {
    await start();
    const user = await rg.addUser('alice', { email: ALICE });
    const temporary = await rg.riskgate.remediation.issueTemporaryPassword(user.id);
    await rg.riskgate.notifications.settled();
    expect(smtp.to(ALICE).map((m) => m.subject)).to.deep.equal(['Your Example Portal password was changed']);
    expect(smtp.mails[0]!.text).to.contain('An administrator set a temporary password');
    expect(smtp.mails[0]!.raw).to.not.contain(temporary);

    const client = new TestClient(rg.app, IP.london);
    await client.signIn('alice', temporary);
    const newPassword = 'a brand new long passphrase 7';
    const done = await client.submit('/auth/flow/change-password', {
      newPassword,
      confirmPassword: newPassword,
    });
    expect(done.html).to.contain('signed in as');
    await rg.riskgate.notifications.settled();
    const mails = smtp.to(ALICE);
    expect(mails).to.have.length(2);
    expect(mails[1]!.text).to.contain('was changed on');
    expect(mails[1]!.raw).to.not.contain(newPassword);
    expect(mails[1]!.raw).to.not.contain(temporary);
  });

  it('a password change after an admin-required reset says the administrator asked for it', async () => {
    await start();
    const user = await rg.addUser('alice', { email: ALICE });
    await rg.riskgate.remediation.requirePasswordReset(user.id);
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('alice', user.password);
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    await client.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    const newPassword = 'another long passphrase 8';
    await client.submit('/auth/flow/change-password', { newPassword, confirmPassword: newPassword });
    await rg.riskgate.notifications.settled();
    const changed = smtp.to(ALICE).filter((m) => m.subject.includes('password was changed'));
    expect(changed).to.have.length(1);
    expect(changed[0]!.text).to.contain('after your administrator asked for a password reset');
  });

  it('registering an authenticator in the registration flow mails the owner, without the key', async () => {
    await start({ policies: { mfaRegistration: { mode: 'on', graceDays: 0 } } });
    const user = await rg.addUser('bob', { email: 'bob@example.com', mfa: false });
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('bob', user.password);
    const scan = await client.submit('/auth/flow/register', {}, { action: 'start' });
    const key = /([A-Z2-7]{4}(?: [A-Z2-7]{1,4})+)/.exec(scan.html)![1]!.replace(/ /g, '');
    await client.submit('/auth/flow/register-verify', { code: rg.totp(key) });
    await rg.riskgate.notifications.settled();
    const [mail] = smtp.to('bob@example.com');
    expect(mail!.subject).to.equal('A new authenticator was set up for your Example Portal account');
    expect(mail!.text).to.contain('An authenticator app was set up');
    expect(mail!.raw).to.not.contain(key);
  });

  it('an administrator resetting MFA (through the notifications API) mails the owner', async () => {
    await start();
    const user = await rg.addUser('alice', { email: ALICE });
    rg.riskgate.notifications.mfaChanged(user.id, 'reset');
    await rg.riskgate.notifications.settled();
    const [mail] = smtp.to(ALICE);
    expect(mail!.subject).to.equal('Your Example Portal authenticator was removed');
    expect(mail!.text).to.contain('An administrator removed the authenticator app');
  });
});
