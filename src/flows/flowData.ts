/** The JSON a flow carries between requests. Secrets inside are sealed, never plain. */
import type { BlockReason, PasswordChangeReason } from '../domain/decision.js';
import type { RiskLevel } from '../domain/risk.js';
import type { Satisfied } from '../policy/evaluate.js';
import type { FlowRecord } from '../domain/flow.js';

export interface FlowData {
  returnTo: string;
  signInRisk: RiskLevel;
  satisfied: Satisfied;
  /** Plain-language reasons shown on the risky sign-in notice. */
  reasons?: string[];
  passwordReason?: PasswordChangeReason;
  blockReason?: BlockReason;
  /** Registration: end of the grace period (ms), null when registration cannot be skipped. */
  skippableUntil?: number | null;
  /** Registration: the new TOTP seed, sealed, until the user proves it works. */
  pendingSecret?: string;
  /** Registration after an email code (unregisteredUsers: registerWithEmailCode). */
  emailCode?: boolean;
  /** The mailed code, sealed, with when it was sent; how many were sent in this flow. */
  sealedEmailCode?: string;
  emailCodeSentAt?: number;
  emailCodesSent?: number;
  emailVerified?: boolean;
  /** Registration: the recovery codes to show once, sealed, until the user confirms. */
  sealedRecoveryCodes?: string;
}

export function flowData(flow: FlowRecord): FlowData {
  return flow.data as unknown as FlowData;
}
