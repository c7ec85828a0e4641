/**
 * The forced password change. A new password must pass NIST SP 800-63B rules and not be the current
 * one. Success remediates the user (all detections closed), clears admin flags and signs out every
 * other session.
 */
import { z } from 'zod';
import { checkNewPassword } from '../../auth/passwordRules.js';
import { defineStep } from './step.js';
import type { PasswordChangeReason } from '../../domain/decision.js';
import type { PasswordChange } from '../../notify/userNotices.js';

const PASSWORD_CHANGE_FOR: Record<PasswordChangeReason, PasswordChange> = {
  userRisk: 'afterRisk',
  adminReset: 'adminReset',
  temporaryPassword: 'temporaryPassword',
};

const changePasswordInput = z.object({
  newPassword: z
    .string({ message: 'Enter a new password.' })
    .min(1, 'Enter a new password.')
    .max(1024, 'That password is too long.'),
  confirmPassword: z
    .string({ message: 'Enter the new password again.' })
    .max(1024, 'That password is too long.'),
});

export const changePasswordStep = defineStep({
  view: 'flow/change-password',
  title: 'Choose a new password',
  input: changePasswordInput,
  locals: ({ data, services }) => ({
    minLength: services.config.password.minLength,
    reason: data.passwordReason ?? 'userRisk',
  }),
  async submit({ user, data, now, services }, input) {
    if (input.newPassword !== input.confirmPassword) return { error: 'The two passwords do not match.' };
    const verdict = checkNewPassword(input.newPassword, {
      username: user.username,
      minLength: services.config.password.minLength,
    });
    if (!verdict.ok) return { error: verdict.message };
    if (await services.directory.verifyPassword(user, input.newPassword)) {
      return { error: 'Choose a password different from your current one.' };
    }
    await services.directory.setPassword(user, input.newPassword);
    await services.store.identities.updateIdentity(
      user.id,
      { mustChangePassword: false, passwordResetRequired: false },
      now,
    );
    await services.risk.remediateUser(user.id, now);
    await services.revokeOtherSessions(user.id);
    services.notify.passwordChanged(user.id, PASSWORD_CHANGE_FOR[data.passwordReason ?? 'userRisk']);
    return { event: 'changed', satisfied: { passwordChanged: true } };
  },
});
