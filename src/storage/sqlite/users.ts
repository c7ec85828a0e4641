/** Riskgate's built-in user directory. Usernames arrive already normalised; they are stored as given. */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { DuplicateUsernameError, type UserRecord, type UserStore } from '../types.js';
import { parseJson, type Db } from './util.js';

interface UserRow {
  id: string;
  username: string;
  email: string | null;
  groups_json: string;
  roles_json: string;
  password_hash: string;
  created_at: number;
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    groups: parseJson<string[]>(row.groups_json),
    roles: parseJson<string[]>(row.roles_json),
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  };
}

/**
 * Admins for the alert mails, looked up on the sign-in that raises a user's risk. Without INDEXED BY,
 * SQLite (no ANALYZE statistics) walked the username index over every user to skip the sort: 3.2 s
 * on a 1M-user file, inside that sign-in. The partial index holds only users with a role.
 */
export const USERS_WITH_ROLE_SQL = `SELECT * FROM users INDEXED BY users_with_roles
  WHERE roles_json <> '[]' AND EXISTS (SELECT 1 FROM json_each(roles_json) WHERE value = ?)
  ORDER BY username`;

export function createUserStore(db: Db): UserStore {
  const insert = db.prepare<[string, string, string | null, string, string, string, number]>(
    `INSERT INTO users (id, username, email, groups_json, roles_json, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const byUsername = db.prepare<[string], UserRow>(`SELECT * FROM users WHERE username = ?`);
  const byId = db.prepare<[string], UserRow>(`SELECT * FROM users WHERE id = ?`);
  const setHash = db.prepare<[string, string]>(`UPDATE users SET password_hash = ? WHERE id = ?`);
  // Username order keeps admin pages stable between requests while users are being added.
  const page = db.prepare<[number, number], UserRow>(
    `SELECT * FROM users ORDER BY username LIMIT ? OFFSET ?`,
  );
  const count = db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM users`);
  const withRole = db.prepare<[string], UserRow>(USERS_WITH_ROLE_SQL);

  return {
    async createUser(input) {
      const user: UserRecord = {
        id: randomUUID(),
        username: input.username,
        email: input.email,
        groups: [...input.groups],
        roles: [...input.roles],
        passwordHash: input.passwordHash,
        createdAt: input.createdAt,
      };
      try {
        insert.run(
          user.id,
          user.username,
          user.email,
          JSON.stringify(user.groups),
          JSON.stringify(user.roles),
          user.passwordHash,
          user.createdAt,
        );
      } catch (error) {
        // Rely on the UNIQUE constraint rather than a look-up first: two concurrent sign-ups both pass a look-up.
        if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new DuplicateUsernameError(input.username);
        }
        throw error;
      }
      return user;
    },

    async findUserByUsername(username) {
      const row = byUsername.get(username);
      return row ? toUser(row) : null;
    },

    async findUserById(id) {
      const row = byId.get(id);
      return row ? toUser(row) : null;
    },

    async setPasswordHash(userId, passwordHash) {
      setHash.run(passwordHash, userId);
    },

    async listUsers({ offset, limit }) {
      return page.all(limit, offset).map(toUser);
    },

    async countUsers() {
      return count.get()!.n;
    },

    async usersWithRole(role) {
      return withRole.all(role).map(toUser);
    },
  };
}
