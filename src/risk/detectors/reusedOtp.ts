/**
 * A TOTP code entered again after its time step was used (ASVS 2.8.5). The code was refused; the
 * detection says someone may be watching or relaying the user's codes (a real-time phishing proxy
 * uses the code first, so the user's own entry arrives second). Low: a double submit looks the same,
 * and `concurrent` in the evidence tells the two kinds apart for the admin. Never carries the code.
 */
import type { DetectionDraft } from '../../domain/risk.js';

/** On a sign-in (its flow or its session) when there is one, else on the user. */
export function reusedOtp(concurrent: boolean, onSignIn: boolean): DetectionDraft {
  return {
    type: 'reusedOtp',
    level: 'low',
    timing: 'realtime',
    scope: onSignIn ? 'signIn' : 'user',
    reason: concurrent
      ? 'The same verification code was sent twice at once'
      : 'A verification code that had already been used was entered again',
    evidence: { concurrent },
  };
}
