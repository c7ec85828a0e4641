/**
 * The HTTP server for an app behind Riskgate, with timeouts that slow clients cannot outlast. Node's
 * defaults let a client take 60 s to send its headers and 5 minutes for a body, checked every 30 s:
 * a few hundred slowloris connections would hold a sign-in page hostage. A proxy in front may cut these
 * first; these hold when there is none.
 */
import http from 'node:http';
import type { RequestListener } from 'node:http';

export interface HttpTimeouts {
  /** The whole header block must arrive within this. */
  headersTimeoutMs: number;
  /** The whole request, body included (a sign-in form is a few hundred bytes). */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often the two limits above are checked. */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
};

export function createHttpServer(
  app: RequestListener,
  timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS,
): http.Server {
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
    app,
  );
  return server;
}
