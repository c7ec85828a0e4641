/**
 * Impact preview and the report-only list against sign-ins stored in a real SQLite store: what is
 * replayed (risk and what the policies saw then), distinct users, examples, the window, paging.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import type { Store } from '../../src/storage/types.js';
import type { PolicyInputs, SignInRecord } from '../../src/domain/signIn.js';
import { BuiltinDirectory } from '../../src/auth/builtinDirectory.js';
import { PolicyService } from '../../src/policy/service/service.js';
import { previewImpact } from '../../src/policy/service/preview.js';
import { DEFAULT_POLICIES, type Policies } from '../../src/policy/schema.js';
import { signIn } from '../storage/signInFixture.js';

const NOW = 1_800_000_000_000;
const DAY = 24 * 60 * 60_000;
const WITH_MFA: PolicyInputs = {
  groups: [],
  hasMfa: true,
  mfaPromptedAt: null,
  blocked: false,
  mustChangePassword: false,
  passwordResetRequired: false,
};
const WITHOUT_MFA: PolicyInputs = { ...WITH_MFA, hasMfa: false };

/** The policies in force in these tests: Microsoft's sign-in risk default (MFA from medium). */
const CURRENT: Policies = {
  ...DEFAULT_POLICIES,
  signInRisk: { ...DEFAULT_POLICIES.signInRisk, mfaAt: 'medium' },
};

function edited(change: (p: Policies) => void): Policies {
  const copy = structuredClone(CURRENT);
  change(copy);
  return copy;
}

describe('impact preview', () => {
  let dir: string;
  let store: Store;
  let service: PolicyService;
  const directory = () => new BuiltinDirectory(store.users);

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-preview-'));
    store = openSqliteStore({ file: path.join(dir, 'rg.sqlite') });
    service = new PolicyService({
      store,
      directory: directory(),
      defaults: CURRENT,
      cacheTtlMs: 0,
      now: () => NOW,
    });
    await service.start();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const record = (id: string, userId: string, daysAgo: number, extra: Partial<SignInRecord> = {}) =>
    store.signIns.recordSignIn(
      signIn({ id, userId, username: userId, at: NOW - daysAgo * DAY, policyInputs: WITH_MFA, ...extra }),
    );

  async function preview(proposed: Policies, days = 30) {
    const result = await service.preview(proposed, days);
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  }

  it('counts sign-ins and distinct users asked for MFA or blocked, current against proposed, with examples', async () => {
    await record('a1', 'anna', 1, { riskLevel: 'low' });
    await record('a2', 'anna', 2, { riskLevel: 'low' });
    await record('b1', 'ben', 3, { riskLevel: 'medium' });
    await record('c1', 'cleo', 4, { riskLevel: 'low', policyInputs: WITHOUT_MFA });
    await record('d1', 'dan', 5);

    const result = await preview(edited((p) => (p.signInRisk.mfaAt = 'low')));
    expect(result).to.deep.include({ signIns: 5, users: 4, approximated: 0, days: 30, currentVersion: 1 });
    expect(result.current.outcomes.requireMfa).to.deep.equal({ signIns: 1, users: 1 });
    expect(result.proposed.outcomes.requireMfa).to.deep.equal({ signIns: 3, users: 2 });
    // MFA cannot be asked of a user with no authenticator: the unregistered-users rule blocks them.
    expect(result.proposed.outcomes.block).to.deep.equal({ signIns: 1, users: 1 });
    expect(result.proposed.outcomes.allow).to.deep.equal({ signIns: 1, users: 1 });
    expect(result.changed).to.deep.equal({ signIns: 3, users: 2 });
    expect(result.examples.map((e) => [e.signInId, e.current, e.proposed])).to.deep.equal([
      ['a1', 'allow', 'requireMfa'],
      ['a2', 'allow', 'requireMfa'],
      ['c1', 'allow', 'block (mfaNotRegistered)'],
    ]);
    expect(result.examples[0]).to.deep.include({
      username: 'anna',
      at: NOW - DAY,
      city: 'London',
      country: 'GB',
      signInRisk: 'low',
      userRisk: 'none',
    });
  });

  it('replays the groups and MFA state kept on each sign-in, not the user as they are now', async () => {
    const user = await store.users.createUser({
      username: 'eve',
      email: null,
      groups: [],
      roles: [],
      passwordHash: 'x',
      createdAt: NOW - 30 * DAY,
    });
    await record('e1', user.id, 1, {
      riskLevel: 'high',
      policyInputs: { ...WITH_MFA, groups: ['contractors'] },
    });
    const proposed = edited((p) => {
      p.signInRisk.blockAt = 'high';
      p.signInRisk.scope.excludeGroups = ['contractors'];
    });
    const result = await preview(proposed);
    // A contractor then (excluded), in no group now (would be blocked): the kept groups decide.
    expect(result.current.outcomes.requireMfa.signIns).to.equal(1);
    expect(result.proposed.outcomes.block.signIns).to.equal(0);
    expect(result.proposed.outcomes.allow.signIns).to.equal(1);
    expect(result.approximated).to.equal(0);
  });

  it('sign-ins recorded before Riskgate kept what the policies saw are replayed with the user as now, and counted', async () => {
    const user = await store.users.createUser({
      username: 'finn',
      email: null,
      groups: ['break-glass'],
      roles: [],
      passwordHash: 'x',
      createdAt: NOW - 30 * DAY,
    });
    const old = signIn({ id: 'f1', userId: user.id, at: NOW - DAY, riskLevel: 'high' });
    await store.signIns.recordSignIn(old);
    const proposed = edited((p) => {
      p.signInRisk.blockAt = 'high';
      p.signInRisk.scope.excludeGroups = ['break-glass'];
    });
    const result = await preview(proposed);
    expect(result.approximated).to.equal(1);
    // Finn is in break-glass now and has no authenticator now: excluded from blocking, and the
    // current policies' MFA requirement blocks him under the unregistered-users rule either way.
    expect(result.current.outcomes.block.signIns).to.equal(1);
    expect(result.proposed.outcomes.block.signIns).to.equal(0);
    expect(result.proposed.outcomes.allow.signIns).to.equal(1);
  });

  it('replays only evaluated sign-ins inside the chosen number of days', async () => {
    await record('in', 'gus', 6, { riskLevel: 'high' });
    await record('out', 'gus', 8, { riskLevel: 'high' });
    await record('failed', 'gus', 1, { riskLevel: 'high', decision: null, outcome: 'wrongPassword' });
    const result = await preview(
      edited((p) => (p.signInRisk.blockAt = 'high')),
      7,
    );
    expect(result.signIns).to.equal(1);
    expect(result.examples.map((e) => e.signInId)).to.deep.equal(['in']);
    expect(result.until - result.since).to.equal(7 * DAY);
  });

  it('a shorter grace period shows who could no longer skip MFA registration', async () => {
    const inputs = { ...WITHOUT_MFA };
    await record('h0', 'hana', 20, { policyInputs: inputs });
    await record('h10', 'hana', 10, { policyInputs: inputs });
    const current = edited((p) => (p.mfaRegistration = { ...p.mfaRegistration, mode: 'on', graceDays: 14 }));
    const saved = await service.save(
      { policies: current, version: 1 },
      { kind: 'cli', id: 'cli', name: 'cli' },
      'switch it on',
    );
    expect(saved.ok).to.equal(true);
    const result = await preview(
      edited((p) => (p.mfaRegistration = { ...current.mfaRegistration, graceDays: 5 })),
    );
    expect(result.current.outcomes.requireMfaRegistration).to.deep.equal({ signIns: 2, users: 1 });
    expect(result.examples.map((e) => [e.signInId, e.current, e.proposed])).to.deep.equal([
      ['h10', 'requireMfaRegistration (skippable)', 'requireMfaRegistration (no more skipping)'],
    ]);
  });

  it('a proposed report-only policy changes no decision and says what it would have done', async () => {
    await record('i1', 'ivy', 1, { riskLevel: 'medium' });
    const result = await preview(edited((p) => (p.signInRisk.mode = 'reportOnly')));
    expect(result.proposed.outcomes.allow.signIns).to.equal(1);
    expect(result.proposed.reportOnly.signInRisk).to.deep.equal({ signIns: 1, users: 1 });
    expect(result.current.reportOnly.signInRisk).to.deep.equal({ signIns: 0, users: 0 });
  });

  it('gives the same answer whatever the page size, users split across pages included', async () => {
    for (let u = 0; u < 5; u++)
      for (let i = 0; i < 3; i++)
        await record(`u${u}-${i}`, `user-${u}`, i + 1, { riskLevel: i === 0 ? 'high' : 'low' });
    const compare = {
      current: DEFAULT_POLICIES,
      currentVersion: 1,
      proposed: edited((p) => (p.signInRisk.mfaAt = 'low')),
    };
    const source = { store, directory: directory() };
    const big = await previewImpact(source, compare, 30, NOW, 500);
    const small = await previewImpact(source, compare, 30, NOW, 2);
    expect(small).to.deep.equal(big);
    expect(big.proposed.outcomes.requireMfa).to.deep.equal({ signIns: 15, users: 5 });
  });

  it('refuses a bad number of days or bad policies with a code', async () => {
    for (const days of [0, 91, 'ten', 1.5]) {
      const result = await service.preview(DEFAULT_POLICIES, days);
      expect(!result.ok && result.error.code, String(days)).to.equal('invalidRequest');
    }
    const bad = await service.preview({ signInRisk: {} }, 7);
    expect(!bad.ok && bad.error.code).to.equal('invalidPolicies');
  });

  describe('report-only results', () => {
    it('pages through the sign-ins a report-only policy acted on, filtered, with a cursor', async () => {
      for (let i = 0; i < 5; i++)
        await record(`r${i}`, 'jo', i + 1, { reportOnly: [{ policy: 'userRisk', wouldHave: 'block' }] });
      await record('m', 'jo', 1, { reportOnly: [{ policy: 'signInRisk', wouldHave: 'requireMfa' }] });
      const first = await service.reportOnly({ policy: 'userRisk', wouldHave: 'block', limit: '2' });
      if (!first.ok) throw new Error(first.error.message);
      expect(first.value.items.map((s) => s.id)).to.deep.equal(['r0', 'r1']);
      const ids: string[] = first.value.items.map((s) => s.id);
      let cursor = first.value.nextCursor;
      while (cursor) {
        const next = await service.reportOnly({ policy: 'userRisk', limit: '2', cursor });
        if (!next.ok) throw new Error(next.error.message);
        ids.push(...next.value.items.map((s) => s.id));
        cursor = next.value.nextCursor;
      }
      expect(ids).to.deep.equal(['r0', 'r1', 'r2', 'r3', 'r4']);
      const recent = await service.reportOnly({ days: '1' });
      expect(recent.ok && recent.value.items.map((s) => s.id)).to.deep.equal(['r0', 'm']);
    });

    it('refuses an unknown policy, decision, limit or a forged cursor', async () => {
      for (const query of [
        { policy: 'x' },
        { wouldHave: 'allow' },
        { limit: '0' },
        { cursor: 'bm90IGpzb24' },
        { x: 1 },
      ]) {
        const result = await service.reportOnly(query);
        expect(!result.ok && result.error.code, JSON.stringify(query)).to.equal('invalidRequest');
      }
    });
  });
});
