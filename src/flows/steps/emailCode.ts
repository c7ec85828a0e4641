/**
 * Registration during a risky sign-in, when policies allow it (unregisteredUsers:
 * registerWithEmailCode): before anyone holding the password can register an authenticator, they must
 * show they read the account's mailbox. A 6-digit code is mailed on request (never on GET), sealed in
 * the flow, valid for 10 minutes; sends and guesses are capped per flow.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { defineStep } from './step.js';

const CODE_TTL_MS = 10 * 60_000;
const RESEND_AFTER_MS = 60_000;
const MAX_SENDS = 5;

const emailCodeInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('send') }),
  z.object({
    action: z.literal('verify'),
    code: z
      .string({ message: 'Enter the 6-digit code from the email.' })
      .trim()
      .regex(/^\d{6}$/, 'Enter the 6-digit code from the email.'),
  }),
]);

export const emailCodeStep = defineStep({
  view: 'flow/email-code',
  title: 'Check your email',
  input: emailCodeInput,
  locals: ({ data }) => ({ sent: data.emailCodeSentAt !== undefined }),
  async submit({ flow, data, user, now, services }, input) {
    if (input.action === 'send') {
      const sent = data.emailCodesSent ?? 0;
      if (sent >= MAX_SENDS) return { error: 'Too many codes were sent. Sign in again later.', status: 429 };
      if (data.emailCodeSentAt !== undefined && now - data.emailCodeSentAt < RESEND_AFTER_MS)
        return { error: 'A code was sent less than a minute ago. Check your inbox and spam folder.' };
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      services.notify.emailCode(user.id, code);
      return {
        event: 'codeSent',
        data: { sealedEmailCode: services.totp.seal(code), emailCodeSentAt: now, emailCodesSent: sent + 1 },
      };
    }
    if (!data.sealedEmailCode || data.emailCodeSentAt === undefined)
      return { error: 'Ask for a code first.' };
    const attempt = await services.store.flows.addFlowAttempt(
      flow.id,
      services.config.mfa.maxAttemptsPerFlow,
    );
    if (attempt === null) return { event: 'tooManyAttempts' };
    if (now - data.emailCodeSentAt > CODE_TTL_MS) return { error: 'That code has expired. Send a new one.' };
    const expected = Buffer.from(services.totp.open(data.sealedEmailCode));
    if (!timingSafeEqual(expected, Buffer.from(input.code))) {
      if (attempt >= services.config.mfa.maxAttemptsPerFlow) return { event: 'tooManyAttempts' };
      return { error: 'That code did not work. Check the newest email and try again.' };
    }
    return { event: 'emailVerified', data: { sealedEmailCode: undefined, emailVerified: true } };
  },
});
