/** Risky sign-in recovery (reference 002): notice -> MFA -> signed in. "This wasn't me" ends it. */
import type { FlowMachine } from './machine.js';

export const riskySignInFlow: FlowMachine = {
  kind: 'riskySignIn',
  initial: 'notice',
  transitions: {
    notice: { continue: 'mfa', notMe: 'reported' },
    mfa: { verified: 'done', tooManyAttempts: 'locked' },
  },
};
