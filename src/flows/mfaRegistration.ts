/**
 * MFA registration (reference 002): explain -> QR code and key, verify a code -> recovery codes shown
 * once. "Skip for now" is a transition only while the grace period lasts (checked by the step).
 */
import type { FlowMachine } from './machine.js';

export const mfaRegistrationFlow: FlowMachine = {
  kind: 'mfaRegistration',
  initial: 'register',
  transitions: {
    register: { start: 'register-verify', skip: 'done' },
    'register-verify': { verified: 'recovery-codes' },
    'recovery-codes': { confirmed: 'done' },
  },
};
