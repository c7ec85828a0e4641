/** Per-user risk and MFA state, plus recovery codes. A user with no row has the default identity. */
import type { Identity } from '../../domain/identity.js';
import type { RiskLevel, RiskState } from '../../domain/risk.js';
import type { IdentityPatch, IdentityStore } from '../types.js';
import { changed, num, numOrNull, withTransaction, type Pool, type Queryable } from './util.js';

export interface IdentityRow {
  user_id: string;
  risk_level: RiskLevel;
  risk_state: RiskState;
  totp_secret: string | null;
  totp_last_step: string;
  mfa_prompted_at: string | null;
  must_change_password: boolean;
  password_reset_required: boolean;
  blocked: boolean;
  updated_at: string;
}

export function defaultIdentity(userId: string): Identity {
  return {
    userId,
    riskLevel: 'none',
    riskState: 'none',
    totpSecret: null,
    totpLastStep: 0,
    mfaPromptedAt: null,
    mustChangePassword: false,
    passwordResetRequired: false,
    blocked: false,
    updatedAt: 0,
  };
}

/** The user's identity row (none: the default identity); `user` is a parameter placeholder. */
export function identityQuery(user: string): string {
  return `SELECT * FROM identities WHERE user_id = ${user}`;
}

export function toIdentity(row: IdentityRow): Identity {
  return {
    userId: row.user_id,
    riskLevel: row.risk_level,
    riskState: row.risk_state,
    totpSecret: row.totp_secret,
    totpLastStep: num(row.totp_last_step),
    mfaPromptedAt: numOrNull(row.mfa_prompted_at),
    mustChangePassword: row.must_change_password,
    passwordResetRequired: row.password_reset_required,
    blocked: row.blocked,
    updatedAt: num(row.updated_at),
  };
}

/**
 * Patchable fields, their columns and SQL types. totpLastStep is absent on purpose: only
 * advanceTotpStep moves it. Column names only ever come from this list, never from the patch.
 */
const PATCHABLE = [
  ['riskLevel', 'risk_level', 'text'],
  ['riskState', 'risk_state', 'text'],
  ['totpSecret', 'totp_secret', 'text'],
  ['mfaPromptedAt', 'mfa_prompted_at', 'bigint'],
  ['mustChangePassword', 'must_change_password', 'boolean'],
  ['passwordResetRequired', 'password_reset_required', 'boolean'],
  ['blocked', 'blocked', 'boolean'],
] as const satisfies readonly (readonly [keyof IdentityPatch, string, string])[];

/** Prefix of the per-user advisory lock key that serialises replacements of one user's codes. */
const RECOVERY_LOCK = 'riskgate:recovery-codes:';

/**
 * Applies a patch to a user's identity on `db`: the pool, or a transaction's connection
 * (evaluation.recordEvaluated writes a sign-in's risk change with it).
 */
export async function upsertIdentityPatch(
  db: Queryable,
  userId: string,
  patch: IdentityPatch,
  now: number,
): Promise<Identity> {
  // One upsert, so it is atomic and needs no read first. The insert values are the defaults with the
  // patch applied; on conflict only the columns in the patch are overwritten. An explicit
  // `undefined` means "leave alone", like an absent key; null is a value (clears the column).
  const defaults = defaultIdentity(userId);
  const params: unknown[] = [userId, now];
  const values: string[] = [];
  const updates: string[] = [];
  for (const [field, column, type] of PATCHABLE) {
    const given = patch[field] !== undefined;
    params.push(given ? (patch[field] ?? null) : defaults[field]);
    values.push(`$${params.length}::${type}`);
    if (given) updates.push(`${column} = EXCLUDED.${column}`);
  }
  const columns = PATCHABLE.map(([, column]) => column);
  const { rows } = await db.query<IdentityRow>(
    `INSERT INTO identities (user_id, ${columns.join(', ')}, updated_at)
     VALUES ($1, ${values.join(', ')}, $2)
     ON CONFLICT (user_id) DO UPDATE SET ${[...updates, 'updated_at = EXCLUDED.updated_at'].join(', ')}
     RETURNING *`,
    params,
  );
  return toIdentity(rows[0]!);
}

export function createIdentityStore(pool: Pool): IdentityStore {
  return {
    async getIdentity(userId) {
      const { rows } = await pool.query<IdentityRow>(identityQuery('$1'), [userId]);
      return rows[0] ? toIdentity(rows[0]) : defaultIdentity(userId);
    },

    async updateIdentity(userId, patch, now) {
      return upsertIdentityPatch(pool, userId, patch, now);
    },

    async advanceTotpStep(userId, step) {
      // The conditional UPDATE is the whole replay check: under READ COMMITTED a second UPDATE of the
      // same row waits for the first, then re-checks the WHERE against the new step and matches nothing.
      await pool.query(`INSERT INTO identities (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`, [
        userId,
      ]);
      const result = await pool.query(
        `UPDATE identities SET totp_last_step = $2 WHERE user_id = $1 AND totp_last_step < $2`,
        [userId, step],
      );
      return changed(result) === 1;
    },

    async replaceRecoveryCodes(userId, codeHashes) {
      await withTransaction(pool, async (client) => {
        // Without the lock, two concurrent replacements could each delete only the codes they saw and
        // leave the union of both new sets valid.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [RECOVERY_LOCK + userId]);
        await client.query(`DELETE FROM recovery_codes WHERE user_id = $1`, [userId]);
        await client.query(
          `INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
          [userId, codeHashes],
        );
      });
    },

    async consumeRecoveryCode(userId, codeHash) {
      const result = await pool.query(
        `DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 RETURNING code_hash`,
        [userId, codeHash],
      );
      return changed(result) === 1;
    },

    async countRecoveryCodes(userId) {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM recovery_codes WHERE user_id = $1`,
        [userId],
      );
      return num(rows[0]!.n);
    },
  };
}
