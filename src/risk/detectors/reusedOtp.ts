/**
 * A TOTP code entered again after its time step was used (ASVS 2.8.5). The code was refused; the
 * detection says someone may be watching or relaying the user's codes (a real-time phishing proxy
 * uses the code first, so the user's own entry arrives second). Low: the user may simply have signed
 * in twice within one time step. A double submit (both posts at once) is not recorded at all
 * (src/mfa/reuseReport.ts). Never carries the code.
 */
import type { DetectionDraft } from '../../domain/risk.js';

/** On a sign-in (its flow or its session) when there is one, else on the user. */
export function reusedOtp(onSignIn: boolean): DetectionDraft {
  return {
    type: 'reusedOtp',
    level: 'low',
    timing: 'realtime',
    scope: onSignIn ? 'signIn' : 'user',
    reason: 'A verification code that had already been used was entered again',
  };
}
