/**
 * One master key from configuration; purpose-bound subkeys derived with HKDF so that a leak of one
 * derived value (say a recovery-code hash) says nothing about the others.
 */
import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';
import { SecretBox } from './secretBox.js';

export type KeyPurpose =
  | 'totp-seal'
  | 'recovery-codes'
  | 'attempt-fingerprint'
  | 'api-token'
  | 'not-me-link'
  | 'session-handle'
  | 'password-reset';

const PART_END = Buffer.from([0]);

export class Keys {
  readonly secretBox: SecretBox;
  /** HKDF once per purpose: the spray fingerprint is hashed on every sign-in and failed attempt. */
  private readonly subkeys = new Map<KeyPurpose, Buffer>();
  /** The same subkeys as KeyObjects for hash(): no copy of the key per call. */
  private readonly macKeys = new Map<KeyPurpose, KeyObject>();

  constructor(private readonly master: Buffer) {
    this.secretBox = new SecretBox(this.derive('totp-seal'));
  }

  derive(purpose: KeyPurpose): Buffer {
    let key = this.subkeys.get(purpose);
    if (key === undefined) {
      key = Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), `riskgate:${purpose}`, 32));
      this.subkeys.set(purpose, key);
    }
    // A copy: a caller that fills or reuses the buffer must not change the key for everyone.
    return Buffer.from(key);
  }

  /** Keyed hash for values stored only to be compared (recovery codes, wrong-password fingerprints). */
  hash(purpose: Exclude<KeyPurpose, 'totp-seal'>, ...parts: string[]): string {
    let key = this.macKeys.get(purpose);
    if (key === undefined) {
      key = createSecretKey(this.derive(purpose));
      this.macKeys.set(purpose, key);
    }
    const mac = createHmac('sha256', key);
    // Each part ends with a NUL, so ("ab", "c") and ("a", "bc") never hash alike.
    for (const part of parts) mac.update(part, 'utf8').update(PART_END);
    return mac.digest('base64url');
  }
}

/** Accepts 32 bytes as base64/base64url (43-44 chars) or hex (64 chars). */
export function parseMasterKey(text: string): Buffer | null {
  const trimmed = text.trim();
  const decoded = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  return decoded.length === 32 ? decoded : null;
}
