/**
 * express-session store on the same SQLite file, with a user_id column so "sign out everywhere" is
 * one indexed DELETE instead of a scan over every session.
 */
import session from 'express-session';
import type { SessionData } from 'express-session';
import type { IndexedSessionStore, UserSession } from '../types.js';
import { parseJson, type Db } from './util.js';
import { expiryOf, userIdOf, wasLoaded } from '../sessionFields.js';

const DEFAULT_PRUNE_INTERVAL_MS = 15 * 60 * 1000;

type Callback<T> = (err: unknown, value?: T) => void;

/**
 * Runs the synchronous work, then answers on a later tick like every other store does. The callback
 * is called outside the try so an exception thrown by the caller is never reported back to it as
 * a store error (which would call it twice).
 */
function answer<T>(callback: Callback<T> | undefined, work: () => T): void {
  let result: T | undefined;
  let failure: unknown = null;
  try {
    result = work();
  } catch (error) {
    failure = error;
  }
  if (!callback) return;
  setImmediate(() => (failure ? callback(failure) : callback(null, result)));
}

export class SqliteSessionStore extends session.Store implements IndexedSessionStore {
  readonly #get;
  readonly #set;
  readonly #update;
  readonly #touch;
  readonly #destroy;
  readonly #clear;
  readonly #length;
  readonly #all;
  readonly #destroyUser;
  readonly #ofUser;
  readonly #destroyOne;
  readonly #prune;
  #timer: NodeJS.Timeout | null;

  constructor(db: Db, options: { pruneIntervalMs?: number } = {}) {
    super();
    this.#get = db.prepare<[string, number], { sess: string }>(
      `SELECT sess FROM sessions WHERE sid = ? AND expires_at > ?`,
    );
    this.#set = db.prepare<[{ sid: string; sess: string; expiresAt: number; userId: string | null }]>(
      `INSERT INTO sessions (sid, sess, expires_at, user_id) VALUES (@sid, @sess, @expiresAt, @userId)
       ON CONFLICT (sid) DO UPDATE SET sess = excluded.sess, expires_at = excluded.expires_at, user_id = excluded.user_id`,
    );
    // A loaded session is saved only if it still exists (and has not expired): never revived.
    this.#update = db.prepare<
      [{ sid: string; sess: string; expiresAt: number; userId: string | null; now: number }]
    >(
      `UPDATE sessions SET sess = @sess, expires_at = @expiresAt, user_id = @userId
       WHERE sid = @sid AND expires_at > @now`,
    );
    // Touch renews the cookie inside the stored JSON too, so a reload sees the new expiry. An expired
    // session is not revived.
    this.#touch = db.prepare<[{ sid: string; cookie: string; expiresAt: number; now: number }]>(
      `UPDATE sessions SET sess = json_set(sess, '$.cookie', json(@cookie)), expires_at = @expiresAt
       WHERE sid = @sid AND expires_at > @now`,
    );
    this.#destroy = db.prepare<[string]>(`DELETE FROM sessions WHERE sid = ?`);
    this.#clear = db.prepare<[]>(`DELETE FROM sessions`);
    this.#length = db.prepare<[number], { n: number }>(
      `SELECT COUNT(*) AS n FROM sessions WHERE expires_at > ?`,
    );
    this.#all = db.prepare<[number], { sid: string; sess: string }>(
      `SELECT sid, sess FROM sessions WHERE expires_at > ?`,
    );
    this.#destroyUser = db.prepare<[string, string | null]>(
      `DELETE FROM sessions WHERE user_id = ? AND sid IS NOT ?`,
    );
    this.#ofUser = db.prepare<[string, number], { sid: string; sess: string; expires_at: number }>(
      `SELECT sid, sess, expires_at FROM sessions WHERE user_id = ? AND expires_at > ?`,
    );
    this.#destroyOne = db.prepare<[string, string]>(`DELETE FROM sessions WHERE sid = ? AND user_id = ?`);
    this.#prune = db.prepare<[number]>(`DELETE FROM sessions WHERE expires_at <= ?`);

    // get() already hides expired sessions; pruning only reclaims space. unref: never keeps the process alive.
    const interval = options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
    this.#timer = interval > 0 ? setInterval(() => this.#safePrune(), interval).unref() : null;
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    answer(callback, () => {
      const row = this.#get.get(sid, Date.now());
      return row ? parseJson<SessionData>(row.sess) : null;
    });
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    answer(callback, () => {
      const now = Date.now();
      const row = { sid, sess: JSON.stringify(sess), expiresAt: expiryOf(sess, now), userId: userIdOf(sess) };
      if (wasLoaded(sess)) this.#update.run({ ...row, now });
      else this.#set.run(row);
    });
  }

  override touch(sid: string, sess: SessionData, callback?: () => void): void {
    answer(callback, () => {
      const now = Date.now();
      this.#touch.run({
        sid,
        cookie: JSON.stringify(sess.cookie ?? {}),
        expiresAt: expiryOf(sess, now),
        now,
      });
    });
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    answer(callback, () => {
      this.#destroy.run(sid);
    });
  }

  override clear(callback?: (err?: unknown) => void): void {
    answer(callback, () => {
      this.#clear.run();
    });
  }

  override length(callback: (err: unknown, length?: number) => void): void {
    answer(callback, () => this.#length.get(Date.now())!.n);
  }

  override all(callback: (err: unknown, obj?: { [sid: string]: SessionData } | null) => void): void {
    answer(callback, () => {
      const sessions: { [sid: string]: SessionData } = {};
      for (const row of this.#all.all(Date.now())) sessions[row.sid] = parseJson<SessionData>(row.sess);
      return sessions;
    });
  }

  /** Removes every session of the user except `exceptSid` (the one doing the signing out). */
  async destroyUserSessions(userId: string, exceptSid?: string): Promise<number> {
    // `sid IS NOT NULL` is always true, so with no exception every one of the user's sessions goes.
    return this.#destroyUser.run(userId, exceptSid ?? null).changes;
  }

  async userSessions(userId: string): Promise<UserSession[]> {
    return this.#ofUser.all(userId, Date.now()).map((row) => ({
      sid: row.sid,
      session: parseJson<SessionData>(row.sess),
      expiresAt: row.expires_at,
    }));
  }

  async destroyUserSession(userId: string, sid: string): Promise<boolean> {
    return this.#destroyOne.run(sid, userId).changes > 0;
  }

  /** Deletes expired sessions now; returns how many. */
  prune(now = Date.now()): number {
    return this.#prune.run(now).changes;
  }

  /** Stops the prune timer. The database itself belongs to whoever opened it. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #safePrune(): void {
    try {
      this.prune();
    } catch (error) {
      // A busy database must not crash the app from a timer: report to listeners if any, retry next run.
      if (this.listenerCount('error') > 0) this.emit('error', error);
    }
  }
}
