/**
 * Notifications, wired once per Riskgate: the mailer, the admins' risk alerts and weekly digest, the
 * users' notices and the "This wasn't me" links. The hooks elsewhere are one line each: RiskService
 * listeners, FlowService's onSignedIn, and calls to `users` where passwords and MFA change.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { RiskgateConfig } from '../config/options.js';
import type { Keys } from '../crypto/keys.js';
import type { UserDirectory } from '../domain/identity.js';
import type { Job } from '../jobs/scheduler.js';
import type { RiskService } from '../remediation/riskService.js';
import type { Store } from '../storage/types.js';
import { Mailer } from './mailer.js';
import { createMailTransport } from './transport.js';
import { MailTemplates } from './templates.js';
import { adminRecipients } from './recipients.js';
import { RiskAlerts } from './riskAlerts.js';
import { weeklyDigestJob } from './digest.js';
import { NotMeLinks } from './notMeLinks.js';
import { UserNotices } from './userNotices.js';

export type { MfaChange, PasswordChange } from './userNotices.js';

export interface NotificationDeps {
  config: RiskgateConfig;
  store: Store;
  directory: UserDirectory;
  risk: RiskService;
  keys: Keys;
  viewsDir: string;
  register: Registry;
  logger: Logger;
  holder: string;
  revokeSessions: (userId: string) => Promise<unknown>;
  now: () => number;
}

export interface Notifications {
  mailer: Mailer;
  alerts: RiskAlerts;
  users: UserNotices;
  notMe: NotMeLinks;
  jobs: Job[];
  start(): void;
  close(): Promise<void>;
}

const DEV_PUBLIC_URL = 'http://127.0.0.1:3000';

export function createNotifications(deps: NotificationDeps): Notifications {
  const { config, store, directory, logger, now } = deps;
  const { mail } = config;
  const transport = createMailTransport(config);
  const mailer = new Mailer(
    transport,
    {
      from: mail.from,
      appName: config.appName,
      maxAttempts: mail.maxAttempts,
      retryDelayMs: mail.retryDelayMs,
    },
    logger,
    deps.register,
  );
  if (!mail.smtp)
    logger.info(
      { event: 'mail', to: transport.description },
      'no SMTP host set: mails are written to a folder',
    );
  const templates = new MailTemplates(deps.viewsDir, config.appName);
  const recipients = () => adminRecipients(store.users, mail.adminAddresses);
  const alerts = new RiskAlerts({
    store,
    directory,
    mailer,
    templates,
    recipients,
    level: mail.alertLevel,
    windowMs: mail.alertWindowMinutes * 60_000,
    holder: deps.holder,
    appName: config.appName,
    logger,
    now,
  });
  deps.risk.onRiskChange(alerts.onRiskChange);
  const notMe = new NotMeLinks({
    keys: deps.keys,
    store,
    risk: deps.risk,
    revokeSessions: deps.revokeSessions,
    ttlMs: mail.notMeLinkHours * 3_600_000,
    now,
  });
  const users = new UserNotices({
    store,
    directory,
    mailer,
    templates,
    links: notMe,
    pagesUrl: `${config.publicUrl ?? DEV_PUBLIC_URL}${config.basePath}`,
    appName: config.appName,
    enabled: mail.userNotices,
    now,
  });
  const digest = weeklyDigestJob({
    store,
    directory,
    mailer,
    templates,
    recipients,
    weekday: mail.digest.weekday,
    hourUtc: mail.digest.hourUtc,
    appName: config.appName,
  });
  return {
    mailer,
    alerts,
    users,
    notMe,
    jobs: mail.digest.enabled ? [digest] : [],
    start: () => alerts.start(),
    async close() {
      alerts.stop();
      await mailer.close();
    },
  };
}
