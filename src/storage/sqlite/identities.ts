/** Per-user risk and MFA state, plus recovery codes. A user with no row has the default identity. */
import type { Identity } from '../../domain/identity.js';
import type { RiskLevel, RiskState } from '../../domain/risk.js';
import type { IdentityPatch, IdentityStore } from '../types.js';
import { toInt, type Db } from './util.js';

export interface IdentityRow {
  user_id: string;
  risk_level: RiskLevel;
  risk_state: RiskState;
  totp_secret: string | null;
  totp_last_step: number;
  mfa_prompted_at: number | null;
  must_change_password: number;
  password_reset_required: number;
  blocked: number;
  updated_at: number;
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

export function toIdentity(row: IdentityRow): Identity {
  return {
    userId: row.user_id,
    riskLevel: row.risk_level,
    riskState: row.risk_state,
    totpSecret: row.totp_secret,
    totpLastStep: row.totp_last_step,
    mfaPromptedAt: row.mfa_prompted_at,
    mustChangePassword: row.must_change_password === 1,
    passwordResetRequired: row.password_reset_required === 1,
    blocked: row.blocked === 1,
    updatedAt: row.updated_at,
  };
}

/** Patchable fields and their columns. totpLastStep is absent on purpose: only advanceTotpStep moves it. */
const PATCHABLE = [
  ['riskLevel', 'risk_level'],
  ['riskState', 'risk_state'],
  ['totpSecret', 'totp_secret'],
  ['mfaPromptedAt', 'mfa_prompted_at'],
  ['mustChangePassword', 'must_change_password'],
  ['passwordResetRequired', 'password_reset_required'],
  ['blocked', 'blocked'],
] as const satisfies readonly (readonly [keyof IdentityPatch, string])[];

type Params = Record<string, string | number | null>;

export interface SqliteIdentityStore extends IdentityStore {
  /** updateIdentity, synchronous, to run inside a caller's transaction (evaluation.recordEvaluated). */
  updateIdentityWithin(...args: Parameters<IdentityStore['updateIdentity']>): Identity;
}

export function createIdentityStore(db: Db): SqliteIdentityStore {
  const select = db.prepare<[string], IdentityRow>(`SELECT * FROM identities WHERE user_id = ?`);

  // One statement for every patch shape: each column carries a "was it in the patch" flag, so a patch
  // can set a nullable column to null without untouched columns being overwritten. Insert values are
  // the patched-over defaults, so the upsert is atomic and needs no read first.
  const columns = PATCHABLE.map(([, column]) => column);
  const upsert = db.prepare<[Params], IdentityRow>(
    `INSERT INTO identities (user_id, ${columns.join(', ')}, updated_at)
     VALUES (@userId, ${columns.map((c) => `@${c}`).join(', ')}, @now)
     ON CONFLICT (user_id) DO UPDATE SET
       ${columns.map((c) => `${c} = CASE WHEN @set_${c} THEN excluded.${c} ELSE ${c} END`).join(',\n       ')},
       updated_at = excluded.updated_at
     RETURNING *`,
  );

  const ensureRow = db.prepare<[string]>(
    `INSERT INTO identities (user_id) VALUES (?) ON CONFLICT (user_id) DO NOTHING`,
  );
  const raiseStep = db.prepare<[number, string, number]>(
    `UPDATE identities SET totp_last_step = ? WHERE user_id = ? AND totp_last_step < ?`,
  );
  const advance = db.transaction((userId: string, step: number) => {
    ensureRow.run(userId);
    return raiseStep.run(step, userId, step).changes === 1;
  });

  const deleteCodes = db.prepare<[string]>(`DELETE FROM recovery_codes WHERE user_id = ?`);
  const insertCode = db.prepare<[string, string]>(
    `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?) ON CONFLICT DO NOTHING`,
  );
  const replaceCodes = db.transaction((userId: string, hashes: string[]) => {
    deleteCodes.run(userId);
    for (const hash of hashes) insertCode.run(userId, hash);
  });
  const consumeCode = db.prepare<[string, string]>(
    `DELETE FROM recovery_codes WHERE user_id = ? AND code_hash = ?`,
  );
  const countCodes = db.prepare<[string], { n: number }>(
    `SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?`,
  );

  const updateIdentityWithin: SqliteIdentityStore['updateIdentityWithin'] = (userId, patch, now) => {
    const defaults = defaultIdentity(userId);
    const params: Params = { userId, now };
    for (const [field, column] of PATCHABLE) {
      // An explicit `undefined` in the patch means "leave alone", like an absent key.
      const given = patch[field] !== undefined;
      const value = given ? (patch[field] ?? null) : defaults[field];
      params[column] = typeof value === 'boolean' ? toInt(value) : value;
      params[`set_${column}`] = toInt(given);
    }
    return toIdentity(upsert.get(params)!);
  };

  return {
    async getIdentity(userId) {
      const row = select.get(userId);
      return row ? toIdentity(row) : defaultIdentity(userId);
    },

    updateIdentityWithin,

    async updateIdentity(userId, patch, now) {
      return updateIdentityWithin(userId, patch, now);
    },

    async advanceTotpStep(userId, step) {
      // The conditional UPDATE is the whole replay check: of two requests with the same code, only
      // one can move the step, whatever the interleaving.
      return advance(userId, step);
    },

    async replaceRecoveryCodes(userId, codeHashes) {
      replaceCodes(userId, codeHashes);
    },

    async consumeRecoveryCode(userId, codeHash) {
      return consumeCode.run(userId, codeHash).changes === 1;
    },

    async countRecoveryCodes(userId) {
      return countCodes.get(userId)!.n;
    },
  };
}
