/**
 * How long a signed-in session lives (ASVS 3.3.2): a fixed time after sign-in however busy it is, and
 * less when it sits unused. express-session renews the stored expiry on every request it serves, so
 * the store alone would keep a replayed cookie alive for as long as it is used once per lifetime; the
 * limits are therefore measured here, from times kept in the session, on the Riskgate clock.
 */
import type { RiskgateSessionData } from './session.js';

export interface SessionLifetime {
  /** From sign-in (`authAt`): never extended by use, step-up or a password change. */
  maxAgeMs: number;
  /** Since the session was last used (`seenAt`, else `authAt`); 0 = no idle limit. */
  idleMs: number;
}

/**
 * How stale `seenAt` may get before a request writes it again: one session write per minute of use at
 * most, instead of one per request, at the cost of an idle limit that is up to a minute early.
 */
export const SEEN_STEP_MS = 60_000;

export type SessionEnd = 'maxAge' | 'idle';

/** Why a signed-in session is over at `now`, or null while it lives. Anonymous sessions never end here. */
export function sessionEnd(
  state: RiskgateSessionData | undefined,
  lifetime: SessionLifetime,
  now: number,
): SessionEnd | null {
  if (state?.userId === undefined) return null;
  // A signed-in session without a sign-in time cannot be shown to be young: fail closed.
  if (typeof state.authAt !== 'number' || !Number.isFinite(state.authAt)) return 'maxAge';
  if (now - state.authAt >= lifetime.maxAgeMs) return 'maxAge';
  if (lifetime.idleMs > 0) {
    const seenAt = typeof state.seenAt === 'number' ? Math.max(state.seenAt, state.authAt) : state.authAt;
    if (now - seenAt >= lifetime.idleMs) return 'idle';
  }
  return null;
}

/** Whether this request should record itself as the session's latest use. */
export function shouldMarkSeen(state: RiskgateSessionData, lifetime: SessionLifetime, now: number): boolean {
  if (lifetime.idleMs <= 0) return false;
  const seenAt = state.seenAt ?? state.authAt ?? 0;
  return now - seenAt >= Math.min(SEEN_STEP_MS, lifetime.idleMs / 10);
}
