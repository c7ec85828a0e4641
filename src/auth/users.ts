/** Creating users and setting passwords in the built-in directory, with NIST SP 800-63B rules. */
import type { Store, UserRecord } from '../storage/types.js';
import { checkNewPassword } from './passwordRules.js';
import { hashPassword } from './passwordHasher.js';
import { normalizeUsername } from './username.js';

export class UserInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserInputError';
  }
}

export interface NewUser {
  username: string;
  password: string;
  email?: string | null;
  groups?: string[];
  roles?: string[];
}

const USERNAME_PATTERN = /^[\p{L}\p{N}._@+-]{1,254}$/u;

export function validUsername(raw: string): string {
  const username = normalizeUsername(raw);
  if (!USERNAME_PATTERN.test(username)) {
    throw new UserInputError('A username is 1 to 254 letters, digits or . _ @ + - characters.');
  }
  return username;
}

export async function createUser(
  store: Store,
  input: NewUser,
  options: { minLength?: number; now?: number; skipPasswordRules?: boolean } = {},
): Promise<UserRecord> {
  const username = validUsername(input.username);
  if (!options.skipPasswordRules) {
    const verdict = checkNewPassword(input.password, { username, minLength: options.minLength ?? 8 });
    if (!verdict.ok) throw new UserInputError(verdict.message);
  }
  return store.users.createUser({
    username,
    email: input.email ?? null,
    groups: input.groups ?? [],
    roles: input.roles ?? [],
    passwordHash: await hashPassword(input.password),
    createdAt: options.now ?? Date.now(),
  });
}

export async function setUserPassword(
  store: Store,
  username: string,
  password: string,
  minLength = 8,
): Promise<void> {
  const user = await store.users.findUserByUsername(normalizeUsername(username));
  if (!user) throw new UserInputError(`No user named "${username}".`);
  const verdict = checkNewPassword(password, { username: user.username, minLength });
  if (!verdict.ok) throw new UserInputError(verdict.message);
  await store.users.setPasswordHash(user.id, await hashPassword(password));
}
