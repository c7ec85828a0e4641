/** Builds the admin side: services (audit log, API tokens) and the console + API router over them. */
import type { Router, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { UserDirectory } from '../domain/identity.js';
import type { Store } from '../storage/types.js';
import type { Keys } from '../crypto/keys.js';
import type { Render } from '../web/render.js';
import type { createCsrf } from '../web/security.js';
import type { SecondFactor } from '../mfa/secondFactor.js';
import type { RiskgateConfig } from '../config/options.js';
import type { RiskService } from '../remediation/riskService.js';
import type { Policies } from '../policy/schema.js';
import { AuditLog } from './audit.js';
import { ApiTokens } from './tokens.js';
import { createAdminRouter } from './router.js';
import { coreConsoleRoutes } from './console/coreRoutes.js';
import { coreApiRoutes } from './api/coreRoutes.js';
import type { AdminPlugins } from './types.js';
import { AdminActions, type AdminActionDeps } from './actions.js';
import { Reports } from './reports.js';
import { listConsoleRoutes } from './console/listPages.js';
import { actionConsoleRoutes } from './console/actionPages.js';
import { riskApiRoutes } from './api/riskRoutes.js';
import { ensureFirstAdmin, type AdminCredentials } from './bootstrap.js';

export type {
  AdminPlugins,
  AdminRouteFactory,
  AdminPluginContext,
  AuditFn,
  PolicyExclusions,
} from './types.js';

export interface AdminDeps {
  store: Store;
  directory: UserDirectory;
  keys: Keys;
  render: Render;
  csrf: ReturnType<typeof createCsrf>;
  requireAuth: RequestHandler;
  secondFactor: SecondFactor;
  config: RiskgateConfig;
  logger: Logger;
  risk: RiskService;
  /** The policies in force (cached; see PolicyService.effective). */
  policies: () => Promise<Policies>;
  revokeSessions: (userId: string) => Promise<number>;
  notify?: AdminActionDeps['notify'];
  now: () => number;
  plugins: AdminPlugins;
}

export interface AdminServices {
  audit: AuditLog;
  tokens: ApiTokens;
  actions: AdminActions;
  reports: Reports;
  /** Creates the first admin when there is none yet (built-in directory); its credentials, once. */
  firstAdmin(): Promise<AdminCredentials | null>;
}

export function createAdmin(deps: AdminDeps): { router: Router; services: AdminServices } {
  const audit = new AuditLog(deps.store, deps.now);
  const tokens = new ApiTokens(deps.store, deps.directory, deps.keys, deps.now);
  const actions = new AdminActions({ ...deps, audit, policyExclusions: deps.plugins.policyExclusions });
  const reports = new Reports(deps);
  const issuer = deps.config.mfa.issuer ?? deps.config.appName;
  const services: AdminServices = {
    audit,
    tokens,
    actions,
    reports,
    firstAdmin: () => ensureFirstAdmin(deps.store, deps.keys, issuer, deps.now()),
  };
  const router = createAdminRouter({
    ...deps,
    audit,
    tokens,
    ping: () => deps.store.ping(),
    consoleRoutes: [
      coreConsoleRoutes(services),
      listConsoleRoutes(reports),
      actionConsoleRoutes(services),
      ...(deps.plugins.consoleRoutes ?? []),
    ],
    apiRoutes: [coreApiRoutes(services), riskApiRoutes(services), ...(deps.plugins.apiRoutes ?? [])],
    nav: deps.plugins.nav,
  });
  return { router, services };
}
