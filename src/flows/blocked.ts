/** Blocked (user risk, sign-in risk, no MFA registered, or admin): a terminal page with a reference id. */
import type { FlowMachine } from './machine.js';

export const blockedFlow: FlowMachine = {
  kind: 'blocked',
  initial: 'blocked',
  transitions: {},
};
