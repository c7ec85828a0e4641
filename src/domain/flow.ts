/** A flow is a server-side state machine that walks one interrupted sign-in to its end. */

export const FLOW_KINDS = [
  'riskySignIn', // notice -> MFA
  'compromisedAccount', // notice -> MFA -> password change (user risk or admin-required reset)
  'temporaryPassword', // password change
  'mfaRegistration', // explain -> scan + verify -> recovery codes
  'blocked', // terminal page with a reference id
  'passwordReset', // "forgot password" link: MFA (if registered) -> new password; keyed by the link, not a session
] as const;
export type FlowKind = (typeof FLOW_KINDS)[number];

export interface FlowRecord {
  id: string;
  kind: FlowKind;
  userId: string;
  signInId: string;
  state: string;
  /** Bumped on every transition; a POST carries the version it was rendered at (stale posts fail). */
  version: number;
  /** Flow-specific JSON: pending TOTP secret (encrypted), block reason, returnTo, what is satisfied. */
  data: Record<string, unknown>;
  attempts: number;
  createdAt: number;
  expiresAt: number;
}
