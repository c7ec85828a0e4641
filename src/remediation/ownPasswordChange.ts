/**
 * A signed-in user changes their own password (ASVS 2.1.5, 2.1.6). The current password is required:
 * a session cookie stolen or left open on a shared computer must not be enough to take the account
 * over. Its tries are capped per user, each taken atomically before the password is checked (a
 * check-then-count cap lets parallel guesses past it). A correct current password clears the count.
 */
import type { DirectoryUser } from '../domain/identity.js';
import {
  applyNewPassword,
  refuseNewPassword,
  type NewPasswordDeps,
  type NewPasswordInput,
} from './passwordChange.js';

export interface OwnPasswordChangeDeps extends NewPasswordDeps {
  maxTries: number;
  triesWindowMs: number;
}

export interface OwnPasswordChange extends NewPasswordInput {
  currentPassword: string;
  /** A second factor was verified in this session: the change is a secure one and remediates risk. */
  mfaVerified: boolean;
  /** Renews the caller's session and signs out every other one (the web layer owns the session). */
  revokeOtherSessions: (userId: string) => Promise<void>;
}

export type OwnPasswordChangeResult =
  | { ok: true }
  | {
      ok: false;
      reason: 'wrongCurrent' | 'tooManyTries' | 'refused';
      message: string;
      field: 'currentPassword' | 'newPassword' | 'confirmPassword' | null;
    };

export const WRONG_CURRENT = 'Your current password is not correct. Nothing was changed.';
export const TOO_MANY_TRIES =
  'Too many tries with a wrong current password. Wait a few minutes, then try again. Nothing was changed.';

export function changeTriesKey(userId: string): string {
  return `own-password-change:${userId}`;
}

export async function changeOwnPassword(
  deps: OwnPasswordChangeDeps,
  user: DirectoryUser,
  change: OwnPasswordChange,
  now: number,
): Promise<OwnPasswordChangeResult> {
  const key = changeTriesKey(user.id);
  const tries = await deps.store.counters.increment(key, deps.triesWindowMs, now);
  if (tries > deps.maxTries) {
    return { ok: false, reason: 'tooManyTries', message: TOO_MANY_TRIES, field: null };
  }
  if (!(await deps.directory.verifyPassword(user, change.currentPassword))) {
    return { ok: false, reason: 'wrongCurrent', message: WRONG_CURRENT, field: 'currentPassword' };
  }
  await deps.store.counters.reset(key);
  const refused = await refuseNewPassword(deps, user, change);
  if (refused) return { ok: false, reason: 'refused', ...refused };
  await applyNewPassword(
    deps,
    user,
    change.newPassword,
    { how: 'self', remediate: change.mfaVerified, revokeOtherSessions: change.revokeOtherSessions },
    now,
  );
  return { ok: true };
}
