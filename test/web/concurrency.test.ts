import { expect } from 'chai';
import { startRiskgate, type TestRiskgate } from '../helpers/riskgate.js';
import { signInAtHomeThenAbroad } from '../helpers/scenarios.js';

describe('concurrent requests against caps and single-use codes', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  async function atMfaStep() {
    const { user, away } = await signInAtHomeThenAbroad(rg);
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    return { user, away, csrf: away.hidden('_csrf')!, v: away.hidden('v')! };
  }

  it('50 parallel wrong MFA codes get exactly the capped number of tries', async () => {
    const { user, away, csrf, v } = await atMfaStep();
    const pages = await Promise.all(
      Array.from({ length: 50 }, () =>
        away.postRaw('/auth/flow/mfa', { _csrf: csrf, v, code: '000000' }, { follow: false }),
      ),
    );
    const wrongCodeAnswers = pages.filter((p) => p.status === 400).length;
    expect(wrongCodeAnswers).to.be.at.most(5);
    // The real code afterwards does not get in: the cap was reached.
    const after = await away.postRaw('/auth/flow/mfa', { _csrf: csrf, v, code: rg.totp(user.totpSecret!) });
    expect(after.html).to.not.contain('signed in as');
  });

  it('the same TOTP code posted twice in parallel signs in once', async () => {
    const { user, away, csrf, v } = await atMfaStep();
    const code = rg.totp(user.totpSecret!);
    const [a, b] = await Promise.all([
      away.postRaw('/auth/flow/mfa', { _csrf: csrf, v, code }, { follow: false }),
      away.postRaw('/auth/flow/mfa', { _csrf: csrf, v, code }, { follow: false }),
    ]);
    const successes = [a, b].filter((p) => p.status === 303 && p.location === '/').length;
    expect(successes).to.equal(1);
  });
});
