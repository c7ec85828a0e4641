/**
 * The MFA challenge: a TOTP or recovery code. Attempts are capped per flow (an atomic guarded
 * increment taken before checking, so parallel guesses cannot exceed it) and per user across flows
 * (likewise taken before checking).
 */
import { z } from 'zod';
import { defineStep, type StepContext } from './step.js';

/** The code field of every MFA challenge (sign-in flows and the admin console's step-up). */
export const mfaInput = z.object({
  code: z
    .string({ message: 'Enter the code from your authenticator app.' })
    .trim()
    .min(1, 'Enter the code from your authenticator app.')
    .max(20, 'That code is too long: enter the 6-digit code or a recovery code.'),
});

function attemptsLeft({ flow, services }: StepContext): number {
  return Math.max(0, services.config.mfa.maxAttemptsPerFlow - flow.attempts);
}

export const mfaStep = defineStep({
  view: 'flow/mfa',
  title: 'Enter your verification code',
  input: mfaInput,
  locals: (ctx) => ({ attemptsLeft: attemptsLeft(ctx) }),
  async submit(ctx, input) {
    const { flow, now, services } = ctx;
    const { mfa } = services.config;
    const userKey = `mfa-failures:${flow.userId}`;
    const windowMs = mfa.failureWindowSeconds * 1000;
    if ((await services.store.counters.count(userKey, now)) >= mfa.maxFailuresPerUser) {
      return { event: 'tooManyAttempts' };
    }
    const attempt = await services.store.flows.addFlowAttempt(flow.id, mfa.maxAttemptsPerFlow);
    if (attempt === null) return { event: 'tooManyAttempts' };
    flow.attempts = attempt;
    // The per-user try is taken before the code is checked, atomically like the per-flow one: a
    // check-then-count cap let ten flows guessing at once all past it (test/security/mfaAttacks).
    if ((await services.store.counters.increment(userKey, windowMs, now)) > mfa.maxFailuresPerUser) {
      return { event: 'tooManyAttempts' };
    }
    const method = await services.secondFactor.verify(flow.userId, input.code, now, flow.signInId);
    if (method) {
      // The holder of the authenticator starts again, as a good password does for lockout: without
      // this, a user's own successful sign-ins used up their tries and locked them out.
      await services.store.counters.reset(userKey);
      await services.risk.remediateSignIn(flow.userId, flow.signInId, now);
      return { event: 'verified', satisfied: { mfa: true } };
    }
    if (attempt >= mfa.maxAttemptsPerFlow) {
      await services.store.signIns.updateSignInOutcome(flow.signInId, 'mfaFailed', now);
      return { event: 'tooManyAttempts' };
    }
    return { error: 'That code did not work. Check your authenticator app and try again.' };
  },
});
