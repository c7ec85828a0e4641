/**
 * The first admin: created by `riskgate admin:create` or, when the server starts with no admin at all,
 * by the server itself. Its password and authenticator key are returned once, for the console output
 * only (never logged, never stored in clear). An admin must have an authenticator, so one is enrolled
 * here; `enrolAuthenticator` replaces a lost one for an existing admin (operator action).
 */
import { randomInt } from 'node:crypto';
import { generateSecret, generateURI } from 'otplib';
import type { Keys } from '../crypto/keys.js';
import { DuplicateUsernameError, type Store } from '../storage/types.js';
import { createUser, UserInputError } from '../auth/users.js';
import { normalizeUsername } from '../auth/username.js';
import { ADMIN_ROLE } from './types.js';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export interface AdminCredentials {
  userId: string;
  username: string;
  password: string;
  totpSecret: string;
  otpauthUri: string;
}

function randomPassword(): string {
  return Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

async function enrol(
  store: Store,
  keys: Keys,
  userId: string,
  username: string,
  issuer: string,
  now: number,
) {
  const totpSecret = generateSecret();
  await store.identities.updateIdentity(userId, { totpSecret: keys.secretBox.seal(totpSecret) }, now);
  await store.identities.replaceRecoveryCodes(userId, []);
  return { totpSecret, otpauthUri: generateURI({ issuer, label: username, secret: totpSecret }) };
}

export async function createAdminAccount(
  store: Store,
  keys: Keys,
  input: { username: string; email?: string | null; issuer: string },
  now: number,
): Promise<AdminCredentials> {
  const password = randomPassword();
  const user = await createUser(
    store,
    { username: input.username, password, email: input.email ?? null, roles: [ADMIN_ROLE] },
    { now },
  );
  return {
    userId: user.id,
    username: user.username,
    password,
    ...(await enrol(store, keys, user.id, user.username, input.issuer, now)),
  };
}

export async function enrolAuthenticator(
  store: Store,
  keys: Keys,
  username: string,
  issuer: string,
  now: number,
): Promise<{ totpSecret: string; otpauthUri: string }> {
  const user = await store.users.findUserByUsername(normalizeUsername(username));
  if (!user?.roles.includes(ADMIN_ROLE)) throw new UserInputError(`No admin named "${username}".`);
  return enrol(store, keys, user.id, user.username, issuer, now);
}

/** Creates "admin" (or admin-2, ...) when the built-in directory has no admin yet; null otherwise. */
export async function ensureFirstAdmin(
  store: Store,
  keys: Keys,
  issuer: string,
  now: number,
): Promise<AdminCredentials | null> {
  if ((await store.reports.usersWithRole(ADMIN_ROLE, 1)).length > 0) return null;
  for (let n = 1; n < 100; n++) {
    const username = n === 1 ? 'admin' : `admin-${n}`;
    if (await store.users.findUserByUsername(username)) continue;
    try {
      return await createAdminAccount(store, keys, { username, issuer }, now);
    } catch (error) {
      if (!(error instanceof DuplicateUsernameError)) throw error;
      // Several instances starting together: another one created the first admin just now.
      if ((await store.reports.usersWithRole(ADMIN_ROLE, 1)).length > 0) return null;
    }
  }
  throw new Error('could not find a free username for the first admin');
}

export function describeCredentials(credentials: AdminCredentials): string[] {
  return [
    `Admin account "${credentials.username}" created. These are shown once; store them safely now.`,
    `  password:          ${credentials.password}`,
    `  authenticator key: ${credentials.totpSecret}`,
    `  otpauth URI:       ${credentials.otpauthUri}`,
    'Add the key to an authenticator app, sign in, then open the admin console (/admin).',
  ];
}
