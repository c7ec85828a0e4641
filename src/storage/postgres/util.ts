/**
 * Small helpers shared by the PostgreSQL sub-stores.
 *
 * BIGINT (int8) columns come back from `pg` as strings, because not every int8 fits in a JS number.
 * Riskgate only stores millisecond timestamps and small counts there, which do, so each mapper converts
 * with Number rather than installing a process-wide type parser that would also change other pools.
 */
import type pg from 'pg';

export type Pool = pg.Pool;

/** A pool or one connection of it (inside withTransaction): what a statement needs to run. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

export function num(value: string | number): number {
  return Number(value);
}

export function numOrNull(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

/** rowCount is null only for commands that affect no rows by nature (e.g. LISTEN); treat that as 0. */
export function changed(result: pg.QueryResult): number {
  return result.rowCount ?? 0;
}

/**
 * Runs `work` in one transaction on one pooled connection. A client whose ROLLBACK failed is
 * discarded (release(error)) rather than handed to the next caller mid-transaction.
 */
export async function withTransaction<T>(
  pool: Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
