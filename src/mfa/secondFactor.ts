/** "Enter your verification code": a TOTP code or a recovery code, wherever a code is asked. */
import type { Totp } from './totp.js';
import type { RecoveryCodes } from './recoveryCodes.js';

export type SecondFactorMethod = 'totp' | 'recoveryCode';

/** A TOTP code of a time step already used was entered: refused, and reported here (never the code). */
export interface TotpReuse {
  userId: string;
  /** The sign-in being verified (a flow's, or the admin step-up's session), when there is one. */
  signInId: string | null;
  /** The same code posted again while its first post was being checked (a double submit, or a race). */
  concurrent: boolean;
  now: number;
}

export type TotpReuseObserver = (reuse: TotpReuse) => Promise<void>;

export class SecondFactor {
  constructor(
    private readonly totp: Totp,
    private readonly recoveryCodes: RecoveryCodes,
    private readonly onTotpReuse: TotpReuseObserver = async () => {},
  ) {}

  async verify(
    userId: string,
    code: string,
    now: number,
    signInId: string | null = null,
  ): Promise<SecondFactorMethod | null> {
    const trimmed = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(trimmed))
      return (await this.recoveryCodes.consume(userId, trimmed)) ? 'recoveryCode' : null;
    const outcome = await this.totp.check(userId, trimmed, now);
    if (outcome.kind === 'reused')
      await this.onTotpReuse({ userId, signInId, concurrent: outcome.concurrent, now });
    return outcome.kind === 'accepted' ? 'totp' : null;
  }
}
