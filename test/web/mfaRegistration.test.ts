import { expect } from 'chai';
import { generateSync } from 'otplib';
import { startRiskgate, IP, DAY, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';

describe('MFA registration flow', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate({ policies: { mfaRegistration: { mode: 'on', graceDays: 14 } } });
  });
  afterEach(() => rg.close());

  async function signIn(username: string, password: string) {
    const client = new TestClient(rg.app, IP.london);
    return { client, page: await client.signIn(username, password) };
  }

  const keyOf = (html: string) => /id="manual-key"[^>]*>([^<]+)</.exec(html)![1]!.replace(/\s/g, '');

  it('a user without MFA is asked to register: QR code, key, verify, recovery codes once, then signed in', async () => {
    const user = await rg.addUser('carol', { mfa: false });
    const { client, page } = await signIn('carol', user.password);
    expect(page.html).to.contain('14 days left');
    const scan = await client.submit('/auth/flow/register', {}, { action: 'start' });
    expect(scan.html).to.contain('src="data:image/png;base64,');
    const secret = keyOf(scan.html);
    const codes = await client.submit('/auth/flow/register-verify', {
      code: generateSync({ secret, epoch: Math.floor(rg.clock.now() / 1000) }),
    });
    const shown = [...codes.html.matchAll(/<code>([A-Z0-9-]{11})<\/code>/g)].map((m) => m[1]);
    expect(shown).to.have.length(10);
    const home = await client.submit('/auth/flow/recovery-codes');
    expect(home.html).to.contain('signed in as');
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).totpSecret).to.be.a('string');
    expect(await rg.riskgate.store.identities.countRecoveryCodes(user.id)).to.equal(10);
  });

  it('the TOTP seed is stored encrypted, not in the clear', async () => {
    const user = await rg.addUser('carol', { mfa: false });
    const { client } = await signIn('carol', user.password);
    const scan = await client.submit('/auth/flow/register', {}, { action: 'start' });
    const secret = keyOf(scan.html);
    await client.submit('/auth/flow/register-verify', {
      code: generateSync({ secret, epoch: Math.floor(rg.clock.now() / 1000) }),
    });
    const stored = (await rg.riskgate.store.identities.getIdentity(user.id)).totpSecret!;
    expect(stored).to.not.contain(secret);
    expect(stored.startsWith('v1.')).to.equal(true);
  });

  it('a wrong code during registration keeps the user on the scan step', async () => {
    const user = await rg.addUser('carol', { mfa: false });
    const { client } = await signIn('carol', user.password);
    await client.submit('/auth/flow/register', {}, { action: 'start' });
    const page = await client.submit('/auth/flow/register-verify', { code: '123456' });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('did not work');
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).totpSecret).to.equal(null);
  });

  it('"skip for now" lets the user in during the grace period, counting down from the first prompt', async () => {
    const user = await rg.addUser('carol', { mfa: false });
    const first = await signIn('carol', user.password);
    const home = await first.client.submit('/auth/flow/register', {}, { action: 'skip' });
    expect(home.html).to.contain('signed in as');
    rg.clock.advance(10 * DAY);
    const later = await signIn('carol', user.password);
    expect(later.page.html).to.contain('4 days left');
  });

  it('after the grace period registration can no longer be skipped, even with a skip button still open', async () => {
    const user = await rg.addUser('carol', { mfa: false });
    const first = await signIn('carol', user.password);
    await first.client.submit('/auth/flow/register', {}, { action: 'skip' });
    rg.clock.advance(14 * DAY - 5 * 60_000);
    const lastDay = await signIn('carol', user.password);
    expect(lastDay.page.html).to.contain('1 day left');
    rg.clock.advance(10 * 60_000);
    const late = await lastDay.client.submit('/auth/flow/register', {}, { action: 'skip' });
    expect(late.status).to.equal(400);
    expect(late.html).to.contain('can no longer be skipped');
    const after = await signIn('carol', user.password);
    expect(after.page.html).to.not.contain('days left');
    expect(after.page.html).to.not.contain('value="skip"');
  });

  it('users outside the policy scope are not prompted', async () => {
    const scoped = await startRiskgate({
      policies: { mfaRegistration: { mode: 'on', scope: { excludeGroups: ['contractors'] } } },
    });
    try {
      const user = await scoped.addUser('gina', { mfa: false, groups: ['contractors'] });
      const client = new TestClient(scoped.app, IP.london);
      const page = await client.signIn('gina', user.password);
      expect(page.html).to.contain('signed in as');
    } finally {
      await scoped.close();
    }
  });
});
