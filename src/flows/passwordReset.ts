/**
 * "Forgot password" (ASVS 2.5.6): the mailed link is the flow's key instead of a session. A user with
 * an authenticator proves it first (TOTP or recovery code), so a mailbox alone never takes over an
 * account that has a second factor. Driven by src/remediation/passwordReset.ts, not FlowService: it
 * ends on the sign-in page (no sign-in of its own).
 */
import type { FlowMachine } from './machine.js';

export const passwordResetFlow: FlowMachine = {
  kind: 'passwordReset',
  initial: 'change-password',
  transitions: {
    // Too many wrong codes delete the record: the link stops working (no locked page to keep).
    mfa: { verified: 'change-password' },
    'change-password': { changed: 'done' },
  },
};
