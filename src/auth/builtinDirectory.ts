/** Riskgate's own user directory, stored in the configured Store. Apps may pass their own instead. */
import type { DirectoryUser, UserDirectory } from '../domain/identity.js';
import type { EvaluationStore, UserRecord, UserStore } from '../storage/types.js';
import { hashPassword, verifyPassword } from './passwordHasher.js';
import { normalizeUsername } from './username.js';

function toDirectoryUser(record: UserRecord): DirectoryUser {
  return {
    id: record.id,
    username: record.username,
    email: record.email,
    groups: record.groups,
    roles: record.roles,
  };
}

export class BuiltinDirectory implements UserDirectory {
  /** Hashes of the user objects this directory just handed out, so a verify needs no second read. */
  private readonly hashes = new WeakMap<DirectoryUser, string>();

  /** Present when the directory has its store's evaluation reads (UserDirectory.findForSignIn). */
  readonly findForSignIn?: UserDirectory['findForSignIn'];

  constructor(
    private readonly users: UserStore,
    /** The same store's evaluation reads: a sign-in then looks its user up with them, in one read. */
    evaluation?: EvaluationStore,
  ) {
    if (evaluation)
      this.findForSignIn = async (username, before, features) => {
        const found = await evaluation.readForSignIn(normalizeUsername(username), before, features);
        return found ? { user: this.handOut(found.user), reads: found.reads } : null;
      };
  }

  private handOut(record: UserRecord): DirectoryUser {
    const user = toDirectoryUser(record);
    this.hashes.set(user, record.passwordHash);
    return user;
  }

  async findByUsername(username: string): Promise<DirectoryUser | null> {
    const record = await this.users.findUserByUsername(normalizeUsername(username));
    return record ? this.handOut(record) : null;
  }

  async findById(id: string): Promise<DirectoryUser | null> {
    const record = await this.users.findUserById(id);
    return record ? this.handOut(record) : null;
  }

  async verifyPassword(user: DirectoryUser, password: string): Promise<boolean> {
    const hash = this.hashes.get(user) ?? (await this.users.findUserById(user.id))?.passwordHash;
    return hash ? verifyPassword(hash, password) : false;
  }

  async setPassword(user: DirectoryUser, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.users.setPasswordHash(user.id, hash);
    this.hashes.set(user, hash); // this object now stands for the new password
  }
}
