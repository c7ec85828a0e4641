/**
 * The operations router an app mounts before its session middleware: liveness, readiness and
 * Prometheus metrics. Metrics need `Authorization: Bearer <metricsToken>` when a token is configured;
 * without one they are served to loopback clients only (and not to requests a local reverse proxy
 * forwarded), never to the internet by accident.
 */
import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { healthRoutes } from './health.js';
import type { Metrics } from './metrics.js';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** Every path below is one of these (healthRoutes: /healthz, /readyz; here: /metrics). */
const OPERATIONS_PATH = /healthz|readyz|metrics/i;

/**
 * A reverse proxy on the same host makes every internet request arrive from loopback; a request it
 * forwarded says so in a header, and is not a local one.
 */
function forwarded(headers: IncomingHttpHeaders): boolean {
  return headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined;
}

function metricsGuard(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token) {
      const given = Buffer.from(String(req.headers.authorization ?? ''));
      const expected = Buffer.from(`Bearer ${token}`);
      if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    } else if (LOOPBACK.test(req.socket.remoteAddress ?? '') && !forwarded(req.headers)) {
      return next();
    }
    res.status(404).type('text').send('Not found');
  };
}

export function operationsRouter(options: {
  ping: () => Promise<void>;
  metrics: Metrics;
  metricsToken?: string;
  logger: Logger;
}): Router {
  const router = Router();
  // Mounted at the root, this router sees every request of the app: the rest leave it at once
  // (next('router')) instead of walking its routes. A loose filter (any case, any trailing part),
  // so every path a route below could match still gets there.
  router.use((req, _res, next) => (OPERATIONS_PATH.test(req.path) ? next() : next('router')));
  router.use(
    healthRoutes({
      ping: options.ping,
      onUnready: (reason) => options.logger.warn({ err: reason }, 'not ready: the store does not answer'),
    }),
  );
  router.get('/metrics', metricsGuard(options.metricsToken), options.metrics.handler());
  return router;
}
