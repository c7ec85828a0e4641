/**
 * The admin router: the console (server-rendered pages) and the JSON API under `/api/v1`, over the
 * same services. Mount it where the console should live, after `riskgate.session`:
 * `app.use('/admin', riskgate.admin)`.
 *
 * Modules plug in their own pages and endpoints with `consoleRoutes`, `apiRoutes` and `nav`; each
 * router is built once with an AdminPluginContext and, per request, finds the authenticated admin in
 * `res.locals.admin` and an audit function bound to that admin in `res.locals.audit`.
 */
import { randomUUID } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { UserDirectory } from '../domain/identity.js';
import type { Store } from '../storage/types.js';
import type { SecondFactor } from '../mfa/secondFactor.js';
import type { RiskgateConfig } from '../config/options.js';
import type { Render } from '../web/render.js';
import { createCsrf, formBody, noStore, securityHeaders } from '../web/security.js';
import { errorHandler } from '../web/errors.js';
import type { AuditLog } from './audit.js';
import type { ApiTokens } from './tokens.js';
import { requireAdmin } from './access.js';
import { consoleMfaRoutes } from './consoleMfa.js';
import { requireApiToken } from './api/bearer.js';
import { sendApiError } from './api/respond.js';
import type { AdminNavItem, AdminPluginContext, AdminPlugins, AdminRender } from './types.js';

export interface AdminRouterDeps extends AdminPlugins {
  store: Store;
  directory: UserDirectory;
  render: Render;
  csrf: ReturnType<typeof createCsrf>;
  /** Riskgate's requireAuth: signed-in sessions only, replayed sessions ended. */
  requireAuth: RequestHandler;
  secondFactor: SecondFactor;
  tokens: ApiTokens;
  audit: AuditLog;
  config: Pick<RiskgateConfig, 'mfa' | 'basePath'>;
  logger: Logger;
  ping: () => Promise<void>;
  now: () => number;
}

export const API_PREFIX = '/api/v1';
export const JSON_LIMIT_BYTES = 64 * 1024;

/** "2026-12-02 15:40 UTC": one unambiguous format on every page. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function adminRenderer(render: Render, nav: AdminNavItem[]): AdminRender {
  return (req, res, view, locals, status) =>
    render(
      req,
      res,
      view,
      {
        adminBase: res.locals.adminBase,
        admin: res.locals.admin ?? null,
        nav,
        currentPath: req.path,
        time: formatTime,
        ...locals,
      },
      status,
    );
}

function apiErrors(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: number }).status;
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large')
      return sendApiError(res, 413, 'tooLarge', 'The request body is too large.');
    if (status !== undefined && status >= 400 && status < 500)
      return sendApiError(res, 400, 'invalidJson', 'The request body is not valid JSON.');
    const referenceId = randomUUID();
    logger.error({ err: error, referenceId }, 'unexpected admin API error');
    sendApiError(res, 500, 'internal', 'Something went wrong.', { referenceId });
  };
}

export const BUILTIN_NAV: AdminNavItem[] = [
  { href: '/users', label: 'Risky users' },
  { href: '/sign-ins', label: 'Risky sign-ins' },
  { href: '/detections', label: 'Detections' },
  { href: '/mfa-registration', label: 'MFA registration' },
  { href: '/audit', label: 'Audit log' },
  { href: '/tokens', label: 'API tokens' },
];

export function createAdminRouter(deps: AdminRouterDeps): Router {
  const nav = [...BUILTIN_NAV, ...(deps.nav ?? [])];
  const render = adminRenderer(deps.render, nav);
  const context: AdminPluginContext = { store: deps.store, render, now: deps.now };
  const access = { store: deps.store, directory: deps.directory, audit: deps.audit, render };

  const api = Router();
  api.use(requireApiToken(deps.tokens, deps.audit));
  api.use(express.json({ limit: JSON_LIMIT_BYTES }));
  for (const factory of deps.apiRoutes ?? []) api.use(factory(context));
  api.use((req, res) => sendApiError(res, 404, 'notFound', `No API route ${req.method} ${req.path}.`));
  api.use(apiErrors(deps.logger));

  const consoleRouter = Router();
  consoleRouter.use(formBody(), deps.csrf.csrfSynchronisedProtection);
  consoleRouter.use(deps.requireAuth);
  consoleRouter.use(
    '/mfa',
    requireAdmin(access, { allowWithoutMfa: true }),
    consoleMfaRoutes({ ...deps, mfa: deps.config.mfa, render }),
  );
  consoleRouter.use(requireAdmin(access));
  for (const factory of deps.consoleRoutes ?? []) consoleRouter.use(factory(context));
  consoleRouter.use((req, res) =>
    render(
      req,
      res,
      'admin/message',
      { title: 'Not found', heading: 'Page not found', message: 'There is nothing at this address.' },
      404,
    ),
  );
  const pageErrors = errorHandler(deps.render, deps.logger, deps.config.basePath, deps.ping);
  consoleRouter.use(((error, req, res, next) => {
    if ((error as { code?: string }).code !== 'EBADCSRFTOKEN' || res.headersSent)
      return pageErrors(error, req, res, next);
    void render(
      req,
      res,
      'admin/message',
      {
        title: 'Please try again',
        heading: 'This form has expired',
        message:
          'For your security, forms expire. Nothing was changed: go back, reload the page and try again.',
      },
      403,
    ).catch(next);
  }) as ErrorRequestHandler);

  const router = Router();
  router.use(securityHeaders(), noStore, (req, res, next) => {
    res.locals.adminBase = req.baseUrl;
    next();
  });
  router.use(API_PREFIX, api);
  router.use(consoleRouter);
  return router;
}
