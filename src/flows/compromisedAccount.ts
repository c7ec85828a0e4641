/**
 * Compromised account recovery (reference 002), also used for an admin-required reset:
 * notice -> MFA -> forced password change. When MFA was already passed in this sign-in (a risky
 * sign-in flow came first), the notice leads straight to the password change.
 */
import type { FlowMachine } from './machine.js';

export const compromisedAccountFlow: FlowMachine = {
  kind: 'compromisedAccount',
  initial: 'notice',
  transitions: {
    notice: { continue: 'mfa', continueVerified: 'change-password' },
    mfa: { verified: 'change-password', tooManyAttempts: 'locked' },
    'change-password': { changed: 'done' },
  },
};
