/**
 * The storage contract against a real PostgreSQL. Each test gets its own schema, dropped afterwards,
 * so tests stay independent and leave the database as they found it.
 *
 * RISKGATE_TEST_POSTGRES_URL picks the server (default: the local trust-auth one). Without a server
 * the suite skips loudly on a workstation and fails in CI, so a CI run can never pass by not testing.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore, MIGRATIONS } from '../../src/storage/postgres/index.js';
import type { Store } from '../../src/storage/types.js';
import { describeStoreContract } from './contract.js';
import { POSTGRES_URL, requirePostgres } from '../helpers/postgres.js';

const URL = POSTGRES_URL;

describe('PostgreSQL store', function () {
  let admin: pg.Pool | undefined;
  // Schemas created by the current test; afterEach drops them once the stores are closed.
  let schemas: string[] = [];

  const freshSchema = (): string => {
    const schema = `rg_test_${randomBytes(6).toString('hex')}`;
    schemas.push(schema);
    return schema;
  };
  const open = (schema: string): Promise<Store> =>
    openPostgresStore({ connectionString: URL, schema, sessionPruneIntervalMs: 0 });
  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> =>
    (await admin!.query<R>(sql, params)).rows;

  before(async function () {
    admin = (await requirePostgres(this)) ?? undefined;
  });

  after(async () => {
    await admin?.end();
  });

  beforeEach(() => {
    schemas = [];
  });

  // Runs after the contract's own afterEach (inner hooks first), so the store is closed by now.
  afterEach(async () => {
    for (const schema of schemas)
      await admin?.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  });

  describeStoreContract('PostgreSQL', () => open(freshSchema()));

  it('re-running migrations changes nothing and data survives reopening', async () => {
    const schema = freshSchema();
    const first = await open(schema);
    const user = await first.users.createUser({
      username: 'alice',
      email: null,
      groups: ['a', 'b,c', 'quote"d'],
      roles: [],
      passwordHash: 'h',
      createdAt: 1,
    });
    await first.identities.advanceTotpStep(user.id, 42);
    await first.counters.increment('k', 60_000, 1000);
    await first.close();

    const second = await open(schema);
    try {
      expect(await second.users.findUserByUsername('alice')).to.deep.equal(user);
      expect((await second.identities.getIdentity(user.id)).totpLastStep).to.equal(42);
      expect(await second.counters.count('k', 1000)).to.equal(1);
    } finally {
      await second.close();
    }
    const versions = await query<{ version: number }>(
      `SELECT version FROM ${pg.escapeIdentifier(schema)}.riskgate_migrations ORDER BY version`,
    );
    expect(versions.map((v) => v.version)).to.deep.equal(MIGRATIONS.map((_, i) => i + 1));
  });

  it('instances starting at once on a fresh schema both come up (advisory lock) and share limits', async () => {
    const schema = freshSchema();
    const stores = await Promise.all([open(schema), open(schema), open(schema)]);
    try {
      const claims = await Promise.all(
        Array.from({ length: 30 }, (_, i) => stores[i % stores.length]!.counters.claimOnce('c', 60_000, 0)),
      );
      expect(claims.filter(Boolean)).to.have.length(1);
      await stores[0]!.identities.replaceRecoveryCodes('u', ['h1']);
      const uses = await Promise.all(stores.map((s) => s.identities.consumeRecoveryCode('u', 'h1')));
      expect(uses.filter(Boolean)).to.have.length(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const [row] = await query<{ n: string }>(
      `SELECT count(*) AS n FROM ${pg.escapeIdentifier(schema)}.riskgate_migrations`,
    );
    expect(Number(row!.n)).to.equal(MIGRATIONS.length);
  });

  it('a schema from a newer Riskgate is refused rather than misread', async () => {
    const schema = freshSchema();
    await (await open(schema)).close();
    await query(`INSERT INTO ${pg.escapeIdentifier(schema)}.riskgate_migrations VALUES ($1, now())`, [
      MIGRATIONS.length + 1,
    ]);
    let caught: unknown;
    try {
      await (await open(schema)).close();
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(Error);
    expect((caught as Error).message).to.match(/newer/);
  });

  it('expired counters and claims are swept so the tables do not grow forever', async () => {
    const schema = freshSchema();
    const store = await open(schema);
    try {
      for (let i = 0; i < 400; i++) await store.counters.increment(`old${i}`, 1000, 0);
      for (let i = 0; i < 99; i++) await store.counters.claimOnce(`claim${i}`, 1000, 0);
      // The 500th write happens long after the others expired.
      await store.counters.increment('fresh', 1000, 10_000);
    } finally {
      await store.close();
    }
    const q = pg.escapeIdentifier(schema);
    expect(await query(`SELECT count(*)::int AS n FROM ${q}.counters`)).to.deep.equal([{ n: 1 }]);
    expect(await query(`SELECT count(*)::int AS n FROM ${q}.claims`)).to.deep.equal([{ n: 0 }]);
  });

  it('a schema name that needs quoting works, and closing twice is safe', async () => {
    const schema = `${freshSchema()}-Odd "Name"`;
    schemas.push(schema);
    const store = await open(schema);
    try {
      await store.users.createUser({
        username: 'bob',
        email: null,
        groups: [],
        roles: [],
        passwordHash: 'h',
        createdAt: 1,
      });
      expect(await store.users.countUsers()).to.equal(1);
      const [found] = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'users'`,
        [schema],
      );
      expect(found!.n).to.equal(1);
    } finally {
      await store.close();
      await store.close();
    }
  });
});
