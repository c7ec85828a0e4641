/**
 * "Exclude the user from policy" goes through the PolicyExclusions interface that the policy store
 * implements. The first suite plugs in the smallest implementation of the interface (a list) to check
 * the action's own behaviour: audited, refused when already excluded; the second uses the stored
 * policies Riskgate wires by default.
 */
import { expect } from 'chai';
import type { PolicyExclusions } from '../../src/admin/types.js';
import { ADMIN, api, startAdminFixture, type AdminFixture } from './helpers.js';

describe('admin: exclude a user from a policy (through PolicyExclusions)', () => {
  let fx: AdminFixture;
  let excluded: string[];
  beforeEach(async () => {
    excluded = [];
    const policyExclusions: PolicyExclusions = {
      async excludeUser(policy, userId) {
        const key = `${policy}:${userId}`;
        if (excluded.includes(key)) return false;
        excluded.push(key);
        return true;
      },
    };
    fx = await startAdminFixture({ adminPlugins: { policyExclusions } });
  });
  afterEach(() => fx.close());

  it('excludes through the interface, audits it, and refuses a second time', async () => {
    const alice = await fx.rg.addUser('alice');
    const res = await api(fx).post(`/users/${alice.id}/exclude-from-policy`, {
      policy: 'userRisk',
      reason: 'service account',
    });
    expect(res.status).to.equal(200);
    expect(excluded).to.deep.equal([`userRisk:${alice.id}`]);
    const [entry] = await fx.rg.riskgate.store.audit.listAudit({ limit: 1 });
    expect(entry).to.deep.include({
      action: 'user.excludeFromPolicy',
      reason: 'service account',
      detail: { policy: 'userRisk' },
    });
    const again = await api(fx).post(`/users/${alice.id}/exclude-from-policy`, {
      policy: 'userRisk',
      reason: 'service account',
    });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('alreadyExcluded');
    const bad = await api(fx).post(`/users/${alice.id}/exclude-from-policy`, {
      policy: 'everything',
      reason: 'x y z',
    });
    expect(bad.body.error.field).to.equal('policy');
  });

  it('the console offers it with a policy choice', async () => {
    const alice = await fx.rg.addUser('alice');
    expect((await fx.console.get(`${ADMIN}/users/${alice.id}`)).html).to.contain('Exclude from a policy');
    await fx.console.get(`${ADMIN}/users/${alice.id}/actions/exclude-from-policy`);
    await fx.console.submit(`/users/${alice.id}/actions/exclude-from-policy`, {
      policy: 'signInRisk',
      reason: 'travels a lot',
    });
    expect(fx.console.last.html).to.contain('Done: exclude from a policy.');
    expect(excluded).to.deep.equal([`signInRisk:${alice.id}`]);
  });
});

describe('admin: with the stored policies (the default), "exclude from policy" writes the policy', () => {
  let fx: AdminFixture;
  beforeEach(async () => {
    fx = await startAdminFixture();
  });
  afterEach(() => fx.close());

  it('is on the user page, and the API action adds the user to the stored policy', async () => {
    const alice = await fx.rg.addUser('alice');
    expect((await fx.console.get(`${ADMIN}/users/${alice.id}`)).html).to.contain('Exclude from a policy');
    const res = await api(fx).post(`/users/${alice.id}/exclude-from-policy`, {
      policy: 'userRisk',
      reason: 'x y z',
    });
    expect(res.status).to.equal(200);
    const current = await fx.rg.riskgate.policies.current();
    expect(current.policies.userRisk.scope.excludeUsers).to.deep.equal([alice.id]);
    expect(current.reason).to.equal('x y z');
  });
});
