/** Riskgate's built-in user directory. Usernames arrive already normalised; they are stored as given. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DuplicateUsernameError, type UserRecord, type UserStore } from '../types.js';
import { num, type Pool } from './util.js';

/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = '23505';

export interface UserRow {
  id: string;
  username: string;
  email: string | null;
  groups: string[];
  roles: string[];
  password_hash: string;
  created_at: string | number;
}

/** Also takes the JSON number row_to_json gives for created_at. */
export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    groups: row.groups,
    roles: row.roles,
    passwordHash: row.password_hash,
    createdAt: num(row.created_at),
  };
}

export function createUserStore(pool: Pool): UserStore {
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
        await pool.query(
          `INSERT INTO users (id, username, email, groups, roles, password_hash, created_at)
           VALUES ($1, $2, $3, $4::text[], $5::text[], $6, $7)`,
          [user.id, user.username, user.email, user.groups, user.roles, user.passwordHash, user.createdAt],
        );
      } catch (error) {
        // Rely on the UNIQUE constraint rather than a look-up first: two concurrent sign-ups both pass a look-up.
        if (error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION) {
          throw new DuplicateUsernameError(input.username);
        }
        throw error;
      }
      return user;
    },

    async findUserByUsername(username) {
      const { rows } = await pool.query<UserRow>(`SELECT * FROM users WHERE username = $1`, [username]);
      return rows[0] ? toUser(rows[0]) : null;
    },

    async findUserById(id) {
      const { rows } = await pool.query<UserRow>(`SELECT * FROM users WHERE id = $1`, [id]);
      return rows[0] ? toUser(rows[0]) : null;
    },

    async setPasswordHash(userId, passwordHash) {
      await pool.query(`UPDATE users SET password_hash = $1 WHERE id = $2`, [passwordHash, userId]);
    },

    async listUsers({ offset, limit }) {
      // Username order keeps admin pages stable between requests while users are being added.
      const { rows } = await pool.query<UserRow>(`SELECT * FROM users ORDER BY username LIMIT $1 OFFSET $2`, [
        limit,
        offset,
      ]);
      return rows.map(toUser);
    },

    async countUsers() {
      const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM users`);
      return num(rows[0]!.n);
    },

    async usersWithRole(role) {
      // @> (not = ANY) so the GIN index users_roles answers it.
      const { rows } = await pool.query<UserRow>(
        `SELECT * FROM users WHERE roles @> ARRAY[$1::text] ORDER BY username`,
        [role],
      );
      return rows.map(toUser);
    },
  };
}
