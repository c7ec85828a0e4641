/**
 * MFA registration (reference 002): explain -> QR code and key, verify a code -> recovery codes shown
 * once. "Skip for now" is a transition only while the grace period lasts (checked by the step).
 */
import type { FlowMachine } from './machine.js';

export const mfaRegistrationFlow: FlowMachine = {
  kind: 'mfaRegistration',
  initial: 'register',
  transitions: {
    // Only when MFA was required of a user without one and policies allow it: prove the mailbox first.
    'email-code': { codeSent: 'email-code', emailVerified: 'register', tooManyAttempts: 'locked' },
    register: { start: 'register-verify', skip: 'done' },
    'register-verify': { verified: 'recovery-codes' },
    'recovery-codes': { confirmed: 'done' },
  },
};
