/**
 * TOTP (RFC 6238, 30 s, 6 digits, ±1 step). Seeds are sealed at rest; each accepted step is recorded
 * atomically in the store so a code works once, even when the same code is posted twice in parallel.
 */
import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';
import type { Keys } from '../crypto/keys.js';
import type { IdentityStore } from '../storage/types.js';

const PERIOD_SECONDS = 30;

export type TotpOutcome =
  { kind: 'accepted' } | { kind: 'refused' } | { kind: 'reused'; concurrent: boolean };

export class Totp {
  constructor(
    private readonly keys: Keys,
    private readonly identities: IdentityStore,
    private readonly issuer: string,
  ) {}

  newSecret(): string {
    return generateSecret();
  }

  seal(secret: string): string {
    return this.keys.secretBox.seal(secret);
  }

  open(sealed: string): string {
    return this.keys.secretBox.open(sealed);
  }

  uri(secret: string, accountName: string): string {
    return generateURI({ issuer: this.issuer, label: accountName, secret });
  }

  qrDataUrl(uri: string): Promise<string> {
    return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
  }

  /** The time step a code matches, or null. Codes at or before `afterStep` never match (replay). */
  matchStep(secret: string, code: string, now: number, afterStep: number): number | null {
    if (!/^\d{6}$/.test(code)) return null;
    const result = verifySync({
      secret,
      token: code,
      epoch: Math.floor(now / 1000),
      epochTolerance: PERIOD_SECONDS,
      afterTimeStep: afterStep > 0 ? afterStep : undefined,
    });
    // otplib's functional API types HOTP and TOTP results together; only TOTP carries timeStep.
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  /**
   * Checks a code against the user's registered seed and consumes its step. A code that matches a
   * step already used is `reused` (ASVS 2.8.5: such a replay is refused, logged and recorded by the
   * caller); `concurrent` when it was this very code, posted again while the first post was checked.
   */
  async check(userId: string, code: string, now: number): Promise<TotpOutcome> {
    const identity = await this.identities.getIdentity(userId);
    if (!identity.totpSecret) return { kind: 'refused' };
    const secret = this.open(identity.totpSecret);
    const step = this.matchStep(secret, code, now, identity.totpLastStep);
    if (step !== null) {
      if (await this.identities.advanceTotpStep(userId, step)) return { kind: 'accepted' };
      return { kind: 'reused', concurrent: true };
    }
    // Without the replay guard: does it match a step this user already consumed?
    if (identity.totpLastStep > 0 && this.matchStep(secret, code, now, 0) !== null) {
      return { kind: 'reused', concurrent: false };
    }
    return { kind: 'refused' };
  }

  /** Verifies a code against the user's registered seed and consumes its step. */
  async verifyAndConsume(userId: string, code: string, now: number): Promise<boolean> {
    return (await this.check(userId, code, now)).kind === 'accepted';
  }

  /** Finishes registration: stores the sealed seed and consumes the step used to prove it works. */
  async register(userId: string, secret: string, code: string, now: number): Promise<boolean> {
    const identity = await this.identities.getIdentity(userId);
    const step = this.matchStep(secret, code, now, identity.totpLastStep);
    if (step === null || !(await this.identities.advanceTotpStep(userId, step))) return false;
    await this.identities.updateIdentity(userId, { totpSecret: this.seal(secret) }, now);
    return true;
  }
}
