/** Riskgate's router: its pages under basePath, with security headers, CSRF and error pages scoped to them. */
import express, { Router } from 'express';
import type { Logger } from 'pino';
import { createCsrf, formBody, noStore, securityHeaders } from './security.js';
import { signInRoutes, type SignInRouteDeps } from './signInRoutes.js';
import { flowRoutes, type FlowRouteDeps } from './flowRoutes.js';
import { notMeRoutes, type NotMeRouteDeps } from './notMeRoutes.js';
import { accountRoutes, type AccountRouteDeps } from './accountRoutes.js';
import { passwordResetRoutes, type PasswordResetRouteDeps } from './passwordResetRoutes.js';
import { errorHandler, notFound } from './errors.js';
import type { Render } from './render.js';

export interface RouterDeps {
  basePath: string;
  /** Whether the backing store answers: decides between 503 (fail closed) and 500. */
  ping: () => Promise<void>;
  staticDir: string;
  /** Scripts served from dependencies as /static/vendor/<name> (name -> file). */
  vendorScripts: Readonly<Record<string, string>>;
  logger: Logger;
  render: Render;
  csrf: ReturnType<typeof createCsrf>;
  signIn: Omit<SignInRouteDeps, 'render' | 'basePath' | 'logger'>;
  flow: Omit<FlowRouteDeps, 'render' | 'basePath'>;
  notMe: Omit<NotMeRouteDeps, 'render'>;
  account: Omit<AccountRouteDeps, 'render' | 'basePath' | 'logger'>;
  passwordReset: Omit<PasswordResetRouteDeps, 'render' | 'basePath' | 'logger'>;
}

export function createRouter(deps: RouterDeps): Router {
  const { basePath, render } = deps;
  const inner = Router();
  for (const [name, file] of Object.entries(deps.vendorScripts))
    inner.get(`/static/vendor/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1h' }));
  inner.use('/static', express.static(deps.staticDir, { maxAge: '1h', index: false, fallthrough: false }));
  inner.use(securityHeaders(), noStore);
  inner.use((req, _res, next) => {
    if (!req.session)
      return next(
        new Error('Riskgate: mount the session middleware (app.use(riskgate.session)) before the router'),
      );
    next();
  });
  inner.use(formBody(), deps.csrf.csrfSynchronisedProtection);
  inner.use(signInRoutes({ ...deps.signIn, basePath, render, logger: deps.logger }));
  inner.use(flowRoutes({ ...deps.flow, basePath, render }));
  inner.use(notMeRoutes({ ...deps.notMe, render }));
  inner.use(accountRoutes({ ...deps.account, basePath, render, logger: deps.logger }));
  inner.use(passwordResetRoutes({ ...deps.passwordReset, basePath, render, logger: deps.logger }));
  inner.use(notFound(render));
  inner.use(errorHandler(render, deps.logger, basePath, deps.ping));

  const outer = Router();
  outer.use(basePath, inner);
  return outer;
}
