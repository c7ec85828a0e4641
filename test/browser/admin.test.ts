import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { IP } from '../helpers/riskgate.js';
import { LEAKED, TRAVEL, seedRisk } from '../admin/helpers.js';
import { screenshotPath, useBrowserFixture } from './browser.js';

describe('browser: admin console', function () {
  this.timeout(90_000);
  const fixture = useBrowserFixture();

  async function signedInAdmin(viewport: { width: number; height: number }): Promise<Page> {
    const { rg, url } = fixture();
    const admin = await rg.addUser('root', { roles: ['admin'] });
    const page = await fixture().page(IP.london, viewport);
    await page.goto(`${url}/admin/`);
    await page.getByLabel(/username/i).fill('root');
    await page.getByLabel(/password/i).fill(admin.password);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(/\/admin\/mfa/);
    await page.getByLabel(/verification code/i).fill(rg.totp(admin.totpSecret!));
    await page.screenshot({ path: screenshotPath('admin-01-mfa-step-up'), fullPage: true });
    await page.getByRole('button', { name: /verify/i }).click();
    await page.waitForURL(`${url}/admin/`);
    return page;
  }

  it('on a phone: step-up MFA, risky users, a user, dismiss with confirmation, audit log', async () => {
    const { rg } = fixture();
    const alice = await rg.addUser('alice');
    await seedRisk({ rg }, alice.id, 'alice', [TRAVEL, LEAKED]);
    const page = await signedInAdmin({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Risky users' }).first().click();
    await page.waitForURL(/\/admin\/users$/);
    await page.screenshot({ path: screenshotPath('admin-02-risky-users-phone'), fullPage: true });
    await page.getByRole('link', { name: 'alice' }).click();
    await page.getByRole('heading', { name: 'Active detections (2)' }).waitFor();
    await page.screenshot({ path: screenshotPath('admin-03-user-phone'), fullPage: true });
    await page.getByRole('link', { name: 'Dismiss user risk…' }).click();
    await page.getByLabel(/reason/i).fill('Confirmed with the user by phone');
    await page.screenshot({ path: screenshotPath('admin-04-confirm-dismiss'), fullPage: true });
    await page.getByRole('button', { name: /confirm: dismiss user risk/i }).click();
    await page.getByText('Done: dismiss user risk.').waitFor();
    expect((await rg.riskgate.store.identities.getIdentity(alice.id)).riskState).to.equal('dismissed');
    await page.getByRole('link', { name: 'Audit log' }).first().click();
    await page.getByText('Confirmed with the user by phone').waitFor();
    await page.screenshot({ path: screenshotPath('admin-05-audit-phone'), fullPage: true });
  });

  it('on a desktop: filter risky sign-ins, confirm one safe, create an API token shown once', async () => {
    const { rg, url } = fixture();
    const bob = await rg.addUser('bob');
    const { signInId } = await seedRisk({ rg }, bob.id, 'bob', [TRAVEL]);
    const page = await signedInAdmin({ width: 1280, height: 900 });
    await page.goto(`${url}/admin/sign-ins`);
    await page.getByLabel('Sign-in risk').selectOption('medium');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/level=medium/);
    await page.screenshot({ path: screenshotPath('admin-06-risky-sign-ins-desktop'), fullPage: true });
    await page.goto(`${url}/admin/sign-ins/${signInId}/actions/confirm-safe`);
    await page.getByLabel(/reason/i).fill('Office VPN');
    await page.getByRole('button', { name: /confirm: confirm sign-in safe/i }).click();
    await page.getByText('Done: confirm sign-in safe.').waitFor();
    await page.goto(`${url}/admin/tokens`);
    await page.getByLabel(/name/i).fill('SIEM export');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await page.getByLabel(/token for/i).inputValue();
    expect(token).to.match(/^rgat_/);
    await page.screenshot({ path: screenshotPath('admin-07-token-created'), fullPage: true });
  });
});
