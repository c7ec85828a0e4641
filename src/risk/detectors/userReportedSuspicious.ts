/**
 * The user said "this wasn't me". Not run at sign-in: remediation creates it when the user reports.
 * It is about the account (someone else has the password), so the scope is "user" and the level high.
 */
import type { DetectionDraft } from '../../domain/risk.js';

export function userReportedSuspicious(signInId: string): DetectionDraft {
  return {
    type: 'userReportedSuspicious',
    level: 'high',
    timing: 'realtime',
    scope: 'user',
    reason: 'The user reported a sign-in as not theirs',
    evidence: { signInId },
  };
}
