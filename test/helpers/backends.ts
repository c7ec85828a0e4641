/** Runs a suite once per storage backend, each test on a fresh store (temp SQLite file or PostgreSQL schema). */
import pg from 'pg';
import { startRiskgate, type TestRiskgate } from './riskgate.js';
import { POSTGRES_URL, dropSchema, randomSchema, requirePostgres } from './postgres.js';
import { openPostgresStore } from '../../src/storage/postgres/index.js';
import type { RiskgateOptions } from '../../src/riskgate.js';

export type Backend = 'SQLite' | 'PostgreSQL';
export const BACKENDS: Backend[] = ['SQLite', 'PostgreSQL'];

export function describeOnEveryBackend(
  title: string,
  options: RiskgateOptions,
  body: (rg: () => TestRiskgate) => void,
): void {
  for (const backend of BACKENDS) {
    describe(`${title} (${backend})`, function () {
      let admin: pg.Pool | null = null;
      let schema = '';
      let current: TestRiskgate | null = null;
      before(async function () {
        if (backend === 'PostgreSQL') admin = await requirePostgres(this);
      });
      after(async () => {
        await admin?.end();
      });
      beforeEach(async () => {
        if (backend === 'SQLite') {
          current = await startRiskgate(options);
          return;
        }
        schema = randomSchema();
        current = await startRiskgate({
          ...options,
          store: await openPostgresStore({ connectionString: POSTGRES_URL, schema }),
        });
      });
      afterEach(async () => {
        await current?.close();
        current = null;
        if (backend === 'PostgreSQL') await dropSchema(admin, schema);
      });
      body(() => current!);
    });
  }
}
