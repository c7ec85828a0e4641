import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import { generateSync } from 'otplib';
import { IP, MINUTE } from '../helpers/riskgate.js';
import { signInThroughForm, useBrowserFixture } from './browser.js';
import { checkPage, checkedPages } from './a11y.js';
import { END_USER_PAGES } from './pages.js';

/** jsqr's CommonJS default export, typed as what it is at run time. */
const decodeQr = jsQR as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

const NEW_PASSWORD = 'amber window river 72';

describe('browser: every end-user flow, accessible and readable on a phone', function () {
  this.timeout(120_000);
  const fixture = useBrowserFixture({ policies: { mfaRegistration: { mode: 'on', graceDays: 14 } } });

  const open = (ip: string, options: { javaScriptEnabled?: boolean } = {}) =>
    fixture().phonePage(ip, options);

  const signIn = (page: Page, username: string, password: string) =>
    signInThroughForm(page, `${fixture().url}/auth/sign-in`, username, password);

  it('risky sign-in: notice, MFA, signed in; and "This wasn\'t me"', async () => {
    const { rg, url } = fixture();
    const user = await rg.addUser('alice');
    const home = await open(IP.london);
    await home.goto(`${url}/auth/sign-in`);
    await checkPage(home, 'sign-in');
    await signIn(home, 'alice', 'wrong password here');
    await checkPage(home, 'sign-in-error');
    await signIn(home, 'alice', user.password);
    await home.getByText(/signed in as/i).waitFor();
    await checkPage(home, 'home');

    rg.clock.advance(60 * MINUTE);
    const away = await open(IP.tokyo);
    await signIn(away, 'alice', user.password);
    await away.waitForURL(/flow\/notice$/);
    await checkPage(away, 'risky-notice');
    await away.getByRole('button', { name: /verify it/i }).click();
    await away.waitForURL(/flow\/mfa$/);
    await away.getByLabel('Verification code').fill('000000');
    await away.getByRole('button', { name: 'Verify' }).click();
    await checkPage(away, 'mfa-wrong-code');
    await away.getByLabel('Verification code').fill(rg.totp(user.totpSecret!));
    await away.getByRole('button', { name: 'Verify' }).click();
    await away.getByText(/signed in as/i).waitFor();

    rg.clock.advance(60 * MINUTE);
    const thief = await open(IP.sydney);
    await signIn(thief, 'alice', user.password);
    await thief.waitForURL(/flow\/notice$/);
    await thief.getByRole('button', { name: "This wasn't me" }).click();
    await thief.getByRole('heading', { name: /thank you/i }).waitFor();
    await checkPage(thief, 'reported');
  });

  it('compromised account: notice, MFA, new password, signed in', async () => {
    const { rg } = fixture();
    const user = await rg.addUser('bob', { password: 'password123' });
    const page = await open(IP.london);
    await signIn(page, 'bob', 'password123');
    await page.waitForURL(/flow\/notice$/);
    await checkPage(page, 'compromised-notice');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/flow\/mfa$/);
    await checkPage(page, 'mfa');
    await page.getByLabel('Verification code').fill(rg.totp(user.totpSecret!));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/flow\/change-password$/);
    await checkPage(page, 'change-password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Type the new password again').fill(`${NEW_PASSWORD}!`); // mismatch: refused by the server
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').waitFor();
    await checkPage(page, 'change-password-error');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Type the new password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/signed in as/i).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByText(/you have been signed out/i).waitFor();
    await checkPage(page, 'signed-out');
  });

  it('blocked pages: a compromised account without an authenticator, and too many codes', async () => {
    const { rg } = fixture();
    await rg.addUser('carol', { mfa: false, password: 'password123' }); // leaked password, no authenticator
    const dave = await rg.addUser('dave');
    await signIn(await open(IP.london), 'dave', dave.password);
    rg.clock.advance(60 * MINUTE);
    const blocked = await open(IP.london);
    await signIn(blocked, 'carol', 'password123');
    await blocked.waitForURL(/flow\/blocked$/);
    await checkPage(blocked, 'blocked');
    const locked = await open(IP.tokyo);
    await signIn(locked, 'dave', dave.password);
    await locked.getByRole('button', { name: /verify it/i }).click();
    for (let i = 0; i < 5; i++) {
      await locked.getByLabel('Verification code').fill(String(111111 + i));
      await locked.getByRole('button', { name: 'Verify' }).click();
      await locked.waitForLoadState();
    }
    await locked.getByRole('heading', { name: /too many/i }).waitFor();
    await checkPage(locked, 'locked');
  });

  it('MFA registration: the QR code decoded from a screenshot gives codes the server accepts; recovery codes; skip', async () => {
    const { rg } = fixture();
    await rg.addUser('erin', { mfa: false, password: 'erin passphrase 42' });
    const page = await open(IP.london);
    await signIn(page, 'erin', 'erin passphrase 42');
    await page.waitForURL(/flow\/register$/);
    await checkPage(page, 'register-intro');
    await page.getByRole('button', { name: 'Set it up now' }).click();
    await page.waitForURL(/flow\/register-verify$/);
    await checkPage(page, 'register-scan');
    const shot = PNG.sync.read(await page.getByAltText(/QR code/).screenshot());
    const qr = decodeQr(new Uint8ClampedArray(shot.data), shot.width, shot.height);
    expect(qr, 'QR code not readable from the screenshot').to.not.equal(null);
    const uri = new URL(qr!.data);
    expect(uri.protocol).to.equal('otpauth:');
    const secret = uri.searchParams.get('secret')!;
    await page
      .getByLabel('6-digit code')
      .fill(generateSync({ secret, epoch: Math.floor(rg.clock.now() / 1000) }));
    await page.getByRole('button', { name: /verify and turn on/i }).click();
    await page.waitForURL(/flow\/recovery-codes$/);
    await checkPage(page, 'recovery-codes');
    await page.getByRole('button', { name: /saved my codes/i }).click();
    await page.getByText(/signed in as/i).waitFor();

    await rg.addUser('fred', { mfa: false, password: 'fred passphrase 42' });
    const skipper = await open(IP.london);
    await signIn(skipper, 'fred', 'fred passphrase 42');
    await skipper.getByRole('button', { name: /skip for now/i }).click();
    await skipper.getByText(/signed in as/i).waitFor();
  });

  it('temporary password and admin-required reset', async () => {
    const { rg } = fixture();
    const gail = await rg.addUser('gail', { mfa: false });
    const temporary = await rg.riskgate.remediation.issueTemporaryPassword(gail.id);
    const page = await open(IP.london);
    await signIn(page, 'gail', temporary);
    await page.waitForURL(/flow\/change-password$/);
    await checkPage(page, 'temporary-password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Type the new password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(/flow\/register$/); // the registration policy applies next: chained flows
    const hank = await rg.addUser('hank');
    await rg.riskgate.remediation.requirePasswordReset(hank.id);
    const reset = await open(IP.london);
    await signIn(reset, 'hank', hank.password);
    await reset.waitForURL(/flow\/notice$/);
    await checkPage(reset, 'admin-reset-notice');
  });

  it('keyboard alone: sign in and pass MFA with Tab, typing and Enter', async () => {
    const { rg, url } = fixture();
    const user = await rg.addUser('ivy');
    await signIn(await open(IP.london), 'ivy', user.password);
    rg.clock.advance(60 * MINUTE);
    const page = await open(IP.tokyo);
    await page.goto(`${url}/auth/sign-in`);
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 20; i++) {
        await page.keyboard.press('Tab');
        if (await page.locator(`${selector}:focus`).count()) return;
      }
      throw new Error(`Tab never reached ${selector}`);
    };
    await tabTo('#username');
    await page.keyboard.type('ivy');
    await tabTo('#password');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/flow\/notice$/);
    await tabTo('button[type=submit]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/flow\/mfa$/);
    await tabTo('#code');
    await page.keyboard.type(rg.totp(user.totpSecret!));
    await page.keyboard.press('Enter');
    await page.getByText(/signed in as/i).waitFor();
  });

  it('without JavaScript: the compromised account flow works end to end', async () => {
    const { rg } = fixture();
    const user = await rg.addUser('jack', { password: 'password123' });
    const page = await open(IP.london, { javaScriptEnabled: false });
    await signIn(page, 'jack', 'password123');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Verification code').fill(rg.totp(user.totpSecret!));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Type the new password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/signed in as/i).waitFor();
  });

  it('error pages: not found, an expired form, an expired flow, and registration after the grace period', async () => {
    const { rg, url } = fixture();
    const page = await open(IP.london);
    await page.goto(`${url}/auth/nothing-here`);
    await checkPage(page, 'not-found');
    await page.goto(`${url}/auth/sign-in`);
    await page.context().clearCookies(); // the form's session is gone: its token no longer matches
    await page.getByLabel('Username').fill('anyone');
    await page.getByLabel('Password').fill('any password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /form has expired/i }).waitFor();
    await checkPage(page, 'form-expired');

    const user = await rg.addUser('kim');
    await signIn(await open(IP.london), 'kim', user.password);
    rg.clock.advance(60 * MINUTE);
    const away = await open(IP.tokyo);
    await signIn(away, 'kim', user.password);
    await away.waitForURL(/flow\/notice$/);
    rg.clock.advance(16 * MINUTE);
    await away.reload();
    await away.getByRole('heading', { name: /expired/i }).waitFor();
    await checkPage(away, 'flow-expired');

    await rg.addUser('lee', { mfa: false, password: 'lee passphrase 42' });
    const late = await open(IP.london);
    await signIn(late, 'lee', 'lee passphrase 42');
    await late.getByRole('button', { name: /skip for now/i }).click();
    rg.clock.advance(15 * 24 * 60 * MINUTE);
    const again = await open(IP.london);
    await signIn(again, 'lee', 'lee passphrase 42');
    await again.waitForURL(/flow\/register$/);
    expect(await again.getByRole('button', { name: /skip/i }).count()).to.equal(0);
    await checkPage(again, 'register-intro-mandatory');
  });

  it('without JavaScript: risky sign-in MFA and MFA registration work end to end', async () => {
    const { rg } = fixture();
    const user = await rg.addUser('mia');
    await signIn(await open(IP.london), 'mia', user.password);
    rg.clock.advance(60 * MINUTE);
    const away = await open(IP.tokyo, { javaScriptEnabled: false });
    await signIn(away, 'mia', user.password);
    await away.getByRole('button', { name: /verify it/i }).click();
    await away.getByLabel('Verification code').fill(rg.totp(user.totpSecret!));
    await away.getByRole('button', { name: 'Verify' }).click();
    await away.getByText(/signed in as/i).waitFor();

    await rg.addUser('ned', { mfa: false, password: 'ned passphrase 42' });
    const page = await open(IP.london, { javaScriptEnabled: false });
    await signIn(page, 'ned', 'ned passphrase 42');
    await page.getByRole('button', { name: 'Set it up now' }).click();
    const secret = (await page.locator('#manual-key').textContent())!.replace(/\s/g, '');
    await page
      .getByLabel('6-digit code')
      .fill(generateSync({ secret, epoch: Math.floor(rg.clock.now() / 1000) }));
    await page.getByRole('button', { name: /verify and turn on/i }).click();
    await page.getByRole('button', { name: /saved my codes/i }).click();
    await page.getByText(/signed in as/i).waitFor();
  });

  it('every page in the page table was checked by the walks above', function () {
    if (checkedPages.size === 0) this.skip(); // the walks were filtered out (mocha --grep) or skipped
    expect(END_USER_PAGES.map((p) => p.name).filter((n) => !checkedPages.has(n))).to.deep.equal([]);
  });
});
