/**
 * unregisteredUsers: registerWithEmailCode (DESIGN.md): a user without an authenticator whose sign-in
 * needs MFA may register one after proving they read the account's mailbox. The default stays block.
 */
import { expect } from 'chai';
import { startRiskgate, IP, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { TestSmtp } from '../helpers/smtp.js';

const BOB = 'bob@example.com';

describe('MFA registration after an email code during a risky sign-in', () => {
  let smtp: TestSmtp;
  let rg: TestRiskgate;
  const start = async (unregisteredUsers: 'block' | 'registerWithEmailCode' = 'registerWithEmailCode') => {
    rg = await startRiskgate({
      mail: smtp.options(),
      jobs: { enabled: false },
      policies: { unregisteredUsers },
    });
  };
  beforeEach(async () => {
    smtp = await TestSmtp.start();
  });
  afterEach(async () => {
    await rg.close();
    await smtp.close();
  });

  /** bob (no authenticator) signs in at home, then from Tokyo an hour later: MFA is required. */
  async function riskySignIn(email: string | null = BOB) {
    const user = await rg.addUser('bob', { mfa: false, email: email ?? undefined });
    await new TestClient(rg.app, IP.london).signIn('bob', user.password);
    rg.clock.advance(60 * MINUTE);
    const away = new TestClient(rg.app, IP.tokyo);
    const page = await away.signIn('bob', user.password);
    return { user, away, page };
  }

  const latestCode = async () => {
    await rg.riskgate.notifications.settled();
    const mails = smtp.to(BOB).filter((m) => m.subject.includes('verification code'));
    return /\b(\d{6})\b/.exec(mails[mails.length - 1]!.text)![1]!;
  };

  const expectBlocked = async (user: { id: string }, page: { html: string }) => {
    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    expect(signIn!.outcome).to.equal('blocked');
    expect(page.html).to.contain(signIn!.id); // the blocked page's reference id
    expect(page.html).to.not.contain('Check your email');
  };

  it('by default a user without an authenticator is still blocked', async () => {
    await start('block');
    const { user, page } = await riskySignIn();
    await expectBlocked(user, page);
    await rg.riskgate.notifications.settled();
    expect(smtp.mails).to.have.length(0);
  });

  it('a user without an email address is blocked even when email codes are allowed', async () => {
    await start();
    const { user, page } = await riskySignIn(null);
    await expectBlocked(user, page);
  });

  it('email code, then registration, then the sign-in completes; nothing is mailed on GET', async () => {
    await start();
    const { user, away, page } = await riskySignIn();
    expect(page.html).to.contain('Check your email');
    await away.get('/auth/flow/email-code');
    await rg.riskgate.notifications.settled();
    expect(smtp.mails).to.have.length(0);
    // The registration step cannot be reached before the code.
    const skipped = await away.get('/auth/flow/register');
    expect(skipped.html).to.contain('Check your email');

    await away.submit('/auth/flow/email-code', {}, { action: 'send' });
    const code = await latestCode();
    const [mail] = smtp.to(BOB);
    expect(mail!.subject).to.equal('Your Riskgate verification code');
    const wrong = await away.submit(
      '/auth/flow/email-code',
      { code: code === '000000' ? '111111' : '000000' },
      { action: 'verify' },
    );
    expect(wrong.status).to.equal(400);
    expect(wrong.html).to.contain('That code did not work');

    const intro = await away.submit('/auth/flow/email-code', { code }, { action: 'verify' });
    expect(intro.html).to.contain('Set up an authenticator app');
    expect(intro.html).to.not.contain('Skip for now');
    const scan = await away.submit('/auth/flow/register', {}, { action: 'start' });
    const key = /([A-Z2-7]{4}(?: [A-Z2-7]{1,4})+)/.exec(scan.html)![1]!.replace(/ /g, '');
    const codes = await away.submit('/auth/flow/register-verify', { code: rg.totp(key) });
    expect(codes.html).to.contain('recovery');
    const home = await away.submit('/auth/flow/recovery-codes');
    expect(home.html).to.contain('signed in as');
    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    expect(signIn!.outcome).to.equal('mfaPassed');
    await rg.riskgate.notifications.settled();
    expect(smtp.to(BOB).map((m) => m.subject)).to.include(
      'A new authenticator was set up for your Riskgate account',
    );
  });

  it('the code is refused once expired, a resend within a minute is refused, and guesses are capped', async () => {
    await start();
    const { away } = await riskySignIn();
    await away.submit('/auth/flow/email-code', {}, { action: 'send' });
    const code = await latestCode();
    const tooSoon = await away.submit('/auth/flow/email-code', {}, { action: 'send' });
    expect(tooSoon.status).to.equal(400);
    expect(tooSoon.html).to.contain('less than a minute ago');
    rg.clock.advance(11 * MINUTE);
    const expired = await away.submit('/auth/flow/email-code', { code }, { action: 'verify' });
    expect(expired.html).to.contain('That code has expired');

    await away.submit('/auth/flow/email-code', {}, { action: 'send' });
    const fresh = await latestCode();
    const wrongCode = fresh === '000000' ? '111111' : '000000';
    let page = away.last;
    for (let i = 0; i < 5 && !page.html.includes('Too many'); i++)
      page = await away.submit('/auth/flow/email-code', { code: wrongCode }, { action: 'verify' });
    expect(page.status).to.equal(429);
    expect(page.html).to.contain('Too many incorrect codes');
    // The flow is over: the right code does nothing now.
    expect(formsPostingTo(page.html, '/auth/flow/email-code')).to.equal(false);
  });

  it('bad input on the code page gets a clear 400, never a 500', async () => {
    await start();
    const { away } = await riskySignIn();
    await away.submit('/auth/flow/email-code', {}, { action: 'send' });
    const v = away.hidden('v')!;
    const csrf = away.hidden('_csrf')!;
    const bodies: Record<string, string>[] = [
      { action: 'verify', code: 'abc' },
      { action: 'nope' },
      { action: 'verify' },
    ];
    for (const body of bodies) {
      const page = await away.postRaw('/auth/flow/email-code', { ...body, v, _csrf: csrf });
      expect(page.status, JSON.stringify(body)).to.equal(400);
    }
  });
});

function formsPostingTo(html: string, action: string): boolean {
  return html.includes(`action="${action}"`);
}
