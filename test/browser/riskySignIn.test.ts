import { expect } from 'chai';
import { IP, MINUTE } from '../helpers/riskgate.js';
import { screenshotPath, useBrowserFixture } from './browser.js';

describe('browser: risky sign-in from another country', function () {
  this.timeout(60_000);
  const fixture = useBrowserFixture();
  const page = (ip: string) => fixture().page(ip);

  it('signs in at home, then from Japan goes through the MFA challenge and lands on the protected page', async () => {
    const { rg, url } = fixture();
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
