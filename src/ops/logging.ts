/**
 * Structured logs for operators: one pino JSON logger, and per-request child loggers that carry a
 * request id so every line a request writes can be found together (and matched to the client's id).
 * Secrets are redacted here, centrally, so a careless `log.info({ body })` elsewhere cannot leak them.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import pino, { type DestinationStream, type Level, type LevelWithSilent, type Logger } from 'pino';

export const REDACTED = '[redacted]';

/** Field names that hold credentials or one-time secrets wherever they appear in a logged object. */
const SECRET_KEYS = ['password', 'newPassword', 'confirmPassword', 'code', '_csrf', 'totpSecret', 'secret'];

/**
 * Header paths under both `req` (a request object logged whole, not through requestLogging's
 * whitelist) and a bare `headers` object a handler may log.
 * Depth is bounded on purpose: each wildcard level multiplies the work pino does on every line.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  '*.headers.cookie',
  '*.headers.authorization',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
];

/** Matches ids safe to echo into a header and a log line: no spaces, quotes or control characters. */
const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * `*.code` would also redact `err.code` (ECONNREFUSED and friends), which operators need when the
 * store is down. Errors are serialised first and redacted after, so moving it aside keeps it.
 */
function serializeError(error: Error): Record<string, unknown> {
  const { code, ...rest } = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  return code === undefined ? rest : { ...rest, errorCode: code };
}

export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  const options = {
    name: 'riskgate',
    level,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The incoming id when it is safe to reuse (so ids correlate across proxies), else a fresh one. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Path segments after these are mail-link tokens: whoever reads the logs must not be able to use one. */
const TOKEN_IN_PATH = /\/(reset|not-me)\/[^/]+/g;

/**
 * Only the path: query strings carry `returnTo` targets, tokens and other things not to keep; and
 * the token of a mailed link ("forgot password", "This wasn't me") is replaced.
 */
function pathOnly(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const cut = url.indexOf('?');
  const path = cut === -1 ? url : url.slice(0, cut);
  return path.replace(TOKEN_IN_PATH, `/$1/${REDACTED}`);
}

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id: the `reqId` of every line this request writes, echoed in X-Request-Id. */
    id: string;
    /** A child logger that stamps `reqId` on every line (at level silent, the request logger itself). */
    log: Logger;
  }
}

interface LoggedRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  socket?: { remoteAddress?: string };
}

/** Whitelists, not blacklists: headers, query, params and bodies are never serialised. */
function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: pathOnly(req.originalUrl ?? req.url),
    remoteAddress: req.socket?.remoteAddress,
  };
}

function serializeResponse(res: { statusCode?: number; headersSent?: boolean }): Record<string, unknown> {
  // Before the headers go out the status is not decided yet (as pino-http logged it: null).
  return { statusCode: res.headersSent === false ? null : res.statusCode };
}

/**
 * Per-request logging. Mount first so every later middleware and route can use `req.log`. Lines
 * written through `req.log` carry `reqId`; the completion line adds method, path, status and time.
 *
 * It runs on every request, so it does only what the level asks for: at level 'silent' (nothing is
 * ever written) `req.log` is the request logger itself instead of a child per request, and below
 * 'error' no completion line is prepared. The level is the one the logger had when this middleware
 * was made, as with pino-http before. Redaction is the logger's own and applies to every line.
 * `req.log` is a plain property on purpose: an accessor defined on each request object made V8 treat
 * every request as a new shape, which cost more than the child logger it saved.
 */
export function requestLogging(logger: Logger): RequestHandler {
  // Handlers that log a request, response or error object get the same whitelists as the line.
  const base = logger.child(
    {},
    { serializers: { req: serializeRequest, res: serializeResponse, err: serializeError } },
  );
  return (req, res, next) => {
    const id = requestIdFor(req);
    res.setHeader(REQUEST_ID_HEADER, id);
    req.id = id;
    // A silent logger writes nothing, through any child: no child (and no id on lines) to make.
    const log = base.isLevelEnabled('fatal') ? base.child({ reqId: id }) : base;
    req.log = log;
    // 'error' is the highest level a completion line is written at: below it, nothing to prepare.
    if (base.isLevelEnabled('error')) {
      const started = Date.now();
      const done = (error?: unknown) => {
        res.off('finish', done);
        res.off('close', done);
        res.off('error', done);
        const failed = error !== undefined || res.statusCode >= 500;
        const level: Level = failed ? 'error' : 'info';
        if (!base.isLevelEnabled(level)) return;
        const responseTime = Date.now() - started;
        if (failed) {
          const err = error ?? new Error(`failed with status code ${res.statusCode}`);
          log[level]({ req, res, err, responseTime }, 'request errored');
          return;
        }
        const finished = !req.readableAborted && res.writableEnded;
        log[level]({ req, res, responseTime }, finished ? 'request completed' : 'request aborted');
      };
      res.on('finish', done);
      res.on('close', done);
      res.on('error', done);
    }
    next();
  };
}
