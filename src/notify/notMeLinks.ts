/**
 * "This wasn't me" links in unfamiliar sign-in mails. A token names one sign-in and an expiry and is
 * signed with an HMAC key derived from the master key, so it cannot be guessed, forged or stretched;
 * nothing needs storing until it is used. Using it claims the sign-in once in the shared store
 * (atomic), so a link works once across every instance. Checking is separate from using: mail
 * scanners fetch links, and a fetch must change nothing.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Keys } from '../crypto/keys.js';
import type { SignInRecord } from '../domain/signIn.js';
import type { RiskService } from '../remediation/riskService.js';
import type { Store } from '../storage/types.js';

/** sign-in id (UUID) . expiry (ms, base 36) . HMAC-SHA-256 (base64url) */
export const NOT_ME_TOKEN = /^[0-9a-f-]{36}\.[0-9a-z]{1,12}\.[A-Za-z0-9_-]{43}$/;

export type NotMeCheck =
  | { ok: true; signIn: SignInRecord & { userId: string }; expiresAt: number }
  | { ok: false; reason: 'invalid' | 'expired' | 'used' };

export interface NotMeDeps {
  keys: Keys;
  store: Store;
  risk: RiskService;
  revokeSessions: (userId: string) => Promise<unknown>;
  ttlMs: number;
  now: () => number;
}

export class NotMeLinks {
  constructor(private readonly deps: NotMeDeps) {}

  private mac(signInId: string, expiry: string): string {
    return this.deps.keys.hash('not-me-link', signInId, expiry);
  }

  token(signInId: string, now: number): string {
    const expiry = (now + this.deps.ttlMs).toString(36);
    return `${signInId}.${expiry}.${this.mac(signInId, expiry)}`;
  }

  /** Whether the link would work, without using it (GET). */
  async inspect(token: string): Promise<NotMeCheck> {
    if (!NOT_ME_TOKEN.test(token)) return { ok: false, reason: 'invalid' };
    const [signInId, expiry, mac] = token.split('.') as [string, string, string];
    const expected = Buffer.from(this.mac(signInId, expiry));
    // Signature first: a tampered expiry must read as invalid, not as expired.
    if (!timingSafeEqual(expected, Buffer.from(mac))) return { ok: false, reason: 'invalid' };
    const expiresAt = parseInt(expiry, 36);
    if (expiresAt <= this.deps.now()) return { ok: false, reason: 'expired' };
    const signIn = await this.deps.store.signIns.getSignIn(signInId);
    if (!signIn?.userId) return { ok: false, reason: 'invalid' };
    if (signIn.outcome === 'reportedNotMe') return { ok: false, reason: 'used' };
    return { ok: true, signIn: signIn as SignInRecord & { userId: string }, expiresAt };
  }

  /**
   * Uses the link (POST): the sign-in is confirmed compromised, user risk goes up (the user risk
   * policy then asks for MFA and a new password), and every session of the account ends, the
   * intruder's included.
   */
  async report(token: string): Promise<NotMeCheck> {
    const check = await this.inspect(token);
    if (!check.ok) return check;
    const now = this.deps.now();
    const claimed = await this.deps.store.counters.claimOnce(
      `notify:not-me:${check.signIn.id}`,
      check.expiresAt - now + 60_000,
      now,
    );
    if (!claimed) return { ok: false, reason: 'used' };
    await this.deps.risk.reportNotMe(check.signIn.userId, check.signIn.id, now);
    await this.deps.revokeSessions(check.signIn.userId);
    return check;
  }
}
