/**
 * Self-service "forgot password" (ASVS 2.5.6).
 *
 * - Asking for a link answers the same whatever the name: the rate limits are counted for every name
 *   alike, and the look-up, the link and the mail happen after the answer (in the background), so
 *   neither the message, the status nor the timing says whether the account exists.
 * - The link carries 256 random bits; the store keeps only its keyed hash (as the id of a
 *   `passwordReset` flow record), so a copy of the database opens nothing. It works once, for
 *   `linkMinutes`, and only the newest link of a user works (a per-user pointer names it).
 * - A user with an authenticator enters a code first (capped per link and per user, with the MFA
 *   step's own per-user counter, so links never give extra guesses); the new password then goes
 *   through the shared rules and effects (passwordChange.ts). No sign-in follows: the user signs in
 *   through the normal pipeline with the new password.
 * - Blocked users get no link; users at medium or high user risk without an authenticator get none
 *   either (a mailbox alone must not take over an account suspected to be compromised). Both are
 *   checked again when the link is used.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Keys } from '../crypto/keys.js';
import type { FlowRecord } from '../domain/flow.js';
import { hasMfa, type DirectoryUser, type Identity } from '../domain/identity.js';
import { passwordResetFlow } from '../flows/passwordReset.js';
import { nextState } from '../flows/machine.js';
import type { SecondFactor } from '../mfa/secondFactor.js';
import {
  applyNewPassword,
  refuseNewPassword,
  type NewPasswordDeps,
  type NewPasswordInput,
  type NewPasswordRefusal,
} from './passwordChange.js';

/** base64url of 32 random bytes. */
export const RESET_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface PasswordResetSettings {
  linkMinutes: number;
  maxPerUsername: number;
  maxPerIp: number;
  windowSeconds: number;
  /** Codes per link (the MFA step's per-flow cap) and per user per window (shared with the MFA step). */
  maxCodeAttempts: number;
  maxFailuresPerUser: number;
  failureWindowSeconds: number;
}

export interface PasswordResetDeps extends NewPasswordDeps {
  keys: Keys;
  secondFactor: SecondFactor;
  settings: PasswordResetSettings;
  /** Mails the link (the notices' templates and mailer). */
  mailLink: (user: DirectoryUser & { email: string }, token: string, minutes: number) => Promise<void>;
  /** Runs the look-up and mail after the answer; settled() in tests and shutdown wait for it. */
  background: (work: Promise<void>) => void;
  revokeSessions: (userId: string) => Promise<unknown>;
  now: () => number;
}

export type ResetLink =
  | { ok: true; record: FlowRecord; step: 'mfa' | 'change-password'; attemptsLeft: number }
  | { ok: false; reason: 'invalid' | 'unavailable' };

export type CodeResult = { ok: true } | { ok: false; reason: 'wrongCode'; attemptsLeft: number } | ResetGone;
export type ResetResult =
  { ok: true; userId: string } | ({ ok: false; reason: 'refused' } & NewPasswordRefusal) | ResetGone;
type ResetGone = { ok: false; reason: 'invalid' | 'unavailable' | 'tooManyAttempts' };

const BACKGROUND_DELAY_MS = 10;

/** Whether this identity may reset its password from a mailbox (see the header). */
export function mayReset(identity: Identity): boolean {
  if (identity.blocked) return false;
  return hasMfa(identity) || identity.riskLevel === 'none' || identity.riskLevel === 'low';
}

export class PasswordResets {
  constructor(private readonly deps: PasswordResetDeps) {}

  private recordId(token: string): string {
    return this.deps.keys.hash('password-reset', 'link', token);
  }

  private pointerId(userId: string): string {
    return this.deps.keys.hash('password-reset', 'user', userId);
  }

  /**
   * A request for a link. Returns whether the address is over its limit (the page says so: it says
   * nothing about the account); otherwise the work goes on in the background once `answered`
   * resolves (the web layer: when the response has been sent).
   */
  async request(username: string, ip: string, answered: Promise<unknown>): Promise<{ throttled: boolean }> {
    const { counters } = this.deps.store;
    const { settings } = this.deps;
    const now = this.deps.now();
    const windowMs = settings.windowSeconds * 1000;
    const [byIp, byName] = await Promise.all([
      counters.increment(`password-reset:ip:${ip}`, windowMs, now),
      counters.increment(`password-reset:user:${username.toLowerCase()}`, windowMs, now),
    ]);
    if (byIp > settings.maxPerIp) return { throttled: true };
    // Over the per-name limit: the same answer and no mail (no mail-bombing of the owner). Else the
    // link is prepared only once the answer has gone: the look-up and the mail take longer for a real
    // user, and on one event loop they would otherwise delay the answer (the session is saved before
    // it ends); and a moment later still, so they do not compete for the CPU while it is read.
    if (byName <= settings.maxPerUsername) {
      this.deps.background(
        answered.then(() => sleep(BACKGROUND_DELAY_MS)).then(() => this.issue(username, now)),
      );
    }
    return { throttled: false };
  }

  private async issue(username: string, now: number): Promise<void> {
    const user = await this.deps.directory.findByUsername(username);
    if (!user?.email) return;
    const identity = await this.deps.store.identities.getIdentity(user.id);
    if (!mayReset(identity)) return;
    const token = randomBytes(32).toString('base64url');
    const id = this.recordId(token);
    const expiresAt = now + this.deps.settings.linkMinutes * 60_000;
    await this.deps.store.flows.createFlow({
      id,
      kind: 'passwordReset',
      userId: user.id,
      signInId: '',
      state: hasMfa(identity) ? 'mfa' : passwordResetFlow.initial,
      version: 1,
      data: {},
      attempts: 0,
      createdAt: now,
      expiresAt,
    });
    await this.pointTo(user.id, id, now, expiresAt);
    await this.deps.mailLink({ ...user, email: user.email }, token, this.deps.settings.linkMinutes);
  }

  /**
   * Makes `id` the user's only working link (an older one stops working). Replaced, not updated, so
   * the pointer expires with the newest link (the store sweeps expired records).
   */
  private async pointTo(userId: string, id: string, now: number, expiresAt: number): Promise<void> {
    const pointer = this.pointerId(userId);
    const { flows } = this.deps.store;
    for (let tries = 0; tries < 3; tries++) {
      await flows.deleteFlow(pointer);
      const created = await flows
        .createFlow({
          ...{ id: pointer, kind: 'passwordReset', userId, signInId: '', state: 'latest' },
          ...{ version: 1, data: { id }, attempts: 0, createdAt: now, expiresAt },
        })
        .then(
          () => true,
          () => false, // a parallel request created it in between: the last one wins
        );
      if (created) return;
    }
    throw new Error('password reset: could not record the newest link');
  }

  /** Ends the user's outstanding link (the password was changed some other way). */
  async endLinks(userId: string): Promise<void> {
    await this.deps.store.flows.deleteFlow(this.pointerId(userId));
  }

  /** What the link is at (GET): changes nothing, so mail scanners opening it do no harm. */
  async open(token: string): Promise<ResetLink> {
    if (!RESET_TOKEN.test(token)) return { ok: false, reason: 'invalid' };
    const record = await this.deps.store.flows.getFlow(this.recordId(token));
    if (!record || record.kind !== 'passwordReset' || record.state === 'latest') {
      return { ok: false, reason: 'invalid' };
    }
    if (record.expiresAt <= this.deps.now() || record.state === 'done' || record.state === 'locked') {
      return { ok: false, reason: 'invalid' };
    }
    const pointer = await this.deps.store.flows.getFlow(this.pointerId(record.userId));
    if (pointer?.data.id !== record.id) return { ok: false, reason: 'invalid' };
    const identity = await this.deps.store.identities.getIdentity(record.userId);
    if (!mayReset(identity)) return { ok: false, reason: 'unavailable' };
    // An authenticator registered after the link was mailed is asked for too.
    const codeDue = record.state === 'mfa' || (hasMfa(identity) && typeof record.data.mfaAt !== 'number');
    const step = codeDue ? 'mfa' : 'change-password';
    const attemptsLeft = Math.max(0, this.deps.settings.maxCodeAttempts - record.attempts);
    return { ok: true, record, step, attemptsLeft };
  }

  /** The code step: an attempt is taken per link and per user before the code is checked. */
  async verifyCode(token: string, code: string): Promise<CodeResult> {
    const link = await this.open(token);
    if (!link.ok) return link;
    if (link.step !== 'mfa') return { ok: true };
    const { record } = link;
    const { settings, store } = this.deps;
    const now = this.deps.now();
    const userKey = `mfa-failures:${record.userId}`;
    const attempt = await store.flows.addFlowAttempt(record.id, settings.maxCodeAttempts);
    const userTries = await store.counters.increment(userKey, settings.failureWindowSeconds * 1000, now);
    if (attempt === null || userTries > settings.maxFailuresPerUser) return this.lock(record);
    if (await this.deps.secondFactor.verify(record.userId, code, now)) {
      const moved = await store.flows.transitionFlow(record.id, record.version, {
        state: nextState(passwordResetFlow, 'mfa', 'verified'),
        data: { ...record.data, mfaAt: now },
      });
      return moved ? { ok: true } : { ok: false, reason: 'invalid' };
    }
    if (attempt >= settings.maxCodeAttempts) return this.lock(record);
    return { ok: false, reason: 'wrongCode', attemptsLeft: settings.maxCodeAttempts - attempt };
  }

  private async lock(record: FlowRecord): Promise<CodeResult> {
    await this.deps.store.flows.deleteFlow(record.id);
    return { ok: false, reason: 'tooManyAttempts' };
  }

  /**
   * The new password: the shared rules, then the link is used up (compare-and-set, so two posts at
   * once change the password once), then the shared effects and every session of the user ends.
   */
  async reset(token: string, input: NewPasswordInput): Promise<ResetResult> {
    const link = await this.open(token);
    if (!link.ok) return link;
    if (link.step !== 'change-password') return { ok: false, reason: 'invalid' };
    const { record } = link;
    const user = await this.deps.directory.findById(record.userId);
    if (!user) return { ok: false, reason: 'invalid' };
    const refused = await refuseNewPassword(this.deps, user, input);
    if (refused) return { ok: false, reason: 'refused', ...refused };
    const used = await this.deps.store.flows.transitionFlow(record.id, record.version, {
      state: nextState(passwordResetFlow, 'change-password', 'changed'),
      data: record.data,
    });
    if (!used) return { ok: false, reason: 'invalid' };
    const now = this.deps.now();
    await applyNewPassword(
      this.deps,
      user,
      input.newPassword,
      {
        how: 'forgotPassword',
        // Mailbox plus second factor plus a new password is a secure password change.
        remediate: typeof record.data.mfaAt === 'number',
        revokeOtherSessions: async (userId) => void (await this.deps.revokeSessions(userId)),
      },
      now,
    );
    await this.deps.store.flows.deleteFlow(record.id);
    await this.deps.store.flows.deleteFlow(this.pointerId(user.id));
    return { ok: true, userId: user.id };
  }
}
