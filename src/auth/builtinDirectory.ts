/** Riskgate's own user directory, stored in the configured Store. Apps may pass their own instead. */
import type { DirectoryUser, UserDirectory } from '../domain/identity.js';
import type { UserRecord, UserStore } from '../storage/types.js';
import { hashPassword, verifyPassword } from './passwordHasher.js';
import { normalizeUsername } from './username.js';

function toDirectoryUser(record: UserRecord): DirectoryUser {
  return { id: record.id, username: record.username, email: record.email, groups: record.groups };
}

export class BuiltinDirectory implements UserDirectory {
  constructor(private readonly users: UserStore) {}

  async findByUsername(username: string): Promise<DirectoryUser | null> {
    const record = await this.users.findUserByUsername(normalizeUsername(username));
    return record ? toDirectoryUser(record) : null;
  }

  async findById(id: string): Promise<DirectoryUser | null> {
    const record = await this.users.findUserById(id);
    return record ? toDirectoryUser(record) : null;
  }

  async verifyPassword(user: DirectoryUser, password: string): Promise<boolean> {
    const record = await this.users.findUserById(user.id);
    return record ? verifyPassword(record.passwordHash, password) : false;
  }

  async setPassword(user: DirectoryUser, password: string): Promise<void> {
    await this.users.setPasswordHash(user.id, await hashPassword(password));
  }
}
