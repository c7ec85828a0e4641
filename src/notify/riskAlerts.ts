/**
 * "Users at risk detected" for admins. A user whose risk rises to the alert level is queued in the
 * store; a mail goes out when the instance that queued it (or any instance's timer) takes the alert
 * lease. The lease lasts one window and is shared by every instance, so at most one mail goes out per
 * window, listing everyone who reached the level since the last one. Queue entries are taken
 * atomically, so no user is listed twice and none is lost between instances.
 */
import type { Logger } from 'pino';
import { levelRank, reaches, type DetectionLevel } from '../domain/risk.js';
import type { UserDirectory } from '../domain/identity.js';
import type { RiskChange } from '../remediation/riskService.js';
import type { RiskAlert, Store } from '../storage/types.js';
import type { Mailer } from './mailer.js';
import type { MailTemplates } from './templates.js';
import { formatTime } from './format.js';

const LEASE = 'notify:riskAlert';
/** More than this many users in one window are mailed in the next one (the mail stays readable). */
const MAX_PER_MAIL = 200;
const TIMER_MS = 60_000;

export interface RiskAlertDeps {
  store: Store;
  directory: UserDirectory;
  mailer: Mailer;
  templates: MailTemplates;
  recipients: () => Promise<string[]>;
  level: DetectionLevel | 'off';
  windowMs: number;
  holder: string;
  appName: string;
  logger: Logger;
  now: () => number;
}

export class RiskAlerts {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: RiskAlertDeps) {}

  /** The RiskService listener: queues users crossing the level upwards, then tries to send. */
  readonly onRiskChange = (change: RiskChange): void => {
    const { level } = this.deps;
    if (level === 'off' || !reaches(change.after.riskLevel, level) || reaches(change.before.riskLevel, level))
      return;
    const alert: RiskAlert = {
      userId: change.userId,
      level: change.after.riskLevel as DetectionLevel,
      at: change.at,
    };
    this.deps.mailer.track(
      (async () => {
        await this.deps.store.notify.queueRiskAlert(alert);
        await this.flush();
      })(),
    );
  };

  /** Sends the pending alerts if this window's mail has not gone yet; true when a mail was sent. */
  async flush(): Promise<boolean> {
    const { store, now } = this.deps;
    if ((await store.notify.countRiskAlerts()) === 0) return false;
    if (!(await store.jobs.tryAcquireLease(LEASE, this.deps.holder, this.deps.windowMs, now()))) return false;
    const alerts = await store.notify.takeRiskAlerts(MAX_PER_MAIL);
    if (alerts.length === 0) return false;
    const to = await this.deps.recipients();
    if (to.length === 0) {
      this.deps.logger.warn(
        { event: 'mail', kind: 'riskAlert', users: alerts.length },
        'users at risk detected, but no admin has an email address and RISKGATE_ALERT_ADDRESSES is empty',
      );
      return false;
    }
    const users = await this.describe(alerts);
    const body = await this.deps.templates.render('risk-alert', { users, level: this.deps.level });
    this.deps.mailer.send({
      kind: 'riskAlert',
      to,
      subject: `${this.deps.appName}: ${users.length} user${users.length === 1 ? '' : 's'} at risk detected`,
      ...body,
    });
    return true;
  }

  /** One line per user (highest level reached in the window), in the order they reached it. */
  private async describe(alerts: RiskAlert[]) {
    const byUser = new Map<string, RiskAlert>();
    for (const alert of alerts) {
      const seen = byUser.get(alert.userId);
      if (!seen || levelRank(alert.level) > levelRank(seen.level))
        byUser.set(alert.userId, { ...alert, at: seen?.at ?? alert.at });
    }
    return Promise.all(
      [...byUser.values()].map(async (alert) => ({
        username: (await this.deps.directory.findById(alert.userId))?.username ?? `(user ${alert.userId})`,
        level: alert.level,
        at: formatTime(alert.at),
      })),
    );
  }

  /** Sends what the previous window held back, once the window is over; never keeps the process alive. */
  start(): void {
    const every = Math.min(this.deps.windowMs, TIMER_MS);
    this.timer = setInterval(() => this.deps.mailer.track(this.flush().then(() => undefined)), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
