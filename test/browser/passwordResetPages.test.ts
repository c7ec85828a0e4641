/**
 * "Forgot your password?" in a real browser at 360 px: from the sign-in page's link to the request,
 * the mailed link (the outbox folder), the code step of a user with an authenticator, a refused and
 * an accepted new password, the sign-in page after it, and the used link. Each page gets axe, the Tab
 * walk, the 360 px check and a screenshot. Then the whole reset again with JavaScript off.
 */
import { expect } from 'chai';
import { IP } from '../helpers/riskgate.js';
import { outbox } from '../security/outbox.js';
import { useBrowserFixture } from './browser.js';
import { checkPage, checkedPages } from './a11y.js';
import { PASSWORD_RESET_PAGES } from './pages.js';

const EMAIL = 'alice@example.com';
const NEW_PASSWORD = 'copper harbour evening 19';

describe('browser: forgot password pages, accessible and readable on a phone', function () {
  this.timeout(120_000);
  const fixture = useBrowserFixture({ jobs: { enabled: false } });

  it('from the sign-in page to a new password, through the code step, and the used link', async () => {
    const { rg, url } = fixture();
    const user = await rg.addUser('alice', { email: EMAIL });
    const page = await fixture().phonePage(IP.london);
    await page.goto(`${url}/auth/sign-in`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
    await checkPage(page, 'forgot-password');

    await page.getByLabel('Username').fill('   ');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('alert').getByText('Enter your username.').waitFor();
    await checkPage(page, 'forgot-password-error');

    await page.getByLabel('Username').fill('alice');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    await checkPage(page, 'forgot-password-sent');

    const mail = (await outbox(rg)).find((m) => m.subject.startsWith('Reset your'))!;
    const path = /(\/auth\/reset\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
    await page.goto(`${url}${path}`);
    await page.getByRole('heading', { name: 'Enter your verification code' }).waitFor();
    await checkPage(page, 'reset-code');
    await page.getByLabel('Verification code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code did not work').waitFor();
    await checkPage(page, 'reset-code-wrong');
    await page.getByLabel('Verification code').fill(rg.totp(user.totpSecret!));
    await page.getByRole('button', { name: 'Verify' }).click();

    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await checkPage(page, 'reset-new-password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Type the new password again').fill('a different passphrase 8');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The two passwords do not match.').waitFor();
    await checkPage(page, 'reset-new-password-error');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Type the new password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();

    await page.getByText('Sign in with your new password').waitFor();
    await checkPage(page, 'reset-done');
    await page.goto(`${url}${path}`);
    await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
    await checkPage(page, 'reset-link-used');
  });

  it('without JavaScript: the link, a plain password field, and the new password works', async () => {
    const { rg, url } = fixture();
    await rg.addUser('alice', { email: EMAIL, mfa: false });
    const page = await fixture().phonePage(IP.london, { javaScriptEnabled: false });
    await page.goto(`${url}/auth/forgot-password`);
    await page.getByLabel('Username').fill('alice');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
    const mail = (await outbox(rg)).find((m) => m.subject.startsWith('Reset your'))!;
    await page.goto(`${url}${/(\/auth\/reset\/[A-Za-z0-9_-]{43})/.exec(mail.text)![1]!}`);
    const field = page.getByLabel('New password', { exact: true });
    expect(await field.getAttribute('type')).to.equal('password');
    expect(await page.getByRole('button', { name: 'Show password' }).count()).to.equal(0);
    await field.fill(NEW_PASSWORD);
    await page.getByLabel('Type the new password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Sign in with your new password').waitFor();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('signed in as').waitFor();
  });

  it('every forgot-password page in the page table was checked by the walk above', function () {
    const listed = new Set(PASSWORD_RESET_PAGES.map((p) => p.name));
    if (![...checkedPages].some((n) => listed.has(n))) this.skip(); // filtered out (--grep) or skipped
    expect([...listed].filter((n) => !checkedPages.has(n))).to.deep.equal([]);
  });
});
