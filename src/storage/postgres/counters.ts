/**
 * Fixed-window counters (throttling, lockout) and consume-once claims. Each operation is one SQL
 * statement, so a limit holds even when several server instances share the database.
 */
import type { CounterStore } from '../types.js';
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
