/**
 * The account page's list of the user's signed-in sessions (ASVS 3.3.4). A session id is the bearer
 * credential, so the page never shows one: each row carries a keyed hash of it (its handle), which
 * only ends a session when it matches one of the user's own. What a row shows comes from the session
 * (when it signed in, when it was last used) and from the sign-in that started it (where, which browser).
 */
import type { SessionData } from 'express-session';
import type { IndexedSessionStore, SignInStore, UserSession } from '../storage/types.js';
import { formatDevice, formatPlace, formatTime } from '../notify/format.js';

export interface SessionListDeps {
  sessions: IndexedSessionStore;
  signIns: Pick<SignInStore, 'getSignIn'>;
  /** Keyed hash of a session id (Keys 'session-handle'): stable for a session, useless to anyone else. */
  handleOf: (sid: string) => string;
  /**
   * Whether a stored session is past its absolute or idle limit: such a session is ended the next time
   * it is used (sessionLifetime.ts), so the list does not show it as signed in meanwhile.
   */
  isOver: (session: SessionData) => boolean;
}

export interface SessionRow {
  handle: string;
  current: boolean;
  signedInAt: string | null;
  lastSeenAt: string | null;
  device: string;
  place: string;
  ip: string | null;
}

interface StoredState {
  authAt?: unknown;
  signInId?: unknown;
}

function stateOf(session: SessionData): StoredState {
  return ((session as { riskgate?: StoredState }).riskgate ?? {}) as StoredState;
}

/**
 * express-session renews a session's expiry to "now + its lifetime" on every request it serves, so the
 * stored expiry minus that lifetime is when it was last used.
 */
export function lastSeenOf(entry: UserSession): number | null {
  const lifetime = (entry.session.cookie as { originalMaxAge?: unknown } | undefined)?.originalMaxAge;
  return typeof lifetime === 'number' && lifetime > 0 ? entry.expiresAt - lifetime : null;
}

export async function listSessions(
  deps: SessionListDeps,
  userId: string,
  currentSid: string,
): Promise<SessionRow[]> {
  const entries = (await deps.sessions.userSessions(userId)).filter((entry) => !deps.isOver(entry.session));
  const rows = await Promise.all(
    entries.map(async (entry) => {
      const state = stateOf(entry.session);
      const signIn = typeof state.signInId === 'string' ? await deps.signIns.getSignIn(state.signInId) : null;
      // A sign-in record of someone else (never expected) is not shown as this user's.
      const context = signIn && signIn.userId === userId ? signIn.context : null;
      const lastSeen = lastSeenOf(entry);
      return {
        sortKey: lastSeen ?? 0,
        row: {
          handle: deps.handleOf(entry.sid),
          current: entry.sid === currentSid,
          signedInAt: typeof state.authAt === 'number' ? formatTime(state.authAt) : null,
          lastSeenAt: lastSeen === null ? null : formatTime(lastSeen),
          device: context ? formatDevice(context) : 'an unknown browser',
          place: context ? formatPlace(context) : 'an unknown location',
          ip: context?.ip ?? null,
        },
      };
    }),
  );
  // This browser first, then the most recently used.
  rows.sort((a, b) => Number(b.row.current) - Number(a.row.current) || b.sortKey - a.sortKey);
  return rows.map((r) => r.row);
}

/** Ends the user's session whose handle this is; false when none of theirs has it (already ended). */
export async function endSession(deps: SessionListDeps, userId: string, handle: string): Promise<boolean> {
  const entries = await deps.sessions.userSessions(userId);
  const target = entries.find((entry) => deps.handleOf(entry.sid) === handle);
  return target ? deps.sessions.destroyUserSession(userId, target.sid) : false;
}
