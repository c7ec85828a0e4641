/** argon2id with OWASP's parameters (m=19 MiB, t=2, p=1). */
import argon2 from 'argon2';

export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false; // a malformed stored hash is a failed verification, not a crash
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * Unknown usernames are verified against a dummy hash with the same parameters so that the answer
 * takes as long as for a real user (no enumeration by timing).
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('riskgate-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}
