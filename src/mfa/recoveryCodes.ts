/**
 * Ten single-use recovery codes per user, stored only as keyed hashes. 10 characters from a
 * 30-symbol alphabet (no 0/O, 1/I/L) is about 49 bits each: far beyond online guessing under the caps.
 */
import { randomInt } from 'node:crypto';
import type { Keys } from '../crypto/keys.js';
import type { IdentityStore } from '../storage/types.js';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ2345678';
const CODE_LENGTH = 10;
export const RECOVERY_CODE_COUNT = 10;

export function normalizeRecoveryCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

export function looksLikeRecoveryCode(input: string): boolean {
  const code = normalizeRecoveryCode(input);
  return code.length === CODE_LENGTH && [...code].every((ch) => ALPHABET.includes(ch));
}

function newCode(): string {
  const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

export class RecoveryCodes {
  constructor(
    private readonly keys: Keys,
    private readonly identities: IdentityStore,
  ) {}

  private hash(userId: string, code: string): string {
    return this.keys.hash('recovery-codes', userId, normalizeRecoveryCode(code));
  }

  /** Creates a fresh set (replacing any old one) and returns the plain codes to show once. */
  async issue(userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
    await this.identities.replaceRecoveryCodes(
      userId,
      codes.map((code) => this.hash(userId, code)),
    );
    return codes;
  }

  consume(userId: string, code: string): Promise<boolean> {
    if (!looksLikeRecoveryCode(code)) return Promise.resolve(false);
    return this.identities.consumeRecoveryCode(userId, this.hash(userId, code));
  }
}
