/** Leases and the job run log. One UPSERT takes a lease only when it is free or expired. */
import type { JobRun, JobStore } from '../types.js';
import type { Db } from './util.js';

export function createJobStore(db: Db): JobStore {
  const acquire = db.prepare<[string, string, number, number]>(
    `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
     WHERE leases.expires_at <= ?`,
  );
  const record = db.prepare<[string, string, number, string]>(
    'INSERT INTO job_runs (job, holder, at, summary) VALUES (?, ?, ?, ?)',
  );
  const runs = db.prepare<[string, number], JobRun>(
    'SELECT job, holder, at, summary FROM job_runs WHERE job = ? ORDER BY seq DESC LIMIT ?',
  );
  return {
    async tryAcquireLease(name, holder, ttlMs, now) {
      return acquire.run(name, holder, now + ttlMs, now).changes === 1;
    },
    async recordJobRun(run) {
      record.run(run.job, run.holder, run.at, run.summary);
    },
    async jobRuns(job, limit) {
      return runs.all(job, limit);
    },
  };
}
