import { expect } from 'chai';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { startRiskgate, IP, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';
import { browserAvailable, launch, listen, screenshotPath } from './browser.js';

describe('browser: risky sign-in from another country', function () {
  this.timeout(60_000);
  let rg: TestRiskgate;
  let browser: Browser;
  let server: Server;
  let url: string;

  beforeEach(async function () {
    if (!browserAvailable(this)) return;
    rg = await startRiskgate();
    ({ server, url } = await listen(rg.app));
    browser = await launch();
  });
  afterEach(async () => {
    await browser?.close();
    server?.close();
    await rg?.close();
  });

  async function page(ip: string) {
    const context = await browser.newContext({
      extraHTTPHeaders: { 'X-Forwarded-For': ip },
      viewport: { width: 390, height: 844 },
    });
    return context.newPage();
  }

  it('signs in at home, then from Japan goes through the MFA challenge and lands on the protected page', async () => {
    const user = await rg.addUser('alice');

    const home = await page(IP.london);
    await home.goto(`${url}/`);
    await home.getByLabel(/username/i).fill('alice');
    await home.getByLabel(/password/i).fill(user.password);
    await home.screenshot({ path: screenshotPath('01-sign-in'), fullPage: true });
    await home.getByRole('button', { name: /sign in/i }).click();
    await home.getByText(/signed in as/i).waitFor();
    await home.screenshot({ path: screenshotPath('02-protected-page'), fullPage: true });

    rg.clock.advance(60 * MINUTE);
    const away = await page(IP.tokyo);
    await away.goto(`${url}/`);
    await away.getByLabel(/username/i).fill('alice');
    await away.getByLabel(/password/i).fill(user.password);
    await away.getByRole('button', { name: /sign in/i }).click();
    await away.waitForURL(/\/auth\/flow\/notice$/);
    await away.screenshot({ path: screenshotPath('03-risky-notice'), fullPage: true });
    await away.getByRole('button', { name: /verify/i }).click();
    await away.waitForURL(/\/auth\/flow\/mfa$/);
    await away.getByLabel(/code/i).fill(rg.totp(user.totpSecret!));
    await away.screenshot({ path: screenshotPath('04-mfa-challenge'), fullPage: true });
    await away.getByRole('button', { name: /verify/i }).click();
    await away.waitForURL(`${url}/`);
    expect(await away.textContent('main')).to.match(/signed in as\s+alice/i);
    await away.screenshot({ path: screenshotPath('05-signed-in-after-mfa'), fullPage: true });
  });
});
