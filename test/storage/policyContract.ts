/**
 * The policy part of the storage contract (run by describeStoreContract for every backend): versioned
 * policies with compare-and-set, what the policies saw at each sign-in, and the keyset-paged history
 * queries of the impact preview and the report-only list.
 */
import { expect } from 'chai';
import type { PolicyInputs, SignInRecord } from '../../src/domain/signIn.js';
import type { SignInCursor, Store } from '../../src/storage/types.js';
import { signIn, T0 } from './signInFixture.js';

const DAY = 24 * 60 * 60_000;
const ADMIN = { id: 'admin-1', name: 'alice (admin)' };
const INPUTS: PolicyInputs = {
  groups: ['staff', 'vpn users'],
  hasMfa: true,
  mfaPromptedAt: T0 - DAY,
  blocked: false,
  mustChangePassword: false,
  passwordResetRequired: false,
};

function cursorOf(record: SignInRecord): SignInCursor {
  return { userId: record.userId!, at: record.context.at, id: record.id };
}

export function describePolicyStoreContract(current: () => Store): void {
  describe('policies', () => {
    const policies = () => current().policies;
    const save = (expectedVersion: number, document: Record<string, unknown>, at = T0 + 1) =>
      policies().savePolicies({
        expectedVersion,
        document,
        changedBy: ADMIN,
        reason: 'tighten sign-in risk',
        changedAt: at,
      });

    it('nothing is stored before the first start; seeding stores version 1 once, by the system', async () => {
      expect(await policies().latestPolicies()).to.equal(null);
      const first = await policies().seedPolicies({ signInRisk: { mfaAt: 'low' } }, T0);
      expect(first).to.deep.equal({
        version: 1,
        document: { signInRisk: { mfaAt: 'low' } },
        changedBy: { id: 'system', name: 'first start' },
        reason: 'defaults from the configuration',
        changedAt: T0,
      });
      // A second instance (or a restart with other defaults) finds the stored ones and keeps them.
      expect(await policies().seedPolicies({ signInRisk: { mfaAt: 'high' } }, T0 + 5)).to.deep.equal(first);
      expect(await policies().latestPolicies()).to.deep.equal(first);
    });

    it('a save on the latest version stores the next one with who, why and when; history is newest first', async () => {
      await policies().seedPolicies({ a: 1 }, T0);
      const saved = await save(1, { signInRisk: { mode: 'reportOnly', scope: { excludeUsers: ['u 1'] } } });
      expect(saved).to.deep.equal({
        version: 2,
        document: { signInRisk: { mode: 'reportOnly', scope: { excludeUsers: ['u 1'] } } },
        changedBy: ADMIN,
        reason: 'tighten sign-in risk',
        changedAt: T0 + 1,
      });
      expect(await policies().latestPolicies()).to.deep.equal(saved);
      expect((await policies().policyHistory(10)).map((p) => p.version)).to.deep.equal([2, 1]);
      expect(await policies().policyHistory(1)).to.deep.equal([saved]);
    });

    it('a save on a stale or a future version is refused and changes nothing', async () => {
      await policies().seedPolicies({ a: 1 }, T0);
      await save(1, { a: 2 });
      expect(await save(1, { a: 'stale' })).to.equal(null);
      expect(await save(5, { a: 'future' })).to.equal(null);
      const latest = await policies().latestPolicies();
      expect(latest?.version).to.equal(2);
      expect(latest?.document).to.deep.equal({ a: 2 });
    });

    it('of ten admins saving on the same version at once exactly one wins', async () => {
      await policies().seedPolicies({ a: 0 }, T0);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => save(1, { a: i })));
      const winners = results.filter((r) => r !== null);
      expect(winners).to.have.length(1);
      expect(await policies().latestPolicies()).to.deep.equal(winners[0]);
    });

    it('what the policies saw about the user reads back exactly with the sign-in', async () => {
      const withInputs = signIn({ id: 'with', policyInputs: INPUTS, decision: 'requireMfa' });
      const without = signIn({ id: 'without', decision: null, outcome: 'wrongPassword' });
      await current().signIns.recordSignIn(withInputs);
      await current().signIns.recordSignIn(without);
      expect(await current().signIns.getSignIn('with')).to.deep.equal(withInputs);
      const read = await current().signIns.getSignIn('without');
      expect(read).to.deep.equal(without);
      expect(read).to.not.have.property('policyInputs');
    });

    it('replay pages hold the evaluated sign-ins of known users in the window, by user then time, each once', async () => {
      const rows = [
        signIn({ id: 'b-2', userId: 'user-b', at: T0 + 2 * DAY }),
        signIn({ id: 'a-1', userId: 'user-a', at: T0 + DAY }),
        signIn({ id: 'a-2', userId: 'user-a', at: T0 + 3 * DAY, policyInputs: INPUTS }),
        signIn({ id: 'a-same-ms-x', userId: 'user-a', at: T0 + 3 * DAY }),
        signIn({ id: 'c-1', userId: 'user-c', at: T0 + DAY }),
        // Not replayed: a wrong password (never evaluated), an unknown user, and outside the window.
        signIn({ id: 'a-failed', userId: 'user-a', at: T0 + DAY, decision: null, outcome: 'wrongPassword' }),
        signIn({ id: 'ghost', userId: null, username: 'ghost', at: T0 + DAY, decision: null }),
        signIn({ id: 'a-old', userId: 'user-a', at: T0 - 1 }),
        signIn({ id: 'c-late', userId: 'user-c', at: T0 + 10 * DAY }),
      ];
      for (const row of rows) await current().signIns.recordSignIn(row);

      const window = { since: T0, until: T0 + 10 * DAY };
      const seen: string[] = [];
      let after: SignInCursor | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const page = await policies().signInsForReplay(window, after, 2);
        if (page.length === 0) break;
        expect(page.length).to.be.at.most(2);
        seen.push(...page.map((r) => r.id));
        after = cursorOf(page[page.length - 1]!);
      }
      expect(seen).to.deep.equal(['a-1', 'a-2', 'a-same-ms-x', 'b-2', 'c-1']);
      const [a2] = await policies().signInsForReplay(
        window,
        { userId: 'user-a', at: T0 + DAY, id: 'a-1' },
        1,
      );
      expect(a2).to.deep.equal(rows[2]);
    });

    it('report-only sign-ins come newest first, filtered by policy, would-be decision and time, paged', async () => {
      const rows = [
        signIn({ id: 'r1', at: T0 + 1, reportOnly: [{ policy: 'signInRisk', wouldHave: 'requireMfa' }] }),
        signIn({
          id: 'r2',
          at: T0 + 2,
          userId: 'user-2',
          reportOnly: [
            { policy: 'userRisk', wouldHave: 'block' },
            { policy: 'signInRisk', wouldHave: 'block' },
          ],
        }),
        signIn({ id: 'r3', at: T0 + 3, reportOnly: [{ policy: 'mfaRegistration', wouldHave: 'block' }] }),
        signIn({ id: 'plain', at: T0 + 4 }),
      ];
      for (const row of rows) await current().signIns.recordSignIn(row);
      const ids = async (filter: Parameters<Store['policies']['reportOnlySignIns']>[0]) =>
        (await policies().reportOnlySignIns(filter, null, 10)).map((r) => r.id);

      expect(await ids({})).to.deep.equal(['r3', 'r2', 'r1']);
      expect(await ids({ policy: 'signInRisk' })).to.deep.equal(['r2', 'r1']);
      expect(await ids({ wouldHave: 'block' })).to.deep.equal(['r3', 'r2']);
      // Both conditions hold for one and the same result of the sign-in.
      expect(await ids({ policy: 'signInRisk', wouldHave: 'block' })).to.deep.equal(['r2']);
      expect(await ids({ policy: 'userRisk', wouldHave: 'requireMfa' })).to.deep.equal([]);
      expect(await ids({ since: T0 + 2 })).to.deep.equal(['r3', 'r2']);

      const first = await policies().reportOnlySignIns({}, null, 2);
      expect(first.map((r) => r.id)).to.deep.equal(['r3', 'r2']);
      const second = await policies().reportOnlySignIns({}, cursorOf(first[1]!), 2);
      expect(second).to.deep.equal([rows[0]]);
    });
  });
}
