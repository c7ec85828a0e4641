/** Imported leaked pairs, queued until checked. Taking deletes, so a pair is checked exactly once. */
import type { LeakedPair, LeakStore } from '../types.js';
import type { Db } from './util.js';

export function createLeakStore(db: Db): LeakStore {
  const insert = db.prepare<[string, string]>(
    'INSERT INTO leaked_pairs (username, sealed_password) VALUES (?, ?)',
  );
  const take = db.prepare<[number], { id: number; username: string; sealed_password: string }>(
    `DELETE FROM leaked_pairs WHERE id IN (SELECT id FROM leaked_pairs ORDER BY id LIMIT ?)
     RETURNING id, username, sealed_password`,
  );
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM leaked_pairs');
  const queue = db.transaction((pairs: Array<Omit<LeakedPair, 'id'>>) => {
    for (const pair of pairs) insert.run(pair.username, pair.sealedPassword);
    return pairs.length;
  });
  return {
    async queueLeakedPairs(pairs) {
      return queue.immediate(pairs);
    },
    async takeLeakedPairs(limit) {
      return take
        .all(limit)
        .map((row) => ({ id: row.id, username: row.username, sealedPassword: row.sealed_password }))
        .sort((a, b) => a.id - b.id);
    },
    async countLeakedPairs() {
      return count.get()!.n;
    },
  };
}
