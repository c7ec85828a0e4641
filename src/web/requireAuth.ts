/**
 * Protects app routes: only sessions that finished every policy get through, and only from the browser
 * they were issued to (a replayed session cookie is a sessionAnomaly detection and ends the session).
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { DetectionDraft } from '../domain/risk.js';
import type { RiskService } from '../remediation/riskService.js';
import { detectSessionAnomaly } from '../risk/detectors/sessionAnomaly.js';
import { clientIp, type TrustFunction } from '../signals/clientIp.js';
import { networkOf } from '../signals/network.js';
import { deviceIdOf } from './deviceCookie.js';
import { destroySession, type RiskgateSessionData } from './session.js';

export interface RequireAuthDeps {
  basePath: string;
  trust: TrustFunction;
  risk: RiskService;
  logger: Logger;
  now: () => number;
  /** Which device cookie name to read (`__Host-` prefixed when Secure). */
  cookieSecure: boolean;
}

function toSignIn(req: Request, res: Response, basePath: string): void {
  // API clients get a status they can act on; browsers go to sign-in and come back afterwards.
  if (req.accepts(['html', 'json']) === 'json') {
    res
      .status(401)
      .json({ error: { code: 'unauthenticated', message: 'Sign in first.', signIn: `${basePath}/sign-in` } });
    return;
  }
  const returnTo = req.method === 'GET' ? `?returnTo=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(303, `${basePath}/sign-in${returnTo}`);
}

export function createRequireAuth(deps: RequireAuthDeps): RequestHandler {
  /** The session was replayed from another browser: record it, end the session, send to sign-in. */
  const endReplayed = async (
    req: Request,
    res: Response,
    state: RiskgateSessionData,
    anomaly: DetectionDraft,
  ) => {
    const userId = state.userId!;
    await deps.risk.addDetections(userId, state.signInId ?? null, [anomaly], deps.now());
    deps.logger.warn(
      { event: 'sessionAnomaly', userId, signInId: state.signInId },
      'session used from another browser: ended',
    );
    await destroySession(req);
    toSignIn(req, res, deps.basePath);
  };
  // Synchronous unless a replay is found: the common case makes no promise on every page.
  return (req, res, next) => {
    if (!req.session) {
      return next(
        new Error('Riskgate: requireAuth needs the session middleware (app.use(riskgate.session)) before it'),
      );
    }
    const state = req.session.riskgate;
    if (!state?.userId) return toSignIn(req, res, deps.basePath);
    const presented = deviceIdOf(req, deps.cookieSecure);
    // The common case, the browser the session was issued to, needs no address work: the network
    // is only evidence for an anomaly.
    if (state.deviceId === undefined || presented === state.deviceId) return next();
    const anomaly = detectSessionAnomaly(state.deviceId, presented, networkOf(clientIp(req, deps.trust)));
    if (!anomaly) return next();
    return endReplayed(req, res, state, anomaly);
  };
}
