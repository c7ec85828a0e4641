/** The session: what Riskgate keeps in it, and the express-session middleware over the indexed store. */
import session from 'express-session';
import type { Request, RequestHandler, Response } from 'express';
import type { IndexedSessionStore } from '../storage/types.js';
import { markLoaded } from '../storage/sessionFields.js';
import { sessionEnd, shouldMarkSeen, type SessionEnd, type SessionLifetime } from './sessionLifetime.js';

export interface RiskgateSessionData {
  /** Set only once every policy is satisfied: the session is authenticated. */
  userId?: string;
  username?: string;
  authAt?: number;
  signInId?: string;
  /** The flow this (still anonymous) session is walking through. */
  flowId?: string;
  /** The device cookie this session was issued to: a session replayed elsewhere is an anomaly. */
  deviceId?: string;
  /** When a second factor was last verified in this session (at sign-in or the admin console's step-up). */
  mfaAt?: number;
  /** When the signed-in session was last used, to the minute (the idle limit; see sessionLifetime.ts). */
  seenAt?: number;
}

declare module 'express-session' {
  interface SessionData {
    riskgate?: RiskgateSessionData;
  }
}

/** The session cookie's name over plain HTTP (development). */
export const SESSION_COOKIE = 'rg.sid';

/**
 * ASVS 3.4.4: a Secure session cookie is `__Host-` prefixed, so the browser keeps it only when it is
 * Secure, host-only and for path /, and no sibling subdomain can plant or overwrite it. Browsers refuse
 * the prefix without Secure, so plain-HTTP development keeps the plain name.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

export function createSessionMiddleware(options: {
  store: IndexedSessionStore;
  secrets: string[];
  secure: boolean;
  /**
   * Riskgate's own trustProxy is set: believe X-Forwarded-Proto when deciding whether the request
   * came over HTTPS, so a Secure cookie is set behind a TLS-terminating proxy even when the app never
   * set Express's "trust proxy" (without it the cookie was silently not set and sign-in failed). A
   * forged header on plain HTTP gains nothing: the browser will not send a Secure cookie back over it.
   */
  trustForwardedProto?: boolean;
  /** The absolute and idle limits of a signed-in session; the absolute one is also the cookie's lifetime. */
  lifetime: SessionLifetime;
  now: () => number;
  /** A signed-in session outlived a limit and was ended (destroyed in the store). */
  onEnded?: (req: Request, why: SessionEnd, userId: string) => void;
  /** Answers when the session store fails (fail closed: a 503, never the protected page). */
  onStoreError: (req: Request, res: Response, error: unknown) => void;
}): RequestHandler {
  const inner = session({
    name: sessionCookieName(options.secure),
    store: options.store,
    secret: options.secrets,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    // undefined: express-session asks Express (req.secure, the app's own "trust proxy").
    proxy: options.trustForwardedProto ? true : undefined,
    // The session id cookie is the bearer credential: never readable by scripts, never cross-site posted.
    // No Domain attribute: host-only, as the __Host- prefix requires.
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secure,
      maxAge: options.lifetime.maxAgeMs,
      path: '/',
    },
  });
  const failed = (req: Request, res: Response, next: (error?: unknown) => void, error: unknown) => {
    // Without a readable session we cannot tell who this is: answer here, before any app route runs.
    if (res.headersSent) return next(error);
    options.onStoreError(req, res, error);
  };
  return (req, res, next) => {
    inner(req, res, (error?: unknown) => {
      if (error !== undefined && error !== null) return failed(req, res, next, error);
      let ending: Promise<void> | null;
      try {
        ending = enforceLifetime(req, options);
      } catch (lifetimeError) {
        return failed(req, res, next, lifetimeError);
      }
      // A live or anonymous session goes on in this tick: no promise on every request.
      if (ending === null) return next();
      ending.then(
        () => next(),
        (lifetimeError: unknown) => failed(req, res, next, lifetimeError),
      );
    });
  };
}

/**
 * Runs on every request, before any route: a signed-in session past a limit is ended here (its store
 * entry destroyed, so a replayed cookie finds nothing) and the request goes on anonymous, which sends
 * protected routes to sign-in. A live one records its use when the idle limit needs it. Returns the
 * ending's promise, or null when there was nothing to wait for.
 */
function enforceLifetime(
  req: Request,
  options: Pick<Parameters<typeof createSessionMiddleware>[0], 'lifetime' | 'now' | 'onEnded'>,
): Promise<void> | null {
  const state = req.session?.riskgate;
  if (!state?.userId) return null;
  const now = options.now();
  const ended = sessionEnd(state, options.lifetime, now);
  if (ended) {
    const userId = state.userId;
    return regenerate(req).then(() => options.onEnded?.(req, ended, userId));
  }
  // Read from the store: a save of it later in this request must not revive it if it ends meanwhile.
  markLoaded(req.session);
  if (shouldMarkSeen(state, options.lifetime, now)) state.seenAt = now;
  return null;
}

/** Promise wrappers: a new session id on every privilege change defeats session fixation. */
export function regenerate(req: Express.Request & { session: session.Session }): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((error) => (error ? reject(error) : resolve())),
  );
}

function saveSession(req: Express.Request & { session: session.Session }): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}

/** What express-session compares to tell a changed session: everything but the cookie. */
function contentOf(sess: session.Session): string {
  return JSON.stringify(sess, function (this: unknown, key, value: unknown) {
    return this === sess && key === 'cookie' ? undefined : value;
  });
}

/**
 * Stores a session that was just regenerated, before the answer goes out (a failed save is an error
 * the route can still answer, never a redirect to a session that does not exist). express-session
 * only tracks saves of the session it loaded at the start of the request, so after regenerate() it
 * would write the same session a second time at the end of the response. The saved session is
 * marked here the way express-session marks its own: the end-of-response save goes to the store
 * only if the session changed since.
 */
export async function saveRegenerated(req: Express.Request & { session: session.Session }): Promise<void> {
  await saveSession(req);
  const sess = req.session;
  const saved = contentOf(sess);
  const storeSave = sess.save;
  Object.defineProperty(sess, 'save', {
    configurable: true,
    enumerable: false,
    writable: true,
    value(this: session.Session, callback?: (error?: unknown) => void): session.Session {
      if (contentOf(this) !== saved) return storeSave.call(this, callback);
      callback?.();
      return this;
    },
  });
}

export function destroySession(req: Express.Request & { session: session.Session }): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.destroy((error) => (error ? reject(error) : resolve())),
  );
}
