/**
 * The password strength meter (ASVS 2.1.8) in a real browser under the pages' own CSP: it estimates
 * in the browser with @zxcvbn-ts as the user types on the new-password forms, and is absent without
 * JavaScript (the form works the same).
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { IP } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { outbox } from '../security/outbox.js';
import { useBrowserFixture } from './browser.js';

/** Types `password` and waits for the meter to say `expected` (after its pause in typing). */
async function strengthAfterTyping(page: Page, password: string, expected: string): Promise<number> {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.locator('#newPassword-strength-label', { hasText: expected }).waitFor();
  return Number(await page.locator('#newPassword-strength').evaluate((m) => m.getAttribute('value')));
}

describe('browser: password strength meter on the new-password forms', function () {
  this.timeout(120_000);
  const fixture = useBrowserFixture({ jobs: { enabled: false } });

  it('with JavaScript, under the real CSP: a common password reads very weak, a long passphrase strong', async () => {
    const { rg, url } = fixture();
    await rg.addUser('alice', { email: 'alice@example.com', mfa: false });
    const asker = new TestClient(rg.app, IP.london);
    await asker.get('/auth/forgot-password');
    await asker.submit('/auth/forgot-password', { username: 'alice' });
    const mail = (await outbox(rg)).find((m) => m.subject.startsWith('Reset your'))!;
    const page = await fixture().page(IP.london);
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${url}${/(\/auth\/reset\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1]!}`);
    await page.locator('#newPassword-strength').waitFor();
    expect(await strengthAfterTyping(page, 'password1', 'very weak')).to.equal(0);
    const passphrase = 'copper harbour evening lighthouse 19';
    expect(await strengthAfterTyping(page, passphrase, 'strong: very hard')).to.equal(4);
    expect(violations).to.deep.equal([]);
  });

  it('without JavaScript: no meter, and the form is the same', async () => {
    const { rg, url } = fixture();
    const user = await rg.addUser('alice', { mfa: false });
    const page = await fixture().phonePage(IP.london, { javaScriptEnabled: false });
    await page.goto(`${url}/auth/sign-in`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/signed in as/i).waitFor();
    await page.goto(`${url}/auth/account/password`);
    expect(await page.locator('#newPassword-strength').isVisible()).to.equal(false);
    expect(await page.locator('[data-strength-for]').getAttribute('hidden')).to.not.equal(null);
  });
});
