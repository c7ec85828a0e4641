/**
 * Liveness and readiness probes. /healthz checks nothing but the process (restarting it would not fix
 * a database outage); /readyz asks the store, so a load balancer stops sending sign-ins that would
 * fail closed anyway. Bodies never carry error details: probes are often reachable from outside.
 */
import { Router, type Response } from 'express';

export interface HealthOptions {
  /** Resolves when the backing store answers. */
  ping: () => Promise<void>;
  /** How long a ping may take before the instance counts as unavailable. */
  timeoutMs?: number;
  /** Told why the instance is not ready (for a log line); never shown to the caller. */
  onUnready?: (reason: unknown) => void;
}

class PingTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`ping did not answer within ${timeoutMs} ms`);
    this.name = 'PingTimeout';
  }
}

/** Probe answers are about this instant: no proxy or browser may reuse them. */
function reply(res: Response, status: number, body: { status: string }): void {
  res.status(status).set('Cache-Control', 'no-store').json(body);
}

export function healthRoutes({ ping, timeoutMs = 2000, onUnready }: HealthOptions): Router {
  const router = Router();

  /*
   * Probes arriving while a ping is in flight share it: a hung database must not collect one stuck
   * query per probe. The shared ping is dropped on timeout, so a later probe tries afresh.
   */
  let inFlight: Promise<void> | null = null;

  const check = (): Promise<void> => {
    if (inFlight) return inFlight;
    let timer: NodeJS.Timeout | undefined;
    const attempt = Promise.race([
      // new Promise + call inside: a ping that throws synchronously becomes a rejection.
      new Promise<void>((resolve, reject) => {
        ping().then(resolve, reject);
      }),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new PingTimeout(timeoutMs)), timeoutMs);
      }),
    ]).finally(() => {
      clearTimeout(timer);
      inFlight = null;
    });
    inFlight = attempt;
    return attempt;
  };

  router.get('/healthz', (_req, res) => reply(res, 200, { status: 'ok' }));

  router.get('/readyz', async (_req, res) => {
    try {
      await check();
      reply(res, 200, { status: 'ready' });
    } catch (error) {
      try {
        onUnready?.(error);
      } catch {
        // A failing reporter must not turn a 503 into a 500.
      }
      reply(res, 503, { status: 'unavailable' });
    }
  });

  return router;
}
