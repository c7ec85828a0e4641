/**
 * TOTP (RFC 6238, 30 s, 6 digits, ±1 step). Seeds are sealed at rest; each accepted step is recorded
 * atomically in the store so a code works once, even when the same code is posted twice in parallel.
 */
import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';
import type { Keys } from '../crypto/keys.js';
import type { IdentityStore } from '../storage/types.js';

const PERIOD_SECONDS = 30;

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

  /** Verifies a code against the user's registered seed and consumes its step. */
  async verifyAndConsume(userId: string, code: string, now: number): Promise<boolean> {
    const identity = await this.identities.getIdentity(userId);
    if (!identity.totpSecret) return false;
    const step = this.matchStep(this.open(identity.totpSecret), code, now, identity.totpLastStep);
    return step !== null && (await this.identities.advanceTotpStep(userId, step));
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
