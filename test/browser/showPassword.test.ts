/**
 * "Show password" (ASVS 2.1.12) in a real browser under the pages' own CSP (no bypass): with
 * JavaScript, every password field of the sign-in page, the forced change, the account's change and
 * the reset link gets a button that shows and masks it again, and no CSP violation is reported. With
 * JavaScript off, the buttons are hidden and each field is a plain password field.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { IP } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { outbox } from '../security/outbox.js';
import { useBrowserFixture } from './browser.js';

const NEW_PASSWORD = 'copper harbour evening 19';

/** Every password field on the page: each one's button shows it, keeps its value, and masks it again. */
async function toggleEveryField(page: Page, where: string): Promise<number> {
  const fields = page.locator('input[type=password]');
  const ids = await fields.evaluateAll((inputs) => inputs.map((i) => i.id));
  expect(ids, `${where}: password fields`).to.not.have.length(0);
  for (const id of ids) {
    const input = page.locator(`#${id}`);
    const button = page.locator(`button[aria-controls="${id}"]`);
    expect(await button.isVisible(), `${where}: ${id} has a visible button`).to.equal(true);
    await input.fill('secret value 1');
    await button.click();
    expect(await input.getAttribute('type'), `${where}: ${id} shown`).to.equal('text');
    expect(await button.getAttribute('aria-pressed')).to.equal('true');
    expect(await input.inputValue()).to.equal('secret value 1');
    await button.press('Enter'); // by keyboard too
    expect(await input.getAttribute('type'), `${where}: ${id} masked again`).to.equal('password');
    expect(await button.getAttribute('aria-pressed')).to.equal('false');
    await input.fill('');
  }
  return ids.length;
}

describe('browser: "Show password" on every password field', function () {
  this.timeout(120_000);
  const fixture = useBrowserFixture({ jobs: { enabled: false } });

  /** A page under the real CSP that records every CSP complaint of the console. */
  async function strictPage(ip: string) {
    const page = await fixture().page(ip);
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    return { page, violations };
  }

  it('with JavaScript: sign-in, forced change, account change and reset link, under the real CSP', async () => {
    const { rg, url } = fixture();
    const alice = await rg.addUser('alice', { email: 'alice@example.com', mfa: false });
    const bob = await rg.addUser('bob', { password: 'password123' });
    const { page, violations } = await strictPage(IP.london);
    let toggled = 0;

    await page.goto(`${url}/auth/sign-in`);
    toggled += await toggleEveryField(page, 'sign-in');
    // Shown while typing, then submitted: the sign-in works (and the field is masked on submit).
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill(alice.password);
    await page.getByRole('button', { name: 'Show password' }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/signed in as/i).waitFor();

    await page.goto(`${url}/auth/account/password`);
    toggled += await toggleEveryField(page, 'account change');

    const forced = await strictPage(IP.london);
    await forced.page.goto(`${url}/auth/sign-in`);
    await forced.page.getByLabel('Username').fill('bob');
    await forced.page.getByLabel('Password', { exact: true }).fill('password123');
    await forced.page.getByRole('button', { name: 'Sign in' }).click();
    await forced.page.getByRole('button', { name: 'Continue' }).click();
    await forced.page.getByLabel('Verification code').fill(rg.totp(bob.totpSecret!));
    await forced.page.getByRole('button', { name: 'Verify' }).click();
    await forced.page.waitForURL(/flow\/change-password$/);
    toggled += await toggleEveryField(forced.page, 'forced change');

    const asker = new TestClient(rg.app, IP.london);
    await asker.get('/auth/forgot-password');
    await asker.submit('/auth/forgot-password', { username: 'alice' });
    const mail = (await outbox(rg)).find((m) => m.subject.startsWith('Reset your'))!;
    await page.goto(`${url}${/(\/auth\/reset\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1]!}`);
    toggled += await toggleEveryField(page, 'reset link');

    expect(toggled).to.equal(1 + 3 + 2 + 2);
    expect([...violations, ...forced.violations]).to.deep.equal([]);
  });

  it('without JavaScript: no button is shown or reachable, and each field is a password field', async () => {
    const { rg, url } = fixture();
    const alice = await rg.addUser('alice', { mfa: false });
    const page = await fixture().phonePage(IP.london, { javaScriptEnabled: false });
    for (const path of ['/auth/sign-in', '/auth/account/password']) {
      if (path !== '/auth/sign-in') {
        await page.goto(`${url}/auth/sign-in`);
        await page.getByLabel('Username').fill('alice');
        await page.getByLabel('Password', { exact: true }).fill(alice.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByText(/signed in as/i).waitFor();
      }
      await page.goto(`${url}${path}`);
      const types = await page
        .locator('input[autocomplete$="password"]')
        .evaluateAll((inputs) => inputs.map((i) => i.getAttribute('type')));
      expect(types, path).to.not.have.length(0);
      expect(
        types.every((t) => t === 'password'),
        path,
      ).to.equal(true);
      expect(await page.getByRole('button', { name: 'Show password' }).count(), path).to.equal(0);
    }
    await page.getByLabel('Current password').fill(alice.password);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Type the new password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed').waitFor();
  });
});
