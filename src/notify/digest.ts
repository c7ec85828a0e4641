/**
 * The admins' weekly digest: risky users, risky sign-ins and detections by type over the week that
 * ended at the configured weekday and hour (UTC). It runs as an offline job (the scheduler's lease
 * makes one instance run it per hour); a claim on the week's end time in the shared store makes sure
 * each week's digest goes out once, however many instances and restarts there are. A digest more than
 * a day late (every instance was down) is skipped rather than sent out of the blue.
 */
import type { UserDirectory } from '../domain/identity.js';
import type { Job } from '../jobs/scheduler.js';
import type { Store } from '../storage/types.js';
import type { Mailer } from './mailer.js';
import type { MailTemplates } from './templates.js';
import { formatTime } from './format.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const LISTED_USERS = 25;

export interface DigestDeps {
  store: Store;
  directory: UserDirectory;
  mailer: Mailer;
  templates: MailTemplates;
  recipients: () => Promise<string[]>;
  weekday: number;
  hourUtc: number;
  appName: string;
}

/** The latest weekday/hour (UTC) at or before `now`. */
export function lastDigestTime(now: number, weekday: number, hourUtc: number): number {
  const today = new Date(now);
  const midnight = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  let at = midnight - ((today.getUTCDay() - weekday + 7) % 7) * DAY + hourUtc * HOUR;
  if (at > now) at -= WEEK;
  return at;
}

export function weeklyDigestJob(deps: DigestDeps): Job {
  return {
    name: 'weeklyDigest',
    intervalMs: HOUR,
    async run(now) {
      const until = lastDigestTime(now, deps.weekday, deps.hourUtc);
      if (now - until >= DAY) return 'not due';
      if (!(await deps.store.counters.claimOnce(`notify:digest:${until}`, WEEK + DAY, now)))
        return 'already sent for this week';
      const to = await deps.recipients();
      if (to.length === 0)
        return 'no recipients (no admin with an email address, no RISKGATE_ALERT_ADDRESSES)';
      const since = until - WEEK;
      const summary = await deps.store.notify.riskSummary(since, until, LISTED_USERS);
      const users = await Promise.all(
        summary.riskyUsers.map(async (user) => ({
          username: (await deps.directory.findById(user.userId))?.username ?? `(user ${user.userId})`,
          level: user.riskLevel,
        })),
      );
      const body = await deps.templates.render('weekly-digest', {
        from: formatTime(since),
        until: formatTime(until),
        users,
        riskyUserCount: summary.riskyUserCount,
        riskySignIns: summary.riskySignIns,
        detectionsByType: summary.detectionsByType,
      });
      deps.mailer.send({ kind: 'weeklyDigest', to, subject: `${deps.appName}: weekly risk digest`, ...body });
      return `weekly digest (${summary.riskyUserCount} risky users, ${summary.riskySignIns} risky sign-ins) to ${to.length} recipient(s)`;
    },
  };
}
