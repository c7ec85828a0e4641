/**
 * The admin actions by URL segment, shared by the console forms and the JSON API so both accept the
 * same input (one zod schema each), call the same service, and answer the same way.
 */
import type { z } from 'zod';
import type { ActorRef } from '../storage/adminTypes.js';
import type { AdminActions } from './actions.js';
import { closeDetectionInput, excludeInput, reasonInput } from './schemas.js';

export interface ActionSpec<S extends z.ZodType = z.ZodType> {
  label: string;
  /** What the console's confirmation page says will happen. */
  explain: string;
  destructive: boolean;
  input: S;
  run(
    actions: AdminActions,
    actor: ActorRef,
    id: string,
    input: z.infer<S>,
  ): Promise<Record<string, unknown>>;
  /** Shown once on the answer (a temporary password); never stored. */
  secret?: string;
}

function spec<S extends z.ZodType>(s: ActionSpec<S>): ActionSpec<S> {
  return s;
}

export const USER_ACTIONS = {
  'confirm-compromised': spec({
    label: 'Confirm user compromised',
    explain:
      'Raises the user risk to high and marks the account confirmed compromised. Then reset the password and revoke sessions.',
    destructive: true,
    input: reasonInput,
    run: async (a, actor, id, { reason }) => (await a.confirmUserCompromised(actor, id, reason), {}),
  }),
  'dismiss-risk': spec({
    label: 'Dismiss user risk',
    explain:
      'Closes every active detection (final: they cannot be reactivated). The password is not changed, so the account is not made safe.',
    destructive: true,
    input: reasonInput,
    run: async (a, actor, id, { reason }) => ({
      detectionsClosed: await a.dismissUserRisk(actor, id, reason),
    }),
  }),
  'temporary-password': spec({
    label: 'Generate a temporary password',
    explain:
      'Replaces the password with a temporary one shown once to you; closes every detection (remediated) and signs the user out everywhere. At the next sign-in they must choose a new password.',
    destructive: true,
    input: reasonInput,
    secret: 'temporaryPassword',
    run: async (a, actor, id, { reason }) => ({
      temporaryPassword: await a.temporaryPassword(actor, id, reason),
    }),
  }),
  'require-password-reset': spec({
    label: 'Require password reset',
    explain:
      'At the next sign-in the user passes MFA, then must change the password. Only for users with an authenticator.',
    destructive: true,
    input: reasonInput,
    run: async (a, actor, id, { reason }) => (await a.requirePasswordReset(actor, id, reason), {}),
  }),
  'reset-mfa': spec({
    label: 'Reset MFA',
    explain: 'Removes the authenticator and recovery codes. The user must register a new authenticator.',
    destructive: true,
    input: reasonInput,
    run: async (a, actor, id, { reason }) => (await a.resetMfa(actor, id, reason), {}),
  }),
  block: spec({
    label: 'Block',
    explain: 'The user cannot sign in until unblocked, and every session ends now.',
    destructive: true,
    input: reasonInput,
    run: async (a, actor, id, { reason }) => ({ sessionsRevoked: await a.block(actor, id, reason) }),
  }),
  unblock: spec({
    label: 'Unblock',
    explain: 'The user can sign in again (policies still apply).',
    destructive: false,
    input: reasonInput,
    run: async (a, actor, id, { reason }) => (await a.unblock(actor, id, reason), {}),
  }),
  'revoke-sessions': spec({
    label: 'Revoke all sessions',
    explain: 'Signs the user out everywhere, on every instance.',
    destructive: true,
    input: reasonInput,
    run: async (a, actor, id, { reason }) => ({ sessionsRevoked: await a.revokeSessions(actor, id, reason) }),
  }),
  'exclude-from-policy': spec({
    label: 'Exclude from a policy',
    explain: 'Adds the user to the policy’s exclude list: the policy no longer applies to them.',
    destructive: true,
    input: excludeInput,
    run: async (a, actor, id, { policy, reason }) => (
      await a.excludeFromPolicy(actor, id, policy, reason),
      { policy }
    ),
  }),
} as const satisfies Record<string, ActionSpec>;

export const SIGN_IN_ACTIONS = {
  'confirm-safe': spec({
    label: 'Confirm sign-in safe',
    explain: 'Its detections close as false positives and its properties become familiar for this user.',
    destructive: false,
    input: reasonInput,
    run: async (a, actor, id, { reason }) => (await a.confirmSignInSafe(actor, id, reason), {}),
  }),
  'confirm-compromised': spec({
    label: 'Confirm sign-in compromised',
    explain:
      'Raises the user risk to high and marks the account confirmed compromised; nothing is learned from this sign-in.',
    destructive: true,
    input: reasonInput,
    run: async (a, actor, id, { reason }) => (await a.confirmSignInCompromised(actor, id, reason), {}),
  }),
} as const satisfies Record<string, ActionSpec>;

export const DETECTION_ACTIONS = {
  close: spec({
    label: 'Close detection',
    explain:
      'Resolved (you remediated outside Riskgate), false positive (the model learns), or ignored. It no longer counts toward user risk, and can be reactivated.',
    destructive: false,
    input: closeDetectionInput,
    run: async (a, actor, id, { how, reason }) => (
      await a.closeDetection(actor, id, how, reason),
      { closedBy: how }
    ),
  }),
  reactivate: spec({
    label: 'Reactivate detection',
    explain:
      'Makes a manually closed detection active again; it counts toward user risk. Remediated or dismissed detections cannot be reactivated.',
    destructive: false,
    input: reasonInput,
    run: async (a, actor, id, { reason }) => (await a.reactivateDetection(actor, id, reason), {}),
  }),
} as const satisfies Record<string, ActionSpec>;

export type ActionGroup = Record<string, ActionSpec>;
