/**
 * MFA registration: explain (with "skip for now" during the grace period) -> scan and verify ->
 * recovery codes shown once. The seed stays sealed in the flow until a code proves the app has it.
 */
import { z } from 'zod';
import { defineStep } from './step.js';
import { hasMfa } from '../../domain/identity.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const registerInput = z.object({
  action: z.enum(['start', 'skip'], { message: 'Choose one of the buttons.' }),
});

function daysLeft(skippableUntil: number | null | undefined, now: number): number | null {
  if (skippableUntil === null || skippableUntil === undefined || skippableUntil <= now) return null;
  return Math.max(1, Math.ceil((skippableUntil - now) / DAY_MS));
}

export const registerStep = defineStep({
  view: 'flow/register-intro',
  title: 'Set up an authenticator app',
  input: registerInput,
  locals: ({ data, now }) => {
    const left = daysLeft(data.skippableUntil, now);
    return { daysLeft: left, mandatory: left === null };
  },
  async submit({ data, now, services }, input) {
    if (input.action === 'skip') {
      // The grace period is re-checked here: a skip button kept open past the deadline does not work.
      if (daysLeft(data.skippableUntil, now) === null)
        return { error: 'Registration can no longer be skipped.' };
      return { event: 'skip', satisfied: { registrationSkipped: true } };
    }
    return { event: 'start', data: { pendingSecret: services.totp.seal(services.totp.newSecret()) } };
  },
});

const verifyInput = z.object({
  code: z
    .string({ message: 'Enter the 6-digit code from your authenticator app.' })
    .trim()
    .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.'),
});

function groupKey(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

export const registerVerifyStep = defineStep({
  view: 'flow/register-scan',
  title: 'Scan the QR code',
  input: verifyInput,
  async locals({ data, user, services }) {
    const secret = services.totp.open(data.pendingSecret!);
    const qrDataUrl = await services.totp.qrDataUrl(services.totp.uri(secret, user.username));
    return { qrDataUrl, manualKey: groupKey(secret) };
  },
  async submit({ data, user, now, services }, input) {
    const secret = services.totp.open(data.pendingSecret!);
    const hadMfa = hasMfa(await services.store.identities.getIdentity(user.id));
    if (!(await services.totp.register(user.id, secret, input.code, now))) {
      return { error: 'That code did not work. Check the time on your phone and enter the newest code.' };
    }
    const codes = await services.recoveryCodes.issue(user.id);
    services.notify.mfaChanged(user.id, hadMfa ? 'replaced' : 'registered');
    return {
      event: 'verified',
      data: { pendingSecret: undefined, sealedRecoveryCodes: services.totp.seal(JSON.stringify(codes)) },
      // After an email code, the mailbox plus the new authenticator answer this sign-in's MFA requirement.
      satisfied: data.emailVerified ? { mfa: true } : undefined,
    };
  },
});

export const recoveryCodesStep = defineStep({
  view: 'flow/recovery-codes',
  title: 'Save your recovery codes',
  input: z.object({}),
  locals: ({ data, services }) => ({
    codes: JSON.parse(services.totp.open(data.sealedRecoveryCodes!)) as string[],
  }),
  async submit() {
    // Dropping the sealed codes from the flow makes "shown once" literal.
    return { event: 'confirmed', data: { sealedRecoveryCodes: undefined } };
  },
});
