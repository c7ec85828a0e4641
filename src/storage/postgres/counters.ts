/**
 * Fixed-window counters (throttling, lockout) and consume-once claims. Each operation, and each batch, is
 * one SQL statement, so a limit holds even when several server instances share the database.
 */
import type { CounterStore } from '../types.js';
import { checkCounterBatch } from '../counterBatch.js';
import { changed, type Pool } from './util.js';

/** Expired rows are swept every this many writes, so keys that are never seen again do not pile up. */
const SWEEP_EVERY = 500;

// A window starts at the first increment after the previous one expired. In DO UPDATE the table name
// refers to the old row, so both CASEs test the same old expires_at. Concurrent first increments of a
// new key are safe: ON CONFLICT turns the losing inserts into updates of the winner's row.
const INCREMENT = `INSERT INTO counters (key, count, expires_at) VALUES ($1, 1, $3)
  ON CONFLICT (key) DO UPDATE SET
    count      = CASE WHEN counters.expires_at <= $2 THEN 1 ELSE counters.count + 1 END,
    expires_at = CASE WHEN counters.expires_at <= $2 THEN EXCLUDED.expires_at ELSE counters.expires_at END
  RETURNING count`;

// Inserts a new claim or takes over an expired one; a live claim makes the WHERE false, so no row comes back.
const CLAIM = `INSERT INTO claims (key, expires_at) VALUES ($1, $3)
  ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE claims.expires_at <= $2
  RETURNING key`;

// A whole batch in one statement. Data-modifying CTEs and the final SELECT all run on the snapshot
// taken at the start of the statement, so every `count` sees the counters before the batch; the
// upsert's RETURNING gives the new counts. One write per key (checked before) keeps any row from
// being hit twice. Increments are sorted so concurrent batches lock rows in the same order.
const APPLY = `WITH ops AS (
    SELECT o.op, o.key, o.expires_at, o.ord
      FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS o (op, key, expires_at, ord)
  ), incremented AS (
    INSERT INTO counters (key, count, expires_at)
      SELECT key, 1, expires_at FROM ops WHERE op = 'increment' ORDER BY key
    ON CONFLICT (key) DO UPDATE SET
      count      = CASE WHEN counters.expires_at <= $4 THEN 1 ELSE counters.count + 1 END,
      expires_at = CASE WHEN counters.expires_at <= $4 THEN EXCLUDED.expires_at ELSE counters.expires_at END
    RETURNING key, count
  ), removed AS (
    DELETE FROM counters WHERE key IN (SELECT key FROM ops WHERE op = 'reset')
  )
  SELECT CASE ops.op WHEN 'increment' THEN incremented.count WHEN 'count' THEN COALESCE(before.count, 0)
         ELSE 0 END AS value
    FROM ops
    LEFT JOIN incremented ON ops.op = 'increment' AND incremented.key = ops.key
    LEFT JOIN counters before ON ops.op = 'count' AND before.key = ops.key AND before.expires_at > $4
   ORDER BY ops.ord`;

export function createCounterStore(pool: Pool): CounterStore {
  // Per instance: with several instances the sweeps are just more frequent overall, which is harmless.
  let writes = 0;
  const maybeSweep = async (now: number): Promise<void> => {
    writes += 1;
    if (writes % SWEEP_EVERY !== 0) return;
    try {
      await pool.query(`DELETE FROM counters WHERE expires_at <= $1`, [now]);
      await pool.query(`DELETE FROM claims WHERE expires_at <= $1`, [now]);
    } catch {
      // Housekeeping only (two instances sweeping at once may even deadlock): never fail the request
      // that happened to trigger it; the next sweep picks up what this one left.
    }
  };

  return {
    async increment(key, windowMs, now) {
      await maybeSweep(now);
      const { rows } = await pool.query<{ count: number }>(INCREMENT, [key, now, now + windowMs]);
      return rows[0]!.count;
    },

    async apply(ops, now) {
      checkCounterBatch(ops);
      if (ops.length === 0) return [];
      if (ops.some((op) => op.op === 'increment')) await maybeSweep(now);
      const { rows } = await pool.query<{ value: number }>(APPLY, [
        ops.map((op) => op.op),
        ops.map((op) => op.key),
        ops.map((op) => (op.op === 'increment' ? now + op.windowMs : 0)),
        now,
      ]);
      return rows.map((row) => row.value);
    },

    async count(key, now) {
      const { rows } = await pool.query<{ count: number }>(
        `SELECT count FROM counters WHERE key = $1 AND expires_at > $2`,
        [key, now],
      );
      return rows[0]?.count ?? 0;
    },

    async reset(key) {
      await pool.query(`DELETE FROM counters WHERE key = $1`, [key]);
    },

    async claimOnce(key, ttlMs, now) {
      await maybeSweep(now);
      return changed(await pool.query(CLAIM, [key, now, now + ttlMs])) === 1;
    },
  };
}
