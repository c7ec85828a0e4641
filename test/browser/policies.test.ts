/**
 * The policy pages in a real browser (Debian chromium), at phone width: an admin signs in with a TOTP
 * step-up, previews a stricter sign-in risk policy against stored sign-ins, saves it with a reason,
 * and opens the report-only results. Screenshots go to test-artifacts/browser/.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { IP } from '../helpers/riskgate.js';
import { signInAtHomeThenAbroad } from '../helpers/scenarios.js';
import { screenshotPath, useBrowserFixture } from './browser.js';

describe('browser: admin edits the policies with an impact preview', function () {
  this.timeout(60_000);
  const fixture = useBrowserFixture();

  async function adminPage(): Promise<Page> {
    const { rg, url } = fixture();
    const admin = await rg.addUser('root', { roles: ['admin'] });
    const page = await fixture().page(IP.london);
    await page.goto(`${url}/admin/policies`);
    await page.getByLabel(/username/i).fill('root');
    await page.getByLabel(/password/i).fill(admin.password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByLabel('Verification code').waitFor();
    rg.clock.advance(30_000);
    await page.getByLabel('Verification code').fill(rg.totp(admin.totpSecret!));
    await page.getByRole('button', { name: /verify|continue|confirm/i }).click();
    await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
    return page;
  }

  it('previews, saves, and lists report-only results, every field reachable by its label', async () => {
    const { rg } = fixture();
    await signInAtHomeThenAbroad(rg, 'alice');
    const page = await adminPage();
    await page.screenshot({ path: screenshotPath('policies-01-edit'), fullPage: true });

    await page.getByLabel('Block at sign-in risk').selectOption('medium');
    await page.getByLabel('Replay the sign-ins of the last … days (1 to 90)').fill('7');
    await page.getByRole('button', { name: 'Preview impact' }).click();
    await page.getByRole('heading', { name: 'Impact preview: last 7 days' }).waitFor();
    expect(await page.textContent('main')).to.contain('block (signInRisk)');
    // The proposal survives the preview.
    expect(await page.getByLabel('Block at sign-in risk').inputValue()).to.equal('medium');
    await page.screenshot({ path: screenshotPath('policies-02-preview'), fullPage: true });

    await page.getByLabel(/Reason for the change/).fill('block medium-risk sign-ins');
    await page.getByRole('button', { name: 'Save policies' }).click();
    await page.getByText('Saved as version 2').waitFor();
    await page.screenshot({ path: screenshotPath('policies-03-saved'), fullPage: true });
    expect((await rg.riskgate.policies.current()).policies.signInRisk.blockAt).to.equal('medium');

    await page.getByRole('link', { name: 'What report-only policies would have done' }).click();
    await page.getByRole('heading', { name: 'Report-only results' }).waitFor();
    await page.getByLabel('Policy').selectOption('signInRisk');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('No report-only results match').waitFor();
    await page.screenshot({ path: screenshotPath('policies-04-report-only'), fullPage: true });
  });
});
