import { expect } from 'chai';
import { IP } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { signInAtHomeThenAbroad } from '../helpers/scenarios.js';
import { describeOnEveryBackend } from '../helpers/backends.js';

describeOnEveryBackend('concurrent requests against caps and single-use codes', {}, (rg) => {
  async function atMfaStep(username = 'alice', password?: string) {
    const { user, away } = await signInAtHomeThenAbroad(rg(), username, password ? { password } : {});
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    return { user, away, csrf: away.hidden('_csrf')!, v: away.hidden('v')! };
  }

  const failures = (userId: string) =>
    rg().riskgate.store.counters.count(`mfa-failures:${userId}`, rg().clock.now());

  it('50 parallel wrong MFA codes never get more than the 5 allowed tries, and the cap then holds exactly', async () => {
    const { user, away, csrf, v } = await atMfaStep();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        away.postRaw('/auth/flow/mfa', { _csrf: csrf, v, code: '000000' }, { follow: false }),
      ),
    );
    const used = await failures(user.id);
    expect(used).to.be.within(1, 5);
    let page = await away.get('/auth/flow');
    for (let i = used; i < 5 && page.html.includes('name="code"'); i++)
      page = await away.submit('/auth/flow/mfa', { code: '000000' });
    expect(await failures(user.id)).to.equal(5);
    expect(page.status).to.equal(429);
    const after = await away.postRaw('/auth/flow/mfa', { _csrf: csrf, v, code: rg().totp(user.totpSecret!) });
    expect(after.html).to.not.contain('signed in as');
  });

  it("a passed MFA step starts the user's count of tries again, so their own sign-ins never lock them out", async () => {
    const { user, away } = await atMfaStep();
    for (let i = 0; i < 4; i++) await away.submit('/auth/flow/mfa', { code: '000000' });
    expect(await failures(user.id)).to.equal(4);
    const passed = await away.submit('/auth/flow/mfa', { code: rg().totp(user.totpSecret!) });
    expect(passed.html).to.contain('signed in as');
    expect(await failures(user.id)).to.equal(0);
  });

  it('the same TOTP code posted twice in parallel signs in once', async () => {
    const { user, away, csrf, v } = await atMfaStep();
    const code = rg().totp(user.totpSecret!);
    const pages = await Promise.all(
      [1, 2].map(() => away.postRaw('/auth/flow/mfa', { _csrf: csrf, v, code }, { follow: false })),
    );
    expect(pages.filter((p) => p.status === 303 && p.location === '/')).to.have.length(1);
  });

  it('two parallel password changes change the password exactly once', async () => {
    const { user, away } = await atMfaStep('bob', 'password123');
    const change = await away.submit('/auth/flow/mfa', { code: rg().totp(user.totpSecret!) });
    expect(change.html).to.contain('name="newPassword"');
    const csrf = away.hidden('_csrf')!;
    const v = away.hidden('v')!;
    const candidates = ['first new phrase 11', 'second new phrase 22'];
    await Promise.all(
      candidates.map((p) =>
        away.postRaw(
          '/auth/flow/change-password',
          { _csrf: csrf, v, newPassword: p, confirmPassword: p },
          { follow: false },
        ),
      ),
    );
    const works: string[] = [];
    for (const candidate of candidates) {
      const client = new TestClient(rg().app, IP.tokyo);
      if ((await client.signIn('bob', candidate, { follow: false })).status !== 401) works.push(candidate);
    }
    expect(works).to.have.length(1);
  });
});
