/**
 * The breached / common password corpus: @zxcvbn-ts/language-common's "passwords-common", ~49k
 * passwords ranked from real breach dumps. NIST SP 800-63B asks to refuse these for new passwords,
 * and a sign-in that uses one is a leaked-credentials detection.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

let corpus: Set<string> | null = null;

/** Built on first use (not at import) so processes that never check a password skip the work. */
function commonSet(): Set<string> {
  corpus ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return corpus;
}

/** Case-insensitive: "Password" is no safer than "password" against a guessing attacker. */
export function isCommonPassword(password: string): boolean {
  return commonSet().has(password.normalize('NFKC').toLowerCase());
}
