/**
 * Structured logs for operators: one pino JSON logger, and per-request child loggers that carry a
 * request id so every line a request writes can be found together (and matched to the client's id).
 * Secrets are redacted here, centrally, so a careless `log.info({ body })` elsewhere cannot leak them.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import pino, { type DestinationStream, type Level, type LevelWithSilent, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export const REDACTED = '[redacted]';

/** Field names that hold credentials or one-time secrets wherever they appear in a logged object. */
const SECRET_KEYS = ['password', 'newPassword', 'confirmPassword', 'code', '_csrf', 'totpSecret', 'secret'];

/**
 * Header paths under both `req` (pino-http's binding) and a bare `headers` object a handler may log.
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

interface SerializedRequest {
  method?: string;
  url?: string;
  remoteAddress?: string;
}

/**
 * Per-request logging. Mount first so every later middleware and route can use `req.log`. Lines
 * written through `req.log` carry `reqId`; the completion line adds method, path, status and time.
 */
export function requestLogging(logger: Logger): RequestHandler {
  const middleware = pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = requestIdFor(req);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    // req.log gets only { reqId }: handler lines stay short; the completion line carries the request.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'reqId' },
    serializers: {
      // Whitelists, not blacklists: headers, query, params and bodies are never serialised.
      req: (req: SerializedRequest): SerializedRequest => ({
        method: req.method,
        url: pathOnly(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      // pino-http installs its own err serializer on the child otherwise, losing errorCode.
      err: serializeError,
    },
    customLogLevel: (_req, res, error): Level =>
      error !== undefined || res.statusCode >= 500 ? 'error' : 'info',
  });
  return (req, res, next) => middleware(req, res, next);
}
