import type { StepName } from '../machine.js';
import type { Step } from './step.js';
import { noticeStep } from './notice.js';
import { mfaStep } from './mfa.js';
import { changePasswordStep } from './changePassword.js';
import { registerStep, registerVerifyStep, recoveryCodesStep } from './register.js';
import { blockedStep, lockedStep, reportedStep } from './terminal.js';
import { emailCodeStep } from './emailCode.js';

// submit is declared with method syntax, so a Step<{ code: string }> is a Step<unknown>.
export const STEPS: Record<StepName, Step<unknown>> = {
  notice: noticeStep,
  mfa: mfaStep,
  'change-password': changePasswordStep,
  'email-code': emailCodeStep,
  register: registerStep,
  'register-verify': registerVerifyStep,
  'recovery-codes': recoveryCodesStep,
  blocked: blockedStep,
  reported: reportedStep,
  locked: lockedStep,
};
