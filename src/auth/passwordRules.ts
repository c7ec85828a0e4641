/**
 * Rules for a new password, after NIST SP 800-63B §5.1.1.2: a minimum length, a generous maximum,
 * no breached or common passwords, nothing derived from the username, and deliberately no
 * composition rules (they push people to "Password1!" without adding strength).
 */
import { isCommonPassword } from './commonPasswords.js';

export interface PasswordRuleOptions {
  username: string;
  minLength?: number;
  /**
   * 63B asks to allow at least 64; ASVS 2.1.2 to refuse more than 128. Verifying an existing password
   * (the sign-in form) is not bound by it: only setting one is.
   */
  maxLength?: number;
}

export type PasswordVerdict = { ok: true } | { ok: false; message: string };

export const MAX_PASSWORD_LENGTH = 128;

/** Shorter usernames ("al") appear inside too many good passwords to be worth refusing. */
const MIN_USERNAME_CHECK = 3;

/** The username and, for an email address, its local part: both are what an attacker tries first. */
function usernameParts(username: string): string[] {
  const name = username.normalize('NFKC').trim().toLowerCase();
  const at = name.indexOf('@');
  const parts = at > 0 ? [name, name.slice(0, at)] : [name];
  return parts.filter((part) => [...part].length >= MIN_USERNAME_CHECK);
}

export function checkNewPassword(password: string, options: PasswordRuleOptions): PasswordVerdict {
  const { minLength = 8, maxLength = MAX_PASSWORD_LENGTH } = options;
  // NFKC so that the same password typed on different keyboards/IMEs is judged alike;
  // code points, not UTF-16 units, so an emoji counts as one character.
  const normalized = password.normalize('NFKC');
  const chars = [...normalized];

  if (chars.length < minLength) return { ok: false, message: `Use at least ${minLength} characters.` };
  if (chars.length > maxLength)
    return { ok: false, message: `That password is too long: use at most ${maxLength} characters.` };
  if (chars.every((c) => c === chars[0])) {
    return { ok: false, message: 'Do not use a single character repeated.' };
  }
  const lower = normalized.toLowerCase();
  if (usernameParts(options.username).some((part) => lower.includes(part))) {
    return { ok: false, message: 'Do not use your username in your password.' };
  }
  // The message never repeats the password: it may end up in logs or a shoulder-surfed screen.
  if (isCommonPassword(normalized)) {
    return {
      ok: false,
      message: 'This password is too common or has appeared in a data breach. Choose another.',
    };
  }
  return { ok: true };
}
