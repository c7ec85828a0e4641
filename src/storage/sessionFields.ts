/** What every session store shares: reading expiry and user out of a record, answering callbacks. */
import type { SessionData } from 'express-session';

const ONE_DAY_MS = 24 * 60 * 60 * 1000;

export function expiryOf(sess: SessionData, now: number): number {
  const cookie = sess.cookie as { expires?: Date | string | null; maxAge?: number | null } | undefined;
  if (cookie?.expires) {
    const at = new Date(cookie.expires).getTime();
    if (Number.isFinite(at)) return at;
  }
  if (typeof cookie?.maxAge === 'number') return now + cookie.maxAge;
  return now + ONE_DAY_MS;
}

/** Read without relying on the SessionData augmentation, which lives with the web layer. */
export function userIdOf(sess: SessionData): string | null {
  const userId = (sess as { riskgate?: { userId?: unknown } }).riskgate?.userId;
  return typeof userId === 'string' ? userId : null;
}

/**
 * Set (not enumerable, never stored) on a signed-in session that was read from the store for this
 * request. Saving such a session only updates it: when another request ended it meanwhile (sign-out
 * everywhere, a password change, an expired lifetime), the late save must not bring it back.
 */
export const LOADED_SESSION = Symbol.for('riskgate.loadedSession');

export function markLoaded(sess: object): void {
  Object.defineProperty(sess, LOADED_SESSION, { value: true, enumerable: false, configurable: true });
}

export function wasLoaded(sess: SessionData): boolean {
  return (sess as unknown as Record<symbol, unknown>)[LOADED_SESSION] === true;
}

export type SessionCallback<T> = (err: unknown, value?: T) => void;

/**
 * Answers an express-session callback on a later tick, outside the promise chain, so an exception
 * thrown by the callback is not reported back to it as a store error (which would call it twice).
 */
export function answerLater<T>(callback: SessionCallback<T> | undefined, work: () => Promise<T>): void {
  work().then(
    (result) => {
      if (callback) setImmediate(() => callback(null, result));
    },
    (error: unknown) => {
      if (callback) setImmediate(() => callback(error));
    },
  );
}
