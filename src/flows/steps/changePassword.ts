/**
 * The forced password change. The rules and consequences are the shared ones
 * (remediation/passwordChange.ts); here the change always remediates (the flow put MFA or an
 * administrator's temporary password first) and signs out every other session.
 */
import { z } from 'zod';
import { defineStep, type StepContext } from './step.js';
import type { PasswordChangeReason } from '../../domain/decision.js';
import type { PasswordChange } from '../../notify/userNotices.js';
import {
  applyNewPassword,
  newPasswordFields,
  refuseNewPassword,
  type NewPasswordDeps,
} from '../../remediation/passwordChange.js';

const PASSWORD_CHANGE_FOR: Record<PasswordChangeReason, PasswordChange> = {
  userRisk: 'afterRisk',
  adminReset: 'adminReset',
  temporaryPassword: 'temporaryPassword',
};

const changePasswordInput = z.object(newPasswordFields);

function passwordDeps({ services }: StepContext): NewPasswordDeps {
  const { store, directory, risk, config, notify, breached } = services;
  return { store, directory, risk, notify, breached, minLength: config.password.minLength };
}

export const changePasswordStep = defineStep({
  view: 'flow/change-password',
  title: 'Choose a new password',
  input: changePasswordInput,
  locals: ({ data, services }) => ({
    minLength: services.config.password.minLength,
    reason: data.passwordReason ?? 'userRisk',
  }),
  async submit(ctx, input) {
    const { user, data, now, services } = ctx;
    const deps = passwordDeps(ctx);
    const refused = await refuseNewPassword(deps, user, input);
    if (refused) return { error: refused.message };
    await applyNewPassword(
      deps,
      user,
      input.newPassword,
      {
        how: PASSWORD_CHANGE_FOR[data.passwordReason ?? 'userRisk'],
        remediate: true,
        revokeOtherSessions: services.revokeOtherSessions,
      },
      now,
    );
    return { event: 'changed', satisfied: { passwordChanged: true } };
  },
});
