import type { FlowKind } from '../domain/flow.js';
import type { FlowMachine } from './machine.js';
import { riskySignInFlow } from './riskySignIn.js';
import { compromisedAccountFlow } from './compromisedAccount.js';
import { temporaryPasswordFlow } from './temporaryPassword.js';
import { mfaRegistrationFlow } from './mfaRegistration.js';
import { blockedFlow } from './blocked.js';
import { passwordResetFlow } from './passwordReset.js';

export const FLOW_MACHINES: Record<FlowKind, FlowMachine> = {
  riskySignIn: riskySignInFlow,
  compromisedAccount: compromisedAccountFlow,
  temporaryPassword: temporaryPasswordFlow,
  mfaRegistration: mfaRegistrationFlow,
  blocked: blockedFlow,
  passwordReset: passwordResetFlow,
};
