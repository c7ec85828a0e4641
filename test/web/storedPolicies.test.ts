/**
 * Stored policies take effect at sign-in (over real HTTP): an admin's save changes the next sign-in
 * with no restart, report-only policies record what they would have done, and each evaluated sign-in
 * keeps what the policies saw about the user.
 */
import { expect } from 'chai';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { signInAtHomeThenAbroad } from '../helpers/scenarios.js';
import type { Policies } from '../../src/policy/schema.js';

const ADMIN = { kind: 'user', id: 'admin-1', name: 'root' } as const;

describe('stored policies at sign-in', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  async function savePolicies(change: (p: Policies) => void): Promise<void> {
    const current = await rg.riskgate.policies.current();
    const next = structuredClone(current.policies);
    change(next);
    const result = await rg.riskgate.policies.save(
      { policies: next, version: current.version },
      ADMIN,
      'test',
    );
    expect(result.ok).to.equal(true);
  }

  it('a saved block threshold blocks the next risky sign-in, without a restart', async () => {
    await savePolicies((p) => (p.signInRisk.blockAt = 'medium'));
    const { notice } = await signInAtHomeThenAbroad(rg);
    expect(notice.html).to.contain('blocked');
  });

  it('a policy saved as report-only lets the user in and records what it would have done', async () => {
    await savePolicies((p) => (p.signInRisk.mode = 'reportOnly'));
    const { user, notice } = await signInAtHomeThenAbroad(rg);
    expect(notice.html).to.contain('signed in as');
    const [risky] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    expect(risky!.decision).to.equal('allow');
    expect(risky!.reportOnly).to.deep.equal([{ policy: 'signInRisk', wouldHave: 'requireMfa' }]);
    const listed = await rg.riskgate.store.policies.reportOnlySignIns({ policy: 'signInRisk' }, null, 10);
    expect(listed.map((s) => s.id)).to.deep.equal([risky!.id]);
  });

  it('an evaluated sign-in keeps the user’s groups and MFA state as the policies saw them', async () => {
    const user = await rg.addUser('dora', { mfa: false, groups: ['sales', 'emea'] });
    await new TestClient(rg.app, IP.london).signIn('dora', user.password);
    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    expect(signIn!.policyInputs).to.deep.equal({
      groups: ['sales', 'emea'],
      hasMfa: false,
      mfaPromptedAt: null,
      blocked: false,
      mustChangePassword: false,
      passwordResetRequired: false,
    });
  });
});
