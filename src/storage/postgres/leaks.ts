/** Imported leaked pairs, queued until checked. Taking deletes, so a pair is checked exactly once. */
import type { LeakStore } from '../types.js';
import { num, type Pool } from './util.js';

export function createLeakStore(pool: Pool): LeakStore {
  return {
    async queueLeakedPairs(pairs) {
      if (pairs.length === 0) return 0;
      await pool.query(
        'INSERT INTO leaked_pairs (username, sealed_password) SELECT * FROM unnest($1::text[], $2::text[])',
        [pairs.map((p) => p.username), pairs.map((p) => p.sealedPassword)],
      );
      return pairs.length;
    },
    async takeLeakedPairs(limit) {
      // SKIP LOCKED: instances taking at the same time get different pairs instead of waiting.
      const { rows } = await pool.query<{ id: string; username: string; sealed_password: string }>(
        `DELETE FROM leaked_pairs WHERE id IN (
           SELECT id FROM leaked_pairs ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, username, sealed_password`,
        [limit],
      );
      return rows
        .map((row) => ({ id: num(row.id), username: row.username, sealedPassword: row.sealed_password }))
        .sort((a, b) => a.id - b.id);
    },
    async countLeakedPairs() {
      const { rows } = await pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM leaked_pairs');
      return num(rows[0]!.n);
    },
  };
}
