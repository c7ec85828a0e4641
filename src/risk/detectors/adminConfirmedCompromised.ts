/** Not a sign-in detector: the draft an administrator's "confirm compromised" adds (high, user). */
import type { DetectionDraft } from '../../domain/risk.js';

export function adminConfirmedCompromised(signInId: string | null): DetectionDraft {
  return {
    type: 'adminConfirmedCompromised',
    level: 'high',
    timing: 'offline',
    scope: 'user',
    reason: 'An administrator confirmed this account compromised',
    evidence: signInId ? { signInId } : {},
  };
}
