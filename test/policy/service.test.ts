/**
 * The policy service on real stores (SQLite file and PostgreSQL schema): first-start defaults, saves
 * with compare-and-set across two instances sharing a store, the short cache, and "exclude a user".
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { openPostgresStore } from '../../src/storage/postgres/index.js';
import type { Store } from '../../src/storage/types.js';
import { PolicyService } from '../../src/policy/service/service.js';
import { DEFAULT_POLICIES, policiesSchema, type Policies } from '../../src/policy/schema.js';
import { POSTGRES_URL, dropSchema, randomSchema, requirePostgres } from '../helpers/postgres.js';
import { Clock } from '../helpers/riskgate.js';
import type { ActorRef } from '../../src/storage/adminTypes.js';
import type { AuditInput } from '../../src/admin/types.js';
import { BuiltinDirectory } from '../../src/auth/builtinDirectory.js';

const ADMIN = { kind: 'user', id: 'admin-1', name: 'alice' } as const;
const OTHER_ADMIN = { kind: 'token', id: 'token-2', name: 'bob' } as const;
const stored = (actor: { id: string; name: string }) => ({ id: actor.id, name: actor.name });
const TTL = 5_000;

function edited(change: (p: Policies) => void, from: Policies = DEFAULT_POLICIES): Policies {
  const copy = structuredClone(from);
  change(copy);
  return copy;
}

interface Backend {
  name: string;
  /** Opens a store on the test's one database; call twice for two instances sharing it. */
  open: () => Promise<Store>;
}

function describeOn(backend: () => Backend, title: string) {
  describe(`policy service (${title})`, () => {
    let clock = new Clock();
    beforeEach(() => {
      clock = new Clock(1_800_000_000_000);
    });
    const stores: Store[] = [];
    const audit: Array<{ actor: ActorRef } & AuditInput> = [];
    const instance = async (defaults: Policies = DEFAULT_POLICIES) => {
      const store = await backend().open();
      stores.push(store);
      const service = new PolicyService({
        store,
        directory: new BuiltinDirectory(store.users),
        defaults,
        cacheTtlMs: TTL,
        now: clock.now,
        audit: async (actor, input) => void audit.push({ actor, ...input }),
      });
      await service.start();
      return { store, service };
    };
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
      audit.length = 0;
    });

    it('the configured policies are stored on the first start and rule over other defaults afterwards', async () => {
      const configured = edited((p) => (p.signInRisk.mfaAt = 'low'));
      const first = await instance(configured);
      expect(await first.service.effective()).to.deep.equal(configured);
      const restarted = await instance(DEFAULT_POLICIES);
      expect(await restarted.service.effective()).to.deep.equal(configured);
      const current = await restarted.service.current();
      expect(current.version).to.equal(1);
      expect(current.changedBy.id).to.equal('system');
    });

    it('a save is versioned, records who, when and why, and goes to the audit log', async () => {
      const { service } = await instance();
      const policies = edited((p) => (p.userRisk.blockAt = 'high'));
      const result = await service.save({ policies, version: 1 }, ADMIN, '  block high-risk users  ');
      expect(result.ok).to.equal(true);
      const current = await service.current();
      expect(current).to.deep.include({
        version: 2,
        policies,
        changedBy: stored(ADMIN),
        reason: 'block high-risk users',
      });
      expect(current.changedAt).to.equal(clock.current);
      expect(audit).to.deep.equal([
        {
          actor: ADMIN,
          action: 'policy.update',
          target: { type: 'policy', id: 'all' },
          reason: 'block high-risk users',
          result: 'ok',
          detail: { version: 2 },
        },
      ]);
      expect((await service.history(5)).map((h) => h.version)).to.deep.equal([2, 1]);
    });

    it('a save over a version the admin did not see is a conflict naming the current one, and changes nothing', async () => {
      const a = await instance();
      const b = await instance();
      const first = edited((p) => (p.signInRisk.blockAt = 'high'));
      expect((await a.service.save({ policies: first, version: 1 }, ADMIN, 'first')).ok).to.equal(true);
      const second = edited((p) => (p.mfaRegistration.mode = 'on'));
      const result = await b.service.save({ policies: second, version: 1 }, OTHER_ADMIN, 'second');
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.error.code).to.equal('versionConflict');
      expect(result.error.message).to.contain('version 2').and.contain('alice');
      expect(result.error.current?.policies).to.deep.equal(first);
      expect((await b.service.current()).policies).to.deep.equal(first);
      expect(audit.map((a) => [a.actor.name, a.result])).to.deep.equal([
        ['alice', 'ok'],
        ['bob', 'refused'],
      ]);
    });

    it('of two instances saving the same version at once exactly one wins', async () => {
      const a = await instance();
      const b = await instance();
      const results = await Promise.all([
        a.service.save(
          { policies: edited((p) => (p.signInRisk.mfaAt = 'low')), version: 1 },
          ADMIN,
          'change a',
        ),
        b.service.save(
          { policies: edited((p) => (p.signInRisk.mfaAt = 'high')), version: 1 },
          OTHER_ADMIN,
          'change b',
        ),
      ]);
      expect(results.filter((r) => r.ok)).to.have.length(1);
      expect(results.filter((r) => !r.ok && r.error.code === 'versionConflict')).to.have.length(1);
    });

    it('the saving instance uses its save at once; another instance within the cache time, without a store read per sign-in', async () => {
      const a = await instance();
      const b = await instance();
      expect(await b.service.effective()).to.deep.equal(DEFAULT_POLICIES);
      const stricter = edited((p) => (p.signInRisk.mfaAt = 'low'));
      await a.service.save({ policies: stricter, version: 1 }, ADMIN, 'stricter');
      expect(await a.service.effective()).to.deep.equal(stricter);
      // b read before the save: it keeps its copy until the cache time is up, then reads the new one.
      clock.advance(TTL - 1);
      expect(await b.service.effective()).to.deep.equal(DEFAULT_POLICIES);
      clock.advance(1);
      expect(await b.service.effective()).to.deep.equal(stricter);
      // A cache hit does not touch the store: it still answers with the store closed.
      await b.store.close();
      expect(await b.service.effective()).to.deep.equal(stricter);
      clock.advance(TTL);
      let error: unknown = null;
      await b.service.effective().catch((e: unknown) => (error = e));
      expect(error, 'a miss does read the store').to.be.instanceOf(Error);
    });

    it('an incomplete or out-of-range document is refused with every bad field named', async () => {
      const { service } = await instance();
      const bad = structuredClone(DEFAULT_POLICIES) as unknown as Record<string, Record<string, unknown>>;
      delete bad.signInRisk!.mfaAt;
      bad.userRisk!.mode = 'sometimes';
      bad.mfaRegistration!.graceDays = 31;
      bad.mfaRegistration!.extra = true;
      const result = await service.save({ policies: bad, version: 1 }, ADMIN, 'why');
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.error.code).to.equal('invalidPolicies');
      const fields = result.error.issues.map((i) => i.field);
      expect(fields).to.include.members(['signInRisk.mfaAt', 'userRisk.mode', 'mfaRegistration.graceDays']);
      expect(fields.some((f) => f.startsWith('mfaRegistration'))).to.equal(true);
      expect((await service.current()).version).to.equal(1);
    });

    it('a save without a reason or without a version is refused', async () => {
      const { service } = await instance();
      const noReason = await service.save({ policies: DEFAULT_POLICIES, version: 1 }, ADMIN, '   ');
      expect(!noReason.ok && noReason.error.code).to.equal('invalidRequest');
      const noVersion = await service.save({ policies: DEFAULT_POLICIES, version: '1' }, ADMIN, 'why');
      expect(!noVersion.ok && noVersion.error.code).to.equal('invalidRequest');
      expect((await service.current()).version).to.equal(1);
    });

    it('excluding a user adds them on the latest version, keeps other admins’ changes, and is idempotent', async () => {
      const a = await instance();
      const b = await instance();
      const blocked = edited((p) => (p.userRisk.blockAt = 'high'));
      await a.service.save({ policies: blocked, version: 1 }, ADMIN, 'block');
      const result = await b.service.excludeUser('userRisk', 'user-42', OTHER_ADMIN, 'travelling analyst');
      expect(result.ok).to.equal(true);
      const current = await a.service.current();
      expect(current.version).to.equal(3);
      expect(current.policies.userRisk.blockAt).to.equal('high');
      expect(current.policies.userRisk.scope.excludeUsers).to.deep.equal(['user-42']);
      expect(current.policies.signInRisk.scope.excludeUsers).to.deep.equal([]);
      expect(audit.at(-1)).to.deep.equal({
        actor: OTHER_ADMIN,
        action: 'policy.excludeUser',
        target: { type: 'policy', id: 'userRisk' },
        reason: 'travelling analyst',
        result: 'ok',
        detail: { version: 3, userId: 'user-42' },
      });
      const again = await b.service.excludeUser('userRisk', 'user-42', OTHER_ADMIN, 'again');
      expect(again.ok && again.value.version).to.equal(3);
    });

    it('excluding from an unknown policy, without a reason or without a user is refused', async () => {
      const { service } = await instance();
      const unknown = await service.excludeUser('nope' as 'userRisk', 'u', ADMIN, 'why');
      expect(!unknown.ok && unknown.error.code).to.equal('invalidRequest');
      expect((await service.excludeUser('userRisk', 'u', ADMIN, 'x')).ok).to.equal(false);
      expect((await service.excludeUser('userRisk', ' ', ADMIN, 'why')).ok).to.equal(false);
      expect((await service.current()).version).to.equal(1);
    });

    it('stored documents from earlier versions read with today’s defaults filled in', async () => {
      const { store, service } = await instance();
      const partial = { signInRisk: { mode: 'reportOnly' } };
      await store.policies.savePolicies({
        expectedVersion: 1,
        document: partial,
        changedBy: ADMIN,
        reason: 'older Riskgate',
        changedAt: clock.current,
      });
      expect((await service.current()).policies).to.deep.equal(policiesSchema.parse(partial));
    });
  });
}

describe('policy service', () => {
  let dir = '';
  describeOn(
    () => ({ name: 'SQLite', open: async () => openSqliteStore({ file: path.join(dir, 'rg.sqlite') }) }),
    'SQLite',
  );
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-policies-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('on PostgreSQL', function () {
    let admin: pg.Pool | null = null;
    let schema = '';
    before(async function () {
      admin = await requirePostgres(this);
    });
    after(async () => admin?.end());
    beforeEach(() => {
      schema = randomSchema();
    });
    afterEach(async () => dropSchema(admin, schema));
    describeOn(
      () => ({
        name: 'PostgreSQL',
        open: () => openPostgresStore({ connectionString: POSTGRES_URL, schema, sessionPruneIntervalMs: 0 }),
      }),
      'PostgreSQL',
    );
  });
});
