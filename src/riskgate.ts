/**
 * createRiskgate(options): everything an Express app needs to put risk-based protection in front of
 * its sign-in. Wiring only: each piece lives in its own module.
 */
import { STATIC_DIR, VENDOR_SCRIPTS, VIEWS_DIR } from './paths.js';
import { createLogger, requestLogging } from './ops/logging.js';
import type { Riskgate, RiskgateOptions } from './riskgateApi.js';
export type { Riskgate, RiskgateOptions } from './riskgateApi.js';
import { createMetrics } from './ops/metrics.js';
import { operationsRouter } from './ops/operations.js';
import { parseConfig } from './config/options.js';
import { resolveSecrets } from './config/secrets.js';
import { Keys } from './crypto/keys.js';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openStore } from './storage/open.js';
import { IpFeeds } from './signals/feeds/feeds.js';
import { BreachCorpus } from './signals/breach/corpus.js';
import { inBreachCorpus } from './signals/breach/check.js';
import { SignInActivity } from './signin/activity.js';
import { BuiltinDirectory } from './auth/builtinDirectory.js';
import { createPrimaryAuthenticator } from './auth/strategy.js';
import { GeoIp } from './signals/geo.js';
import { AsnDatabase } from './signals/asn.js';
import { compileTrustProxy } from './signals/clientIp.js';
import { realtimeDetectors } from './risk/detectors/index.js';
import { RiskService } from './remediation/riskService.js';
import { Totp } from './mfa/totp.js';
import { RecoveryCodes } from './mfa/recoveryCodes.js';
import { SecondFactor } from './mfa/secondFactor.js';
import { reportTotpReuse } from './mfa/reuseReport.js';
import { SignInLimits } from './signin/limits.js';
import { SignInPipeline } from './signin/pipeline.js';
import { NOTHING_SATISFIED } from './policy/evaluate.js';
import { FlowService } from './flows/service.js';
import { issueTemporaryPassword, requirePasswordReset } from './remediation/passwordActions.js';
import { PasswordResets } from './remediation/passwordReset.js';
import { JobScheduler } from './jobs/scheduler.js';
import { defaultJobs } from './jobs/index.js';
import { PasswordSprayWatch } from './jobs/passwordSpray.js';
import { createSessionMiddleware } from './web/session.js';
import { sessionEnd } from './web/sessionLifetime.js';
import { createCsrf } from './web/security.js';
import { createRenderer } from './web/render.js';
import { createRouter } from './web/router.js';
import { renderUnavailable } from './web/errors.js';
import { createRequireAuth } from './web/requireAuth.js';
import { PolicyService } from './policy/service/service.js';
import { withPolicyPages } from './admin/policies/index.js';
import { createAdmin } from './admin/index.js';
import { createNotifications } from './notify/index.js';
import type { AccountNotices } from './notify/userNotices.js';

export async function createRiskgate(options: RiskgateOptions = {}): Promise<Riskgate> {
  const {
    store: givenStore,
    directory: givenDirectory,
    now = Date.now,
    logger: givenLogger,
    viewsDir,
    adminPlugins = {},
    ...rest
  } = options;
  const config = parseConfig(rest);
  const logger = givenLogger ?? createLogger(config.logLevel);
  const metrics = createMetrics();
  const secrets = resolveSecrets(config);
  const keys = new Keys(secrets.masterKey);
  const store = givenStore ?? (await openStore(config));
  const directory = givenDirectory ?? new BuiltinDirectory(store.users, store.evaluation);
  const location = config.geo === false ? GeoIp.empty() : await GeoIp.open(config.geo);
  const geo = config.asnDatabase
    ? location.withNetworks(await AsnDatabase.open(config.asnDatabase))
    : location;
  const trust = compileTrustProxy(config.trustProxy);
  const cookieSecure = config.cookieSecure === 'auto' ? config.production : config.cookieSecure;
  // The configured policies are first-start defaults; the stored ones rule from then on.
  const policyService = new PolicyService({
    store,
    directory,
    defaults: config.policies,
    cacheTtlMs: config.policyCacheSeconds * 1000,
    now,
    logger,
  });
  await policyService.start();
  const policies = () => policyService.effective();

  const feeds = await IpFeeds.load(config.feedsDir ?? path.join(config.dataDir, 'feeds'));
  const breach = config.breachCorpus ? await BreachCorpus.open(config.breachCorpus) : null;
  const breached = (password: string) => inBreachCorpus(breach, logger, password);
  const risk = new RiskService(store);
  const revokeSessions = (userId: string) => store.sessions.destroyUserSessions(userId);
  const notifications = createNotifications({
    config,
    store,
    directory,
    risk,
    keys,
    viewsDir: viewsDir ?? VIEWS_DIR,
    register: metrics.register,
    logger,
    holder: randomUUID(),
    revokeSessions,
    now,
  });
  const spray = PasswordSprayWatch.fromConfig(store, keys, config);
  const totp = new Totp(keys, store.identities, config.mfa.issuer ?? config.appName);
  const recoveryCodes = new RecoveryCodes(keys, store.identities);
  // A reused TOTP code (ASVS 2.8.5): refused by Totp; logged, recorded and mailed by reportTotpReuse.
  const secondFactor = new SecondFactor(
    totp,
    recoveryCodes,
    reportTotpReuse({ logger, risk, notifyOwner: (userId) => notifications.users.codeReused(userId) }),
  );
  const flows = new FlowService({
    store,
    policies,
    flowTtlMs: config.flowTtlMinutes * 60_000,
    now,
    onOutcome: (kind, outcome) => metrics.countFlowOutcome(kind, outcome),
    onSignedIn: notifications.users.signedIn,
  });
  const pipeline = new SignInPipeline({
    store,
    directory,
    authenticate: createPrimaryAuthenticator(directory),
    geo,
    detectors: realtimeDetectors(),
    detectionConfig: config.detection,
    risk,
    limits: new SignInLimits(store.counters, keys, config),
    spray,
    activity: new SignInActivity(store.counters, keys, config.throttle.windowSeconds * 1000),
    feeds,
    breach,
    logger,
    policies,
    now,
  });
  const jobs = new JobScheduler(
    store.jobs,
    [...defaultJobs({ store, risk, config, spray, keys, directory }), ...notifications.jobs],
    now,
    logger,
  );
  if (config.jobs.enabled) {
    jobs.start(config.jobs.intervalMinutes * 60_000);
    notifications.start();
  }

  // Any new password (a flow, the account page, an admin's temporary password, the app's own change
  // reported through notifications.passwordChanged) also ends the user's outstanding reset link.
  const notify: AccountNotices = {
    passwordChanged: (userId, how) => {
      notifications.users.passwordChanged(userId, how);
      notifications.mailer.track(passwordResets.endLinks(userId));
    },
    mfaChanged: (userId, change) => notifications.users.mfaChanged(userId, change),
    codeReused: (userId) => notifications.users.codeReused(userId),
    emailCode: (userId, code) => notifications.users.emailCode(userId, code),
  };
  const passwordResets = new PasswordResets({
    store,
    directory,
    risk,
    keys,
    secondFactor,
    notify,
    breached,
    minLength: config.password.minLength,
    settings: {
      ...config.passwordReset,
      maxCodeAttempts: config.mfa.maxAttemptsPerFlow,
      maxFailuresPerUser: config.mfa.maxFailuresPerUser,
      failureWindowSeconds: config.mfa.failureWindowSeconds,
    },
    mailLink: (user, token, minutes) => notifications.users.passwordResetLink(user, token, minutes),
    background: (work) => notifications.mailer.track(work),
    revokeSessions,
    now,
  });

  const csrf = createCsrf();
  const render = createRenderer({
    viewsDir: viewsDir ?? VIEWS_DIR,
    basePath: config.basePath,
    appName: config.appName,
    cache: config.production,
    csrfToken: (req) => csrf.generateToken(req),
  });
  const unavailable = renderUnavailable(render);
  const sessionLifetime = {
    maxAgeMs: config.sessionMaxAgeMinutes * 60_000,
    idleMs: config.sessionIdleMinutes * 60_000,
  };
  const requireAuth = createRequireAuth({
    basePath: config.basePath,
    trust,
    risk,
    logger,
    now,
    cookieSecure,
  });
  const router = createRouter({
    basePath: config.basePath,
    ping: () => store.ping(),
    staticDir: STATIC_DIR,
    vendorScripts: VENDOR_SCRIPTS,
    logger,
    render,
    csrf,
    signIn: {
      metrics,
      revokeSessions,
      defaultReturnTo: config.defaultReturnTo,
      passwordReset: config.passwordReset.enabled,
      cookieSecure,
      trust,
      pipeline,
      flows,
      now,
    },
    flow: {
      flows,
      directory,
      now,
      cookieSecure,
      services: {
        store,
        directory,
        risk,
        totp,
        recoveryCodes,
        secondFactor,
        config,
        notify,
        breached,
        // Other sessions go; the current one is regenerated when the flow completes.
        revokeOtherSessions: async (userId) => void (await revokeSessions(userId)),
      },
    },
    notMe: { links: notifications.notMe },
    passwordReset: {
      trust,
      resets: passwordResets,
      minLength: config.password.minLength,
      enabled: config.passwordReset.enabled,
    },
    account: {
      requireAuth,
      directory,
      sessions: store.sessions,
      sessionList: {
        sessions: store.sessions,
        signIns: store.signIns,
        handleOf: (sid) => keys.hash('session-handle', sid),
        isOver: (session) => sessionEnd(session.riskgate, sessionLifetime, now()) !== null,
      },
      password: {
        store,
        risk,
        notify,
        breached,
        minLength: config.password.minLength,
        maxTries: config.password.maxChangeTries,
        triesWindowMs: config.password.changeTriesWindowSeconds * 1000,
      },
      now,
    },
  });
  const admin = createAdmin({
    store,
    directory,
    keys,
    render,
    csrf,
    requireAuth,
    secondFactor,
    config,
    logger,
    risk,
    policies,
    revokeSessions,
    notify,
    now,
    plugins: withPolicyPages(policyService, adminPlugins),
  });
  policyService.setAudit((actor, input) => admin.services.audit.record(actor, input));

  const httpMetrics = metrics.httpMetrics();
  const logRequests = requestLogging(logger);
  return {
    router,
    operations: operationsRouter({
      ping: () => store.ping(),
      metrics,
      metricsToken: config.metricsToken,
      logger,
    }),
    requestLogging: (req, res, next) => logRequests(req, res, () => httpMetrics(req, res, next)),
    metrics,
    logger,
    session: createSessionMiddleware({
      store: store.sessions,
      trustForwardedProto: config.trustProxy !== false && config.trustProxy !== 0,
      secrets: secrets.sessionSecrets,
      secure: cookieSecure,
      lifetime: sessionLifetime,
      now,
      onEnded: (req, why, userId) =>
        logger.info(
          { event: 'sessionEnded', why, userId, path: req.path },
          'signed-in session outlived its limit: ended',
        ),
      onStoreError: (req, res, error) => {
        logger.warn({ err: error, path: req.path }, 'session store unavailable: failing closed');
        void unavailable(req, res);
      },
    }),
    requireAuth,
    admin: admin.router,
    adminServices: admin.services,
    store,
    directory,
    config,
    csrfToken: (req) => csrf.generateToken(req),
    revokeSessions,
    jobs,
    policies: policyService,
    notifications: {
      passwordChanged: (userId, how) => notify.passwordChanged(userId, how),
      mfaChanged: (userId, change) => notifications.users.mfaChanged(userId, change),
      flushRiskAlerts: () => notifications.alerts.flush(),
      settled: () => notifications.mailer.settled(),
    },
    engine: {
      assessAuthenticated: (user, attempt) => pipeline.assessAuthenticated(user, attempt),
      async completeSignIn(evaluated, { mfaPassed }) {
        if (mfaPassed) await risk.remediateSignIn(evaluated.user.id, evaluated.signInId, now());
        const satisfied = { ...NOTHING_SATISFIED, mfa: mfaPassed };
        const { user, signInId, context, drafts, learned } = evaluated;
        await flows.completeSignIn(
          { user, signInId, satisfied, recorded: { context, drafts, learned } },
          now(),
        );
      },
    },
    remediation: {
      issueTemporaryPassword: (userId) =>
        issueTemporaryPassword({ store, directory, risk, revokeSessions, notify }, userId, now()),
      confirmSignInSafe: (signInId) => risk.confirmSignInSafe(signInId, now()),
      confirmSignInCompromised: (signInId) => risk.confirmSignInCompromised(signInId, now()),
      requirePasswordReset: (userId) =>
        requirePasswordReset({ store, directory, risk, revokeSessions }, userId, now()),
    },
    close: async () => {
      await jobs.stop();
      await notifications.close();
      await breach?.close();
      await store.close();
    },
  };
}
