/**
 * express-session store in PostgreSQL, with a user_id column so "sign out everywhere" is one indexed
 * DELETE instead of a scan over every session. Behaves like SqliteSessionStore.
 */
import session from 'express-session';
import type { SessionData } from 'express-session';
import type { IndexedSessionStore, UserSession } from '../types.js';
import { changed, num, type Pool } from './util.js';
import { expiryOf, userIdOf, answerLater, wasLoaded } from '../sessionFields.js';

const DEFAULT_PRUNE_INTERVAL_MS = 15 * 60 * 1000;

export class PostgresSessionStore extends session.Store implements IndexedSessionStore {
  readonly #pool: Pool;
  #timer: NodeJS.Timeout | null;

  constructor(pool: Pool, options: { pruneIntervalMs?: number } = {}) {
    super();
    this.#pool = pool;
    // get() already hides expired sessions; pruning only reclaims space. unref: never keeps the process alive.
    const interval = options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
    this.#timer = interval > 0 ? setInterval(() => void this.#safePrune(), interval).unref() : null;
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    answerLater(callback, async () => {
      const { rows } = await this.#pool.query<{ sess: SessionData }>(
        `SELECT sess FROM sessions WHERE sid = $1 AND expires_at > $2`,
        [sid, Date.now()],
      );
      return rows[0]?.sess ?? null;
    });
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    answerLater(callback, async () => {
      const now = Date.now();
      const values = [sid, JSON.stringify(sess), expiryOf(sess, now), userIdOf(sess)];
      if (wasLoaded(sess)) {
        // A loaded session is saved only if it still exists (and has not expired): never revived.
        await this.#pool.query(
          `UPDATE sessions SET sess = $2::jsonb, expires_at = $3, user_id = $4
           WHERE sid = $1 AND expires_at > $5`,
          [...values, now],
        );
        return;
      }
      await this.#pool.query(
        `INSERT INTO sessions (sid, sess, expires_at, user_id) VALUES ($1, $2::jsonb, $3, $4)
         ON CONFLICT (sid) DO UPDATE SET
           sess = EXCLUDED.sess, expires_at = EXCLUDED.expires_at, user_id = EXCLUDED.user_id`,
        values,
      );
    });
  }

  override touch(sid: string, sess: SessionData, callback?: () => void): void {
    answerLater(callback, async () => {
      // Touch renews the cookie inside the stored JSON too, so a reload sees the new expiry. An expired
      // session is not revived.
      const now = Date.now();
      await this.#pool.query(
        `UPDATE sessions SET sess = jsonb_set(sess, '{cookie}', $2::jsonb), expires_at = $3
         WHERE sid = $1 AND expires_at > $4`,
        [sid, JSON.stringify(sess.cookie ?? {}), expiryOf(sess, now), now],
      );
    });
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    answerLater(callback, async () => {
      await this.#pool.query(`DELETE FROM sessions WHERE sid = $1`, [sid]);
    });
  }

  override clear(callback?: (err?: unknown) => void): void {
    answerLater(callback, async () => {
      await this.#pool.query(`DELETE FROM sessions`);
    });
  }

  override length(callback: (err: unknown, length?: number) => void): void {
    answerLater(callback, async () => {
      const { rows } = await this.#pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM sessions WHERE expires_at > $1`,
        [Date.now()],
      );
      return num(rows[0]!.n);
    });
  }

  override all(callback: (err: unknown, obj?: { [sid: string]: SessionData } | null) => void): void {
    answerLater(callback, async () => {
      const { rows } = await this.#pool.query<{ sid: string; sess: SessionData }>(
        `SELECT sid, sess FROM sessions WHERE expires_at > $1`,
        [Date.now()],
      );
      const sessions: { [sid: string]: SessionData } = {};
      for (const row of rows) sessions[row.sid] = row.sess;
      return sessions;
    });
  }

  /** Removes every session of the user except `exceptSid` (the one doing the signing out). */
  async destroyUserSessions(userId: string, exceptSid?: string): Promise<number> {
    // `sid IS DISTINCT FROM NULL` is always true, so with no exception every one of the user's sessions goes.
    const result = await this.#pool.query(
      `DELETE FROM sessions WHERE user_id = $1 AND sid IS DISTINCT FROM $2::text`,
      [userId, exceptSid ?? null],
    );
    return changed(result);
  }

  async userSessions(userId: string): Promise<UserSession[]> {
    const { rows } = await this.#pool.query<{ sid: string; sess: SessionData; expires_at: string }>(
      `SELECT sid, sess, expires_at FROM sessions WHERE user_id = $1 AND expires_at > $2`,
      [userId, Date.now()],
    );
    return rows.map((row) => ({ sid: row.sid, session: row.sess, expiresAt: num(row.expires_at) }));
  }

  async destroyUserSession(userId: string, sid: string): Promise<boolean> {
    const result = await this.#pool.query(`DELETE FROM sessions WHERE sid = $1 AND user_id = $2`, [
      sid,
      userId,
    ]);
    return changed(result) > 0;
  }

  /** Deletes expired sessions now; returns how many. */
  async prune(now = Date.now()): Promise<number> {
    return changed(await this.#pool.query(`DELETE FROM sessions WHERE expires_at <= $1`, [now]));
  }

  /** Stops the prune timer. The pool itself belongs to whoever opened it. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  async #safePrune(): Promise<void> {
    try {
      await this.prune();
    } catch (error) {
      // An unreachable database must not crash the app from a timer: report to listeners if any, retry next run.
      if (this.listenerCount('error') > 0) this.emit('error', error);
    }
  }
}
