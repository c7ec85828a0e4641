/**
 * Every admin console page in a real browser at 360 px: an admin signs in through the real pipeline and
 * the console's TOTP step-up, then each page gets its screenshot, axe, the 360 px check and the Tab
 * walk (a11y.ts). The last test compares the pages checked with ADMIN_PAGES.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { IP } from '../helpers/riskgate.js';
import { LEAKED, TRAVEL, seedRisk } from '../admin/helpers.js';
import { signInThroughForm, useBrowserFixture } from './browser.js';
import { checkPage, checkedPages } from './a11y.js';
import { ADMIN_PAGES } from './pages.js';

describe('browser: every admin console page, accessible and readable on a phone', function () {
  this.timeout(120_000);
  const fixture = useBrowserFixture();

  const open = () => fixture().phonePage(IP.london);

  const signIn = (page: Page, username: string, password: string) =>
    signInThroughForm(page, `${fixture().url}/admin/`, username, password);

  /** Signs the admin in and passes the step-up with a real TOTP code; checks the step-up page. */
  async function signedInAdmin(): Promise<Page> {
    const { rg, url } = fixture();
    const admin = await rg.addUser('root', { roles: ['admin'] });
    const page = await open();
    await signIn(page, 'root', admin.password);
    await page.waitForURL(/\/admin\/mfa/);
    await checkPage(page, 'admin-mfa');
    rg.clock.advance(30_000);
    await page.getByLabel(/verification code/i).fill(rg.totp(admin.totpSecret!));
    await page.getByRole('button', { name: /verify/i }).click();
    await page.waitForURL(`${url}/admin/`);
    return page;
  }

  it('risk pages: lists, a user, a confirmation, the done notice, a shown-once password, a bulk result', async () => {
    const { rg, url } = fixture();
    const alice = await rg.addUser('alice');
    const bob = await rg.addUser('bob');
    const carol = await rg.addUser('carol');
    const { signInId } = await seedRisk({ rg }, alice.id, 'alice', [TRAVEL, LEAKED]);
    await seedRisk({ rg }, bob.id, 'bob', [TRAVEL]);
    await seedRisk({ rg }, carol.id, 'carol', [LEAKED]);
    const page = await signedInAdmin();
    await checkPage(page, 'admin-home');

    await page.goto(`${url}/admin/users`);
    await checkPage(page, 'admin-users');
    await page.goto(`${url}/admin/users/${alice.id}`);
    await page.getByRole('heading', { name: 'Active detections (2)' }).waitFor();
    await checkPage(page, 'admin-user');
    await page.getByRole('link', { name: 'Dismiss user risk…' }).click();
    await checkPage(page, 'admin-confirm');
    await page.getByLabel(/reason/i).fill('Confirmed with the user by phone');
    await page.getByRole('button', { name: /confirm: dismiss user risk/i }).click();
    await page.getByText('Done: dismiss user risk.').waitFor();
    await checkPage(page, 'admin-user-done');

    await page.goto(`${url}/admin/users/${bob.id}/actions/temporary-password`);
    await page.getByLabel(/reason/i).fill('Locked out, identity checked');
    await page.getByRole('button', { name: /confirm: generate a temporary password/i }).click();
    await page.getByRole('heading', { name: 'Temporary password for bob' }).waitFor();
    await checkPage(page, 'admin-secret');

    await page.goto(`${url}/admin/users`);
    await page.getByLabel('Select carol').check();
    await page.getByLabel('Reason', { exact: true }).fill('Known test account');
    await page.getByLabel(/I understand/).check();
    await page.getByRole('button', { name: 'Dismiss selected' }).click();
    await page.getByRole('heading', { name: 'Dismiss user risk' }).waitFor();
    await checkPage(page, 'admin-bulk-result');
    expect((await rg.riskgate.store.identities.getIdentity(carol.id)).riskState).to.equal('dismissed');

    await page.goto(`${url}/admin/sign-ins`);
    await checkPage(page, 'admin-sign-ins');
    await page.goto(`${url}/admin/sign-ins/${signInId}`);
    await checkPage(page, 'admin-sign-in');
    await page.goto(`${url}/admin/detections`);
    await checkPage(page, 'admin-detections');
    await page.goto(`${url}/admin/mfa-registration`);
    await checkPage(page, 'admin-mfa-registration');
  });

  it('admin pages: audit log, tokens and a created token, policies, report-only, not found, refused', async () => {
    const { rg, url } = fixture();
    const page = await signedInAdmin();
    await page.goto(`${url}/admin/tokens`);
    await checkPage(page, 'admin-tokens');
    await page.getByLabel(/name/i).fill('SIEM export');
    await page.getByRole('button', { name: 'Create token' }).click();
    expect(await page.getByLabel(/token for/i).inputValue()).to.match(/^rgat_/);
    await checkPage(page, 'admin-token-created');
    await page.goto(`${url}/admin/audit`);
    await page.getByText('SIEM export').first().waitFor();
    await checkPage(page, 'admin-audit');
    await page.goto(`${url}/admin/policies`);
    await checkPage(page, 'admin-policies');
    await page.goto(`${url}/admin/policies/report-only`);
    await checkPage(page, 'admin-policies-report-only');
    await page.goto(`${url}/admin/nothing-here`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await checkPage(page, 'admin-not-found');

    const dana = await rg.addUser('dana');
    const user = await open();
    await signIn(user, 'dana', dana.password);
    await user.waitForURL(/\/admin\//);
    expect(await user.locator('h1').textContent()).to.not.match(/overview/i);
    await checkPage(user, 'admin-refused');
  });

  it('every admin page in the page table was checked by the walks above', function () {
    const admin = new Set(ADMIN_PAGES.map((p) => p.name));
    if (![...checkedPages].some((n) => admin.has(n))) this.skip(); // filtered out (--grep) or skipped
    expect([...admin].filter((n) => !checkedPages.has(n))).to.deep.equal([]);
  });
});
