/**
 * The admin part of the storage contract (audit log, API tokens, risk history, report queries,
 * single-detection close/reactivate). Called from describeStoreContract, so every backend runs it.
 */
import { expect } from 'chai';
import type { Store } from '../../src/storage/types.js';
import type { ActorRef, NewAuditEntry } from '../../src/storage/adminTypes.js';
import type { DetectionDraft } from '../../src/domain/risk.js';
import type { SignInRecord } from '../../src/domain/signIn.js';
import { signInRecord } from '../admin/records.js';

const T0 = 1_700_000_000_000;
const admin: ActorRef = { kind: 'user', id: 'admin-1', name: 'root' };
const draft = (
  level: DetectionDraft['level'],
  type: DetectionDraft['type'] = 'newCountry',
): DetectionDraft => ({
  type,
  level,
  timing: 'realtime',
  scope: 'signIn',
  reason: `a ${level} one`,
});

function entry(overrides: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    at: T0,
    actor: admin,
    action: 'user.block',
    target: { type: 'user', id: 'user-1', label: 'alice' },
    reason: 'left the company',
    result: 'ok',
    detail: { sessionsRevoked: 2 },
    ...overrides,
  };
}

const signIn = (
  id: string,
  userId: string,
  at: number,
  riskLevel: SignInRecord['riskLevel'],
): SignInRecord => ({
  ...signInRecord(id, userId, userId, at, riskLevel),
  outcome: 'allowed',
  decision: 'allow',
});

export function describeAdminContract(current: () => Store): void {
  describe('admin: audit log', () => {
    it('appends entries and reads them back newest first, filtered and keyset-paged', async () => {
      const store = current();
      const first = await store.audit.appendAudit(entry());
      await store.audit.appendAudit(entry({ action: 'user.unblock', at: T0 + 1 }));
      const third = await store.audit.appendAudit(
        entry({
          action: 'token.create',
          target: { type: 'apiToken', id: 't-1', label: null },
          reason: null,
          result: 'refused',
          at: T0 + 2,
        }),
      );
      expect(first).to.deep.include(entry());
      expect(third.seq).to.be.greaterThan(first.seq);
      const all = await store.audit.listAudit({ limit: 10 });
      expect(all.map((e) => e.action)).to.deep.equal(['token.create', 'user.unblock', 'user.block']);
      expect(all[0]).to.deep.equal(third);
      expect(
        (await store.audit.listAudit({ targetId: 'user-1', limit: 10 })).map((e) => e.action),
      ).to.deep.equal(['user.unblock', 'user.block']);
      expect(await store.audit.listAudit({ action: 'user.block', limit: 10 })).to.have.length(1);
      expect(await store.audit.listAudit({ result: 'refused', limit: 10 })).to.deep.equal([third]);
      expect(await store.audit.listAudit({ actorId: 'someone-else', limit: 10 })).to.deep.equal([]);
      const page = await store.audit.listAudit({ before: third.seq, limit: 1 });
      expect(page.map((e) => e.action)).to.deep.equal(['user.unblock']);
    });
  });

  describe('admin: API tokens', () => {
    const token = {
      id: 'tok-1',
      name: 'ci',
      tokenHash: 'hash-1',
      createdBy: admin,
      createdAt: T0,
      lastUsedAt: null,
      revokedAt: null,
    };

    it('a token is found by its hash, which moves its last use; revoked tokens are not', async () => {
      const store = current();
      await store.apiTokens.createApiToken(token);
      expect(await store.apiTokens.getApiToken('tok-1')).to.deep.equal(token);
      expect(await store.apiTokens.useApiToken('hash-1', T0 + 5)).to.deep.equal({
        ...token,
        lastUsedAt: T0 + 5,
      });
      expect(await store.apiTokens.useApiToken('other', T0 + 5)).to.equal(null);
      expect(await store.apiTokens.revokeApiToken('tok-1', T0 + 6)).to.equal(true);
      expect(await store.apiTokens.revokeApiToken('tok-1', T0 + 7)).to.equal(false);
      expect(await store.apiTokens.revokeApiToken('missing', T0 + 7)).to.equal(false);
      expect(await store.apiTokens.useApiToken('hash-1', T0 + 8)).to.equal(null);
      expect((await store.apiTokens.getApiToken('tok-1'))!.revokedAt).to.equal(T0 + 6);
    });

    it('lists tokens newest first; token hashes are unique', async () => {
      const store = current();
      await store.apiTokens.createApiToken(token);
      await store.apiTokens.createApiToken({ ...token, id: 'tok-2', tokenHash: 'hash-2', createdAt: T0 + 1 });
      expect((await store.apiTokens.listApiTokens()).map((t) => t.id)).to.deep.equal(['tok-2', 'tok-1']);
      let failed = false;
      await store.apiTokens.createApiToken({ ...token, id: 'tok-3' }).catch(() => (failed = true));
      expect(failed).to.equal(true);
    });
  });

  describe('admin: risk history', () => {
    it('keeps every change with its cause, newest first, per user', async () => {
      const store = current();
      const base = {
        userId: 'user-1',
        from: { level: 'none', state: 'none' },
        to: { level: 'high', state: 'atRisk' },
      } as const;
      await store.riskHistory.appendRiskHistory({
        ...base,
        at: T0,
        cause: { kind: 'detection', types: ['leakedCredentials'] },
      });
      await store.riskHistory.appendRiskHistory({
        ...base,
        at: T0 + 1,
        from: base.to,
        to: { level: 'none', state: 'dismissed' },
        cause: { kind: 'admin', action: 'dismissUserRisk', actor: admin },
      });
      await store.riskHistory.appendRiskHistory({
        ...base,
        userId: 'user-2',
        at: T0,
        cause: { kind: 'system', job: 'riskAgeing' },
      });
      const history = await store.riskHistory.riskHistory('user-1', 10);
      expect(history.map((h) => h.cause.kind)).to.deep.equal(['admin', 'detection']);
      expect(history[0]).to.deep.include({
        userId: 'user-1',
        at: T0 + 1,
        to: { level: 'none', state: 'dismissed' },
      });
      expect(history[0]!.cause).to.deep.equal({ kind: 'admin', action: 'dismissUserRisk', actor: admin });
      expect(await store.riskHistory.riskHistory('user-1', 1)).to.have.length(1);
    });
  });

  describe('admin: detection close and reactivate', () => {
    it('closes only an active detection and reactivates only allowed closures', async () => {
      const store = current();
      const [d] = await store.detections.addDetections('user-1', 's-1', [draft('medium')], T0);
      expect(await store.detectionActions.getDetection('missing')).to.equal(null);
      const closed = await store.detectionActions.closeDetection(d!.id, 'ignored', T0 + 1);
      expect(closed).to.deep.include({ id: d!.id, status: 'closed', closedBy: 'ignored', updatedAt: T0 + 1 });
      expect(await store.detectionActions.closeDetection(d!.id, 'resolved', T0 + 2)).to.equal(null);
      expect(await store.detectionActions.reactivateDetection(d!.id, ['resolved'], T0 + 3)).to.equal(null);
      const back = await store.detectionActions.reactivateDetection(d!.id, ['ignored', 'resolved'], T0 + 3);
      expect(back).to.deep.include({ status: 'active', closedBy: null, updatedAt: T0 + 3 });
      expect(await store.detectionActions.getDetection(d!.id)).to.deep.equal(back);
      expect(await store.detectionActions.reactivateDetection(d!.id, ['ignored'], T0 + 4)).to.equal(null);
    });
  });

  describe('admin: report queries', () => {
    async function population(store: Store) {
      const levels = ['high', 'medium', 'low', 'high', 'none'] as const;
      for (const [i, level] of levels.entries()) {
        const state = level === 'none' ? 'remediated' : 'atRisk';
        await store.identities.updateIdentity(`u${i}`, { riskLevel: level, riskState: state }, T0 + i);
        await store.signIns.recordSignIn(signIn(`s${i}`, `u${i}`, T0 + i, level));
        if (level !== 'none')
          await store.detections.addDetections(
            `u${i}`,
            `s${i}`,
            [draft(level, i % 2 ? 'newCountry' : 'impossibleTravel')],
            T0 + i,
          );
      }
      await store.identities.updateIdentity('quiet', { mfaPromptedAt: T0 }, T0 + 9);
    }

    it('risky users page, filter by level and state, and sort by update time or level', async () => {
      const store = current();
      await population(store);
      const all = await store.reports.riskyUsers({ sort: 'updatedAt', order: 'desc', offset: 0, limit: 2 });
      expect(all.total).to.equal(5);
      expect(all.rows.map((r) => r.userId)).to.deep.equal(['u4', 'u3']);
      const next = await store.reports.riskyUsers({ sort: 'updatedAt', order: 'desc', offset: 2, limit: 2 });
      expect(next.rows.map((r) => r.userId)).to.deep.equal(['u2', 'u1']);
      const high = await store.reports.riskyUsers({
        levels: ['high'],
        sort: 'updatedAt',
        order: 'asc',
        offset: 0,
        limit: 10,
      });
      expect(high.rows.map((r) => r.userId)).to.deep.equal(['u0', 'u3']);
      const byLevel = await store.reports.riskyUsers({
        states: ['atRisk'],
        sort: 'level',
        order: 'desc',
        offset: 0,
        limit: 10,
      });
      expect(byLevel.rows.map((r) => r.riskLevel)).to.deep.equal(['high', 'high', 'medium', 'low']);
      expect(byLevel.rows[0]!.userId).to.equal('u3');
      const none = await store.reports.riskyUsers({
        states: [],
        sort: 'level',
        order: 'desc',
        offset: 0,
        limit: 10,
      });
      expect(none).to.deep.equal({ total: 0, rows: [] });
    });

    it('risky sign-ins leave out risk-free ones and filter by level, state and user', async () => {
      const store = current();
      await population(store);
      const page = await store.reports.riskySignIns({ order: 'desc', offset: 0, limit: 10 });
      expect(page.total).to.equal(4);
      expect(page.rows.map((s) => s.id)).to.deep.equal(['s3', 's2', 's1', 's0']);
      expect(
        (await store.reports.riskySignIns({ levels: ['low'], order: 'desc', offset: 0, limit: 10 })).total,
      ).to.equal(1);
      expect(
        (await store.reports.riskySignIns({ userId: 'u1', order: 'desc', offset: 0, limit: 10 })).rows[0]!.id,
      ).to.equal('s1');
      expect(
        (await store.reports.riskySignIns({ states: ['dismissed'], order: 'desc', offset: 0, limit: 10 }))
          .total,
      ).to.equal(0);
    });

    it('detections filter by status, type, level and user', async () => {
      const store = current();
      await population(store);
      const page = await store.reports.detectionsPage({ order: 'asc', offset: 0, limit: 10 });
      expect(page.rows.map((d) => d.userId)).to.deep.equal(['u0', 'u1', 'u2', 'u3']);
      expect(
        (await store.reports.detectionsPage({ types: ['newCountry'], order: 'asc', offset: 0, limit: 10 }))
          .total,
      ).to.equal(2);
      expect(
        (
          await store.reports.detectionsPage({
            levels: ['high'],
            status: 'active',
            order: 'asc',
            offset: 0,
            limit: 10,
          })
        ).total,
      ).to.equal(2);
      expect(
        (await store.reports.detectionsPage({ status: 'closed', order: 'asc', offset: 0, limit: 10 })).total,
      ).to.equal(0);
      expect(
        (await store.reports.detectionsPage({ userId: 'u2', order: 'asc', offset: 0, limit: 10 })).rows[0]!
          .level,
      ).to.equal('low');
    });

    it('MFA registration counts built-in users as registered, in grace or not registered', async () => {
      const store = current();
      const make = (username: string) =>
        store.users.createUser({
          username,
          email: null,
          groups: [],
          roles: username === 'boss' ? ['admin'] : [],
          passwordHash: 'h',
          createdAt: T0,
        });
      const [boss, fresh, late] = [await make('boss'), await make('fresh'), await make('late')];
      await make('never');
      await store.identities.updateIdentity(boss.id, { totpSecret: 'sealed' }, T0);
      await store.identities.updateIdentity(fresh.id, { mfaPromptedAt: T0 + 100 }, T0);
      await store.identities.updateIdentity(late.id, { mfaPromptedAt: T0 - 100 }, T0);
      const result = await store.reports.mfaRegistration({ graceStartedAfter: T0, offset: 0, limit: 10 });
      expect(result.counts).to.deep.equal({ registered: 1, inGrace: 1, notRegistered: 2 });
      expect(result.total).to.equal(4);
      expect(result.rows.map((r) => r.username)).to.deep.equal(['boss', 'fresh', 'late', 'never']);
      expect(result.rows[0]).to.deep.equal({
        userId: boss.id,
        username: 'boss',
        registered: true,
        promptedAt: null,
      });
      const grace = await store.reports.mfaRegistration({
        status: 'inGrace',
        graceStartedAfter: T0,
        offset: 0,
        limit: 10,
      });
      expect(grace.rows.map((r) => r.username)).to.deep.equal(['fresh']);
      expect(grace.total).to.equal(1);
      expect(await store.reports.usersWithRole('admin', 5)).to.deep.equal([boss.id]);
      expect(await store.reports.usersWithRole('auditor', 5)).to.deep.equal([]);
    });
  });
}
