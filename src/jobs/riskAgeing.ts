/** Low detections age out (default 180 days): closed by the system, then user risk is recomputed. */
import type { Store } from '../storage/types.js';
import type { RiskService } from '../remediation/riskService.js';
import type { Job } from './scheduler.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export function riskAgeingJob(
  store: Store,
  risk: RiskService,
  lowAfterDays: number,
  intervalMs: number,
): Job {
  return {
    name: 'riskAgeing',
    intervalMs,
    async run(now) {
      const users = await store.detections.ageDetections('low', now - lowAfterDays * DAY_MS, now);
      for (const userId of users)
        await risk.recomputeUserRisk(userId, now, { kind: 'system', job: 'riskAgeing' });
      return `closed low detections older than ${lowAfterDays} days for ${users.length} user(s)`;
    },
  };
}
