/**
 * Sign-in history. The context is flattened into columns (not one JSON blob) so admin queries and the
 * travel check can filter on user, time, IP, country and outcome with plain indexes.
 */
import type { RiskLevel, RiskState } from '../../domain/risk.js';
import type { PolicyInputs, ReportOnlyResult, SignInOutcome, SignInRecord } from '../../domain/signIn.js';
import type { SignInStore } from '../types.js';
import { num, type Pool } from './util.js';
import { accuracyColumn, geoFromColumns } from '../geoColumns.js';
import { PAST_COLUMNS, toPast, type PastRow } from '../pastSignIn.js';

export interface SignInRow {
  id: string;
  user_id: string | null;
  username: string;
  at: string;
  ip: string;
  network: string;
  country: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  accuracy_km: number | null;
  user_agent: string;
  browser: string | null;
  browser_family: string | null;
  os: string | null;
  device_type: string;
  device_id: string | null;
  outcome: SignInOutcome;
  risk_level: RiskLevel;
  risk_state: RiskState;
  user_risk_level: RiskLevel;
  decision: string | null;
  report_only: ReportOnlyResult[];
  policy_inputs: PolicyInputs | null;
  updated_at: string;
}

/** Written columns in parameter order; `seq` is left to the identity so it records insertion order. */
const COLUMNS = [
  'id',
  'user_id',
  'username',
  'at',
  'ip',
  'network',
  'country',
  'city',
  'latitude',
  'longitude',
  'accuracy_km',
  'user_agent',
  'browser',
  'browser_family',
  'os',
  'device_type',
  'device_id',
  'outcome',
  'risk_level',
  'risk_state',
  'user_risk_level',
  'decision',
  'report_only',
  'policy_inputs',
  'updated_at',
] as const;

export function toParams(record: SignInRecord): unknown[] {
  const { context } = record;
  return [
    record.id,
    record.userId,
    record.username,
    context.at,
    context.ip,
    context.network,
    context.geo.country,
    context.geo.city,
    context.geo.latitude,
    context.geo.longitude,
    accuracyColumn(context.geo),
    context.device.userAgent,
    context.device.browser,
    context.device.browserFamily,
    context.device.os,
    context.device.deviceType,
    context.device.deviceId,
    record.outcome,
    record.riskLevel,
    record.riskState,
    record.userRiskLevel,
    record.decision,
    // Stringified by hand: pg would turn a JS array into a PostgreSQL array literal, not JSON.
    JSON.stringify(record.reportOnly),
    record.policyInputs ? JSON.stringify(record.policyInputs) : null,
    record.updatedAt,
  ];
}

export function toRecord(row: SignInRow): SignInRecord {
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    context: {
      at: num(row.at),
      ip: row.ip,
      network: row.network,
      geo: geoFromColumns(row),
      device: {
        userAgent: row.user_agent,
        browser: row.browser,
        browserFamily: row.browser_family,
        os: row.os,
        deviceType: row.device_type,
        deviceId: row.device_id,
      },
    },
    outcome: row.outcome,
    riskLevel: row.risk_level,
    riskState: row.risk_state,
    userRiskLevel: row.user_risk_level,
    decision: row.decision,
    reportOnly: row.report_only,
    ...(row.policy_inputs === null ? {} : { policyInputs: row.policy_inputs }),
    updatedAt: num(row.updated_at),
  };
}

/**
 * The user's most recent good sign-in before a time, with only the columns a PastSignIn needs (it
 * is read on every sign-in); `user` and `before` are parameter placeholders. seq breaks ties between
 * sign-ins in the same millisecond: the later insert is the more recent.
 */
export function lastSuccessQuery(user: string, before: string): string {
  return `SELECT ${PAST_COLUMNS}
    FROM sign_ins WHERE user_id = ${user} AND at < ${before} AND outcome IN ('allowed', 'mfaPassed')
    ORDER BY at DESC, seq DESC LIMIT 1`;
}

/**
 * Recording is an upsert: a sign-in may be written again (its outcome after a flow, a replay). DO
 * UPDATE keeps the row's seq, so the same-millisecond order stays stable. `first` is the number of
 * the first placeholder, so the statement can sit inside a larger one (evaluation.recordEvaluated).
 */
export function signInUpsert(first = 1): string {
  return `INSERT INTO sign_ins (${COLUMNS.join(', ')})
  VALUES (${COLUMNS.map((column, i) => `$${i + first}${column === 'report_only' || column === 'policy_inputs' ? '::jsonb' : ''}`).join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ')}`;
}

export const SIGN_IN_PARAMS = COLUMNS.length;

const UPSERT = signInUpsert();

export function createSignInStore(pool: Pool): SignInStore {
  return {
    async recordSignIn(record) {
      await pool.query(UPSERT, toParams(record));
    },

    async updateSignInOutcome(id, outcome, now) {
      await pool.query(`UPDATE sign_ins SET outcome = $1, updated_at = $2 WHERE id = $3`, [outcome, now, id]);
    },

    async updateSignInRiskState(id, riskState, now) {
      await pool.query(`UPDATE sign_ins SET risk_state = $1, updated_at = $2 WHERE id = $3`, [
        riskState,
        now,
        id,
      ]);
    },

    async getSignIn(id) {
      const { rows } = await pool.query<SignInRow>(`SELECT * FROM sign_ins WHERE id = $1`, [id]);
      return rows[0] ? toRecord(rows[0]) : null;
    },

    async lastSuccessfulSignIn(userId, before) {
      const { rows } = await pool.query<PastRow>(lastSuccessQuery('$1', '$2'), [userId, before]);
      return rows[0] ? toPast(rows[0]) : null;
    },

    async recentSignIns(userId, limit) {
      const { rows } = await pool.query<SignInRow>(
        `SELECT * FROM sign_ins WHERE user_id = $1 ORDER BY at DESC, seq DESC LIMIT $2`,
        [userId, limit],
      );
      return rows.map(toRecord);
    },
    async usersSignedInFrom(ips, since) {
      if (ips.length === 0) return [];
      // A decision is recorded only once the password was verified.
      const { rows } = await pool.query<{ user_id: string }>(
        `SELECT DISTINCT user_id FROM sign_ins
         WHERE ip = ANY($1::text[]) AND at >= $2 AND decision IS NOT NULL AND user_id IS NOT NULL
         ORDER BY user_id`,
        [ips, since],
      );
      return rows.map((row) => row.user_id);
    },
  };
}
