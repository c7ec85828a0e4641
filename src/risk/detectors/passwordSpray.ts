/**
 * Password spray: one password tried against many accounts. Found offline from failed attempts'
 * keyed fingerprints (src/jobs/passwordSpray.ts); then, in real time, a sign-in that succeeds with a
 * sprayed password means attackers know this account's password.
 */
import type { DetectionDraft } from '../../domain/risk.js';
import type { Detector } from '../detector.js';

export function sprayCampaignDraft(accounts: number, ips: string[]): DetectionDraft {
  return {
    type: 'passwordSpray',
    level: 'high',
    timing: 'offline',
    scope: 'user',
    reason: `Signed in from an address that tried one password against ${accounts} accounts`,
    evidence: { accounts, ips: ips.slice(0, 20) },
  };
}

export const sprayedPassword: Detector = {
  type: 'passwordSpray',
  detect({ credential }) {
    if (!credential.sprayed) return [];
    return [
      {
        type: 'passwordSpray',
        level: 'high',
        timing: 'realtime',
        scope: 'user',
        reason: 'The password used was tried against many accounts in a password-spray attack',
      },
    ];
  },
};
