/**
 * The end-user pages reached from a security mail, in a real browser at 360 px, with a real SMTP
 * server: the email-code step of a risky sign-in (registerWithEmailCode) and the "This wasn't me"
 * link of the unfamiliar sign-in mail, opened, used, and opened again.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { IP, MINUTE } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { TestSmtp } from '../helpers/smtp.js';
import type { RiskgateOptions } from '../../src/riskgate.js';
import { signInThroughForm, useBrowserFixture } from './browser.js';
import { checkPage, checkedPages } from './a11y.js';
import { MAIL_LINK_PAGES } from './pages.js';

const EMAIL = 'owner@example.com';

describe('browser: pages reached from security mails, accessible and readable on a phone', function () {
  this.timeout(120_000);
  let smtp: TestSmtp;
  beforeEach(async function () {
    smtp = await TestSmtp.start();
  });
  afterEach(() => smtp?.close());

  /** A Riskgate mailing through the test's SMTP server, with `policies`, for each test of the block. */
  const mailingFixture = (policies: RiskgateOptions['policies']) =>
    useBrowserFixture(() => ({
      publicUrl: 'https://login.example.com',
      mail: smtp.options({ notMeLinkHours: 24 }),
      jobs: { enabled: false },
      policies,
    }));

  const signIn = (url: string, page: Page, username: string, password: string) =>
    signInThroughForm(page, `${url}/auth/sign-in`, username, password);

  describe('email code', () => {
    const fixture = mailingFixture({ unregisteredUsers: 'registerWithEmailCode' });

    it('email code: the step before a code is sent, and after, with the code from the mail', async () => {
      const { rg, url } = fixture();
      const user = await rg.addUser('bob', { mfa: false, email: EMAIL });
      await new TestClient(rg.app, IP.london).signIn('bob', user.password);
      rg.clock.advance(60 * MINUTE);
      const page = await fixture().phonePage(IP.tokyo);
      await signIn(url, page, 'bob', user.password);
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      await checkPage(page, 'email-code');
      await page.getByRole('button', { name: 'Email me a code' }).click();
      await page.getByLabel('Code from the email').waitFor();
      await checkPage(page, 'email-code-sent');
      await rg.riskgate.notifications.settled();
      const mail = smtp.to(EMAIL).find((m) => m.subject.includes('verification code'))!;
      await page.getByLabel('Code from the email').fill(/\b(\d{6})\b/.exec(mail.text)![1]!);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(/flow\/register/);
    });
  });

  describe('"This wasn\'t me" link', () => {
    const fixture = mailingFixture({});

    it('"This wasn\'t me": the confirmation, the thank-you page, and the used link', async () => {
      const { rg, url } = fixture();
      // The mail after a passed MFA challenge carries the link (so does the mail after an allowed
      // new-country sign-in: test/notify/notMe.test.ts).
      const user = await rg.addUser('alice', { email: EMAIL });
      await new TestClient(rg.app, IP.london).signIn('alice', user.password);
      rg.clock.advance(60 * MINUTE);
      const away = new TestClient(rg.app, IP.tokyo);
      await away.signIn('alice', user.password);
      await away.submit('/auth/flow/notice', {}, { action: 'continue' });
      await away.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
      await rg.riskgate.notifications.settled();
      const mail = smtp.to(EMAIL).find((m) => m.text.includes('/auth/not-me/'))!;
      const path = /https:\/\/login\.example\.com(\/auth\/not-me\/[^\s"<]+)/.exec(mail.text)![1]!;
      const page = await fixture().phonePage(IP.london);
      await page.goto(`${url}${path}`);
      await page.getByRole('heading', { name: 'Was this sign-in you?' }).waitFor();
      await checkPage(page, 'not-me-confirm');
      await page.getByRole('button', { name: "This wasn't me" }).click();
      await page.getByRole('heading', { name: 'Thank you for telling us' }).waitFor();
      await checkPage(page, 'not-me-done');
      expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('high');
      await page.goto(`${url}${path}`);
      await page.getByRole('heading', { name: 'This link has already been used' }).waitFor();
      await checkPage(page, 'not-me-used');
    });
  });

  // After the walks (mocha runs a block's own tests before its nested blocks).
  describe('the page table', () => {
    it('every mail-link page in the page table was checked by the walks above', function () {
      const listed = new Set(MAIL_LINK_PAGES.map((p) => p.name));
      if (![...checkedPages].some((n) => listed.has(n))) this.skip(); // filtered out (--grep) or skipped
      expect([...listed].filter((n) => !checkedPages.has(n))).to.deep.equal([]);
    });
  });
});
