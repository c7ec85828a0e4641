/** The public shape of Riskgate: the options createRiskgate() takes and what it returns. */
import type { Request, RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import type { RiskgateConfig, RiskgateConfigInput } from './config/options.js';
import type { DirectoryUser, UserDirectory } from './domain/identity.js';
import type { Store } from './storage/types.js';
import type { Metrics } from './ops/metrics.js';
import type { JobScheduler } from './jobs/scheduler.js';
import type { MfaChange, PasswordChange } from './notify/index.js';
import type { EvaluatedSignIn, SignInAttempt } from './signin/pipeline.js';
import type { PolicyService } from './policy/service/service.js';
import type { AdminPlugins } from './admin/types.js';
import type { AdminServices } from './admin/index.js';

export interface RiskgateOptions extends RiskgateConfigInput {
  /** Storage backend; defaults to SQLite in `dataDir`. */
  store?: Store;
  /** The app's own users; defaults to Riskgate's built-in directory in the store. */
  directory?: UserDirectory;
  /** Clock in ms (tests and simulations); defaults to Date.now. */
  now?: () => number;
  logger?: Logger;
  /** Folder of EJS views to use instead of Riskgate's own (copy and adapt them). */
  viewsDir?: string;
  /** Extra admin console pages, API routes and navigation (see src/admin/types.ts). */
  adminPlugins?: AdminPlugins;
}

export interface Riskgate {
  /** Sign-in and recovery pages under `basePath`. Mount after `session`. */
  router: Router;
  /** /healthz, /readyz and /metrics: mount before `requestLogging` and `session`. */
  operations: Router;
  /** Request ids on every log line (X-Request-Id) and HTTP latency metrics: mount before `session`. */
  requestLogging: RequestHandler;
  metrics: Metrics;
  logger: Logger;
  /** The express-session middleware backed by Riskgate's store (sessions revocable per user). */
  session: RequestHandler;
  /** Protects app routes: signed-in users pass, others go to sign-in and come back. */
  requireAuth: RequestHandler;
  /**
   * The admin console and its JSON API (`/api/v1`): mount after `session`, e.g.
   * `app.use('/admin', riskgate.admin)`. Admins only, MFA in every session; the API takes bearer tokens.
   */
  admin: Router;
  /** The services behind the console and API (audit log, API tokens, admin actions, reports). */
  adminServices: AdminServices;
  store: Store;
  directory: UserDirectory;
  config: RiskgateConfig;
  /** The CSRF token to put in the app's own forms that post to Riskgate (e.g. sign-out). */
  csrfToken(req: Request): string;
  /** Signs a user out everywhere (all sessions in the store). */
  revokeSessions(userId: string): Promise<number>;
  /**
   * The evaluation behind the pages, for apps with their own primary authentication and for
   * simulations: assess a sign-in whose password was already verified, then record that it got in.
   */
  engine: {
    assessAuthenticated(
      user: DirectoryUser,
      attempt: Omit<SignInAttempt, 'username'>,
    ): Promise<EvaluatedSignIn>;
    /** The sign-in got in (allowed, or its MFA challenge passed): remediates its risk and learns from it. */
    completeSignIn(evaluated: EvaluatedSignIn, how: { mfaPassed: boolean }): Promise<void>;
  };
  /** The three policies in the store: read, validate, save (versioned, audited), exclude a user. */
  policies: PolicyService;
  /** The offline-job scheduler (risk ageing); `runDue()` runs what is due now. */
  jobs: JobScheduler;
  /**
   * Mails (see README "Notifications"). Apps that change passwords or authenticators outside
   * Riskgate's pages call passwordChanged / mfaChanged so the owner hears of it. settled() resolves
   * once every queued mail has been sent or given up; flushRiskAlerts() sends held-back admin alerts
   * whose window is over (a timer does it every minute when jobs are enabled).
   */
  notifications: {
    passwordChanged(userId: string, how: PasswordChange): void;
    mfaChanged(userId: string, change: MfaChange): void;
    flushRiskAlerts(): Promise<boolean>;
    settled(): Promise<void>;
  };
  /** Manual remediation: a temporary password (returned once), or a required reset for users with MFA. */
  remediation: {
    issueTemporaryPassword(userId: string): Promise<string>;
    requirePasswordReset(userId: string): Promise<void>;
    /** Feedback on a sign-in: safe (its detections were false positives; the model learns it) ... */
    confirmSignInSafe(signInId: string): Promise<void>;
    /** ... or compromised (user risk high; nothing learned). */
    confirmSignInCompromised(signInId: string): Promise<void>;
  };
  close(): Promise<void>;
}
