/** Failed attempts by password fingerprint: the raw material of password-spray detection. */
import type { AttemptStore, SprayCandidate } from '../types.js';
import type { Db } from './util.js';

export function createAttemptStore(db: Db): AttemptStore {
  const insert = db.prepare<[string, string, string, number]>(
    'INSERT INTO failed_attempts (fingerprint, username, ip, at) VALUES (?, ?, ?, ?)',
  );
  const candidates = db.prepare<[number, number], { fingerprint: string; accounts: number; ips: string }>(
    `SELECT fingerprint, COUNT(DISTINCT username) AS accounts, json_group_array(DISTINCT ip) AS ips
     FROM failed_attempts WHERE at >= ? GROUP BY fingerprint HAVING COUNT(DISTINCT username) >= ?
     ORDER BY accounts DESC`,
  );
  const prune = db.prepare<[number]>('DELETE FROM failed_attempts WHERE at < ?');
  return {
    async recordFailedAttempt({ fingerprint, username, ip, at }) {
      insert.run(fingerprint, username, ip, at);
    },
    async sprayCandidates(since, minAccounts): Promise<SprayCandidate[]> {
      return candidates.all(since, minAccounts).map((row) => ({
        fingerprint: row.fingerprint,
        accounts: row.accounts,
        ips: (JSON.parse(row.ips) as string[]).sort(),
      }));
    },
    async pruneAttempts(before) {
      return prune.run(before).changes;
    },
  };
}
