/**
 * The signed-in user's account pages in a real browser at 360 px: the session list (two sessions,
 * one ended), the password change with a refusal, and the page after a change.
 */
import { expect } from 'chai';
import type { Server } from 'node:http';
import type { Browser, BrowserContext } from 'playwright-core';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { browserAvailable, launch, listen, openPhonePage, signInThroughForm } from './browser.js';
import { checkPage, checkedPages } from './a11y.js';
import { ACCOUNT_PAGES } from './pages.js';

describe('browser: account pages, accessible and readable on a phone', function () {
  this.timeout(120_000);
  let rg: TestRiskgate;
  let browser: Browser;
  let server: Server;
  let url: string;
  const contexts: BrowserContext[] = [];

  beforeEach(async function () {
    if (!browserAvailable(this)) return;
    rg = await startRiskgate();
    ({ server, url } = await listen(rg.app));
    browser = await launch();
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
    await browser?.close();
    server?.close();
    await rg?.close();
  });

  it('the session list, ending a session, and the password change (refused, then done)', async () => {
    const user = await rg.addUser('alice');
    const other = new TestClient(rg.app, IP.londonNeighbour);
    await other.signIn('alice', user.password);
    const page = await openPhonePage(browser, contexts, IP.london);
    await signInThroughForm(page, `${url}/auth/sign-in`, 'alice', user.password);
    await page.getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('heading', { name: "Where you're signed in" }).waitFor();
    await checkPage(page, 'account');

    await page.getByRole('button', { name: 'End this session' }).click();
    await page.getByText('That session was ended').waitFor();
    await checkPage(page, 'account-session-ended');
    expect((await other.get('/', { follow: false })).status).to.equal(303);

    await page.getByRole('link', { name: 'Change your password' }).click();
    await page.getByLabel('Current password').waitFor();
    await checkPage(page, 'account-password');
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill('copper harbour evening 19');
    await page.getByLabel('Type the new password again').fill('copper harbour evening 19');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your current password is not correct').waitFor();
    await checkPage(page, 'account-password-error');

    await page.getByLabel('Current password').fill(user.password);
    await page.getByLabel('New password', { exact: true }).fill('copper harbour evening 19');
    await page.getByLabel('Type the new password again').fill('copper harbour evening 19');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed').waitFor();
    await checkPage(page, 'account-password-changed');
  });

  it('every account page in the page table was checked by the walk above', function () {
    const listed = new Set(ACCOUNT_PAGES.map((p) => p.name));
    if (![...checkedPages].some((n) => listed.has(n))) this.skip(); // filtered out (--grep) or skipped
    expect([...listed].filter((n) => !checkedPages.has(n))).to.deep.equal([]);
  });
});
