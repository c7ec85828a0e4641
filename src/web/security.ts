/**
 * Request hardening for Riskgate's own routes: strict CSP (no inline script or style), form bodies
 * parsed with a small limit, CSRF synchroniser tokens on every state-changing request.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { csrfSync } from 'csrf-sync';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set when the body could not be read (too large, malformed): the page re-renders with a 400. */
    formError?: string;
  }
}

export const FORM_LIMIT_BYTES = 16 * 1024;

type HeaderStep = readonly [name: string, value: string | null];

/** A stand-in that throws on any read but the ones allowed, naming what was read. */
function onlyThese(what: string, allowed: Record<string, unknown>): object {
  return new Proxy(allowed, {
    get: (target, property) => {
      if (typeof property === 'string' && Object.hasOwn(target, property)) return target[property];
      throw new Error(`fixedHeaders: helmet read ${what}.${String(property)}; these headers are per request`);
    },
  });
}

/** What helmet does to one response, recorded: each header set (with its value) or removed, in order. */
function recordHelmet(options: Readonly<HelmetOptions> | undefined): HeaderStep[] {
  const steps: HeaderStep[] = [];
  const res = onlyThese('response', {
    setHeader: (name: string, value: unknown) => void steps.push([name, String(value)]),
    removeHeader: (name: string) => void steps.push([name, null]),
  });
  let done = false;
  helmet(options)(onlyThese('request', {}) as Request, res as Response, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    done = true;
  });
  if (!done) throw new Error('fixedHeaders: helmet did not finish synchronously');
  return steps;
}

/**
 * helmet's headers, worked out once instead of on every request. With static options helmet sets the
 * same headers to the same values on every response; this runs it against a recording response and
 * replays what it did (same headers, same values, same order, the same removals). Options whose
 * headers could differ between requests fail at startup instead of being frozen to one value: helmet
 * is given a request and response that throw on any read, and is run twice, so a CSP directive
 * computed per request (a nonce) is refused whether it reads the request or not.
 */
export function fixedHeaders(options?: Readonly<HelmetOptions>): RequestHandler {
  const steps = recordHelmet(options);
  if (JSON.stringify(recordHelmet(options)) !== JSON.stringify(steps))
    throw new Error('fixedHeaders: helmet set other headers the second time; these headers are per request');
  return (_req, res, next) => {
    for (const [name, value] of steps) {
      if (value === null) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}

/** The helmet options of Riskgate's own pages (exported so a test can hold fixedHeaders to helmet). */
export const SECURITY_HEADER_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      scriptSrc: ["'self'"], // static/riskgate.js only: no inline script, no eval
      imgSrc: ["'self'", 'data:'], // the MFA QR code is a data: PNG
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  referrerPolicy: { policy: 'same-origin' },
  crossOriginEmbedderPolicy: false,
};

export function securityHeaders(): RequestHandler {
  return fixedHeaders(SECURITY_HEADER_OPTIONS);
}

/** Riskgate pages must never be cached: they carry per-session tokens and one-time codes. */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/**
 * urlencoded parsing whose failures (413 too large, 400 malformed, 415 charset) become `req.formError`
 * instead of an error page, so the route answers with its own form and a clear message.
 */
export function formBody(): RequestHandler {
  const parse = express.urlencoded({ extended: false, limit: FORM_LIMIT_BYTES, parameterLimit: 50 });
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const status = (error as { status?: number }).status;
      req.body = {};
      req.formError =
        status === 413
          ? 'The form was too large. Please try again.'
          : 'The form could not be read. Please try again.';
      // Drain what is left of the request so the connection stays usable.
      req.resume();
      next();
    });
  };
}

export function createCsrf() {
  return csrfSync({
    // 256 random bits (64 hex characters) are far beyond guessing; csrf-sync's default of 128 bytes
    // put 256 characters into every session and twice into every page with a form.
    size: 32,
    getTokenFromRequest: (req) => {
      const token = (req.body as Record<string, unknown> | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
    // An unreadable body is rejected by the route itself with a 400, before any state changes: every
    // state-changing route must refuse to act while req.formError is set (test/security/csrf.test.ts
    // posts an unreadable body without a token to each of them).
    skipCsrfProtection: (req) => req.formError !== undefined,
    errorConfig: { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' },
  });
}
