/**
 * A throw-away PostgreSQL schema for one test. Without a reachable server a suite skips loudly on a
 * workstation and fails in CI, so CI can never pass by not testing.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL =
  process.env.RISKGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function requirePostgres(context: Mocha.Context): Promise<pg.Pool | null> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2, connectionTimeoutMillis: 3000 });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
    return pool;
  } catch (error) {
    await pool.end();
    const reason = `cannot reach ${POSTGRES_URL}: ${(error as Error).message}`;
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL is required in CI; ${reason}`, { cause: error });
    console.warn(`\n!!! SKIPPING PostgreSQL tests: ${reason}\n`);
    context.skip();
    return null;
  }
}

export function randomSchema(): string {
  return `rg_test_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(admin: pg.Pool | null, schema: string): Promise<void> {
  await admin?.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
}
