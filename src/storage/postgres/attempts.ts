/** Failed attempts by password fingerprint: the raw material of password-spray detection. */
import type { AttemptStore } from '../types.js';
import { changed, num, type Pool } from './util.js';

export function createAttemptStore(pool: Pool): AttemptStore {
  return {
    async recordFailedAttempt({ fingerprint, username, ip, at }) {
      await pool.query(
        'INSERT INTO failed_attempts (fingerprint, username, ip, at) VALUES ($1, $2, $3, $4)',
        [fingerprint, username, ip, at],
      );
    },
    async sprayCandidates(since, minAccounts) {
      const { rows } = await pool.query<{ fingerprint: string; accounts: string; ips: string[] }>(
        `SELECT fingerprint, COUNT(DISTINCT username) AS accounts, array_agg(DISTINCT ip ORDER BY ip) AS ips
         FROM failed_attempts WHERE at >= $1 GROUP BY fingerprint HAVING COUNT(DISTINCT username) >= $2
         ORDER BY accounts DESC`,
        [since, minAccounts],
      );
      return rows.map((row) => ({ fingerprint: row.fingerprint, accounts: num(row.accounts), ips: row.ips }));
    },
    async pruneAttempts(before) {
      return changed(await pool.query('DELETE FROM failed_attempts WHERE at < $1', [before]));
    },
  };
}
