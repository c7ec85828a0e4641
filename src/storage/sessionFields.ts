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
