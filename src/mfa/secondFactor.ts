/** "Enter your verification code": a TOTP code or a recovery code, wherever a code is asked. */
import type { Totp } from './totp.js';
import type { RecoveryCodes } from './recoveryCodes.js';

export type SecondFactorMethod = 'totp' | 'recoveryCode';

export class SecondFactor {
  constructor(
    private readonly totp: Totp,
    private readonly recoveryCodes: RecoveryCodes,
  ) {}

  async verify(userId: string, code: string, now: number): Promise<SecondFactorMethod | null> {
    const trimmed = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(trimmed))
      return (await this.totp.verifyAndConsume(userId, trimmed, now)) ? 'totp' : null;
    return (await this.recoveryCodes.consume(userId, trimmed)) ? 'recoveryCode' : null;
  }
}
