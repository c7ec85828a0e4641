/** Leases and the job run log. One UPSERT takes a lease only when it is free or expired. */
import type { JobStore } from '../types.js';
import { num, type Pool } from './util.js';

export function createJobStore(pool: Pool): JobStore {
  return {
    async tryAcquireLease(name, holder, ttlMs, now) {
      const result = await pool.query(
        `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
         WHERE leases.expires_at <= $4`,
        [name, holder, now + ttlMs, now],
      );
      return result.rowCount === 1;
    },
    async recordJobRun(run) {
      await pool.query('INSERT INTO job_runs (job, holder, at, summary) VALUES ($1, $2, $3, $4)', [
        run.job,
        run.holder,
        run.at,
        run.summary,
      ]);
    },
    async jobRuns(job, limit) {
      const { rows } = await pool.query<{ job: string; holder: string; at: string; summary: string }>(
        'SELECT job, holder, at, summary FROM job_runs WHERE job = $1 ORDER BY seq DESC LIMIT $2',
        [job, limit],
      );
      return rows.map((row) => ({ ...row, at: num(row.at) }));
    },
  };
}
