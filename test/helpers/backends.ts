/** Runs a suite once per storage backend, each test on a fresh store (temp SQLite file, PostgreSQL schema, Redis prefix). */
import pg from 'pg';
import { startRiskgate, type TestRiskgate } from './riskgate.js';
import { POSTGRES_URL, dropSchema, randomSchema, requirePostgres } from './postgres.js';
import { openPostgresStore } from '../../src/storage/postgres/index.js';
import type { RiskgateOptions } from '../../src/riskgate.js';
import { withRedis } from '../../src/storage/open.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import type { Store } from '../../src/storage/types.js';
import { openRedisParts } from '../../src/storage/redis/index.js';
import {
  REDIS_URL,
  closeAdmin,
  deletePrefix,
  randomPrefix,
  requireRedis,
  type RedisClient,
} from './redis.js';

export type Backend = 'SQLite' | 'PostgreSQL' | 'PostgreSQL + Redis';
export const BACKENDS: Backend[] = ['SQLite', 'PostgreSQL', 'PostgreSQL + Redis'];

export function describeOnEveryBackend(
  title: string,
  options: RiskgateOptions,
  body: (rg: () => TestRiskgate) => void,
  /** Sees (and may wrap) the real store before Riskgate gets it, e.g. to count calls. */
  wrap?: (store: Store) => Store,
): void {
  for (const backend of BACKENDS) {
    describe(`${title} (${backend})`, function () {
      let admin: pg.Pool | null = null;
      let schema = '';
      let current: TestRiskgate | null = null;
      let redisAdmin: RedisClient | null = null;
      let prefix = '';
      before(async function () {
        if (backend !== 'SQLite') admin = await requirePostgres(this);
        if (backend === 'PostgreSQL + Redis') redisAdmin = await requireRedis(this);
      });
      after(async () => {
        await admin?.end();
        await closeAdmin(redisAdmin);
      });
      beforeEach(async () => {
        if (backend === 'SQLite') {
          current = await startRiskgate(
            wrap ? { ...options, store: wrap(openSqliteStore({ file: ':memory:' })) } : options,
          );
          return;
        }
        schema = randomSchema();
        const sql = await openPostgresStore({ connectionString: POSTGRES_URL, schema });
        if (backend === 'PostgreSQL') {
          current = await startRiskgate({ ...options, store: wrap ? wrap(sql) : sql });
          return;
        }
        prefix = randomPrefix();
        current = await startRiskgate({
          ...options,
          store: (wrap ?? ((store: Store) => store))(
            withRedis(sql, await openRedisParts({ url: REDIS_URL, prefix })),
          ),
        });
      });
      afterEach(async () => {
        await current?.close();
        current = null;
        if (backend !== 'SQLite') await dropSchema(admin, schema);
        if (backend === 'PostgreSQL + Redis') await deletePrefix(redisAdmin, prefix);
      });
      body(() => current!);
    });
  }
}
