/**
 * Setting a new password chosen by the user: one set of rules and one set of consequences for the
 * forced change in the flows and the self-service change on the account page, so the two can never
 * drift apart (a rule added to one page but not the other would be a way around it).
 */
import { z } from 'zod';
import { checkNewPassword } from '../auth/passwordRules.js';
import type { DirectoryUser, UserDirectory } from '../domain/identity.js';
import type { Store } from '../storage/types.js';
import type { AccountNotices, PasswordChange } from '../notify/userNotices.js';
import type { RiskService } from './riskService.js';

/**
 * The two password fields of every "choose a new password" form. The 1024 bound only keeps request
 * handling cheap; the rules (checkNewPassword) refuse more than 128 characters with a clear message.
 */
export const newPasswordFields = {
  newPassword: z
    .string({ message: 'Enter a new password.' })
    .min(1, 'Enter a new password.')
    .max(1024, 'That password is too long: use at most 128 characters.'),
  confirmPassword: z
    .string({ message: 'Enter the new password again.' })
    .max(1024, 'That password is too long: use at most 128 characters.'),
};

export interface NewPasswordInput {
  newPassword: string;
  confirmPassword: string;
}

export interface NewPasswordDeps {
  store: Store;
  directory: UserDirectory;
  risk: RiskService;
  minLength: number;
  notify: Pick<AccountNotices, 'passwordChanged'>;
  /** The configured breach corpus (RISKGATE_BREACH_CORPUS); the built-in common list is in the rules. */
  breached: (password: string) => Promise<boolean>;
}

const BREACHED = 'This password has appeared in a data breach. Choose another.';

export interface NewPasswordRefusal {
  message: string;
  /** The field to mark invalid on the page. */
  field: 'newPassword' | 'confirmPassword';
}

/** Why a new password cannot be used, in words for the page; null when it can. */
export async function refuseNewPassword(
  deps: NewPasswordDeps,
  user: DirectoryUser,
  input: NewPasswordInput,
): Promise<NewPasswordRefusal | null> {
  const refuse = (message: string): NewPasswordRefusal => ({ message, field: 'newPassword' });
  if (input.newPassword !== input.confirmPassword) {
    return { message: 'The two passwords do not match.', field: 'confirmPassword' };
  }
  const verdict = checkNewPassword(input.newPassword, { username: user.username, minLength: deps.minLength });
  if (!verdict.ok) return refuse(verdict.message);
  // A password the sign-in pipeline would flag as leaked would send the user straight back here.
  if (await deps.breached(input.newPassword)) return refuse(BREACHED);
  if (await deps.directory.verifyPassword(user, input.newPassword)) {
    return refuse('Choose a password different from your current one.');
  }
  return null;
}

export interface ApplyOptions {
  /** What the mail to the owner says happened. */
  how: PasswordChange;
  /**
   * Whether the change closes the user's detections. Only a change made after a second factor is a
   * secure password change: whoever holds a leaked password could otherwise "remediate" the very risk
   * its leak raised.
   */
  remediate: boolean;
  /** Signs out the user's other sessions (the caller knows which session, if any, to keep). */
  revokeOtherSessions: (userId: string) => Promise<void>;
}

/** Stores the new password (argon2id, in the directory), then signs out elsewhere and tells the owner. */
export async function applyNewPassword(
  deps: NewPasswordDeps,
  user: DirectoryUser,
  password: string,
  options: ApplyOptions,
  now: number,
): Promise<void> {
  await deps.directory.setPassword(user, password);
  await deps.store.identities.updateIdentity(
    user.id,
    { mustChangePassword: false, passwordResetRequired: false },
    now,
  );
  if (options.remediate) await deps.risk.remediateUser(user.id, now);
  await options.revokeOtherSessions(user.id);
  deps.notify.passwordChanged(user.id, options.how);
}
