/** What the policies say about one sign-in. Routes match it exhaustively. */

export type BlockReason = 'userRisk' | 'signInRisk' | 'mfaNotRegistered' | 'admin';
export type PasswordChangeReason = 'userRisk' | 'adminReset' | 'temporaryPassword';

export type Decision =
  | { kind: 'allow' }
  | { kind: 'requireMfa' }
  /** `mfaFirst` is false only for an admin-issued temporary password with no other risk. */
  | { kind: 'requirePasswordChange'; reason: PasswordChangeReason; mfaFirst: boolean }
  /**
   * `skippableUntil` (ms) is present while the grace period lasts. `emailCodeFirst`: MFA was required
   * of a user without an authenticator and policies allow registration after an email code.
   */
  | { kind: 'requireMfaRegistration'; skippableUntil: number | null; emailCodeFirst?: boolean }
  | { kind: 'block'; reason: BlockReason };

export type DecisionKind = Decision['kind'];

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
