/**
 * Sign-in history. The context is flattened into columns (not one JSON blob) so admin queries and the
 * travel check can filter on user, time, IP, country and outcome with plain indexes.
 */
import type { RiskLevel, RiskState } from '../../domain/risk.js';
import type { PolicyInputs, ReportOnlyResult, SignInOutcome, SignInRecord } from '../../domain/signIn.js';
import type { SignInStore } from '../types.js';
import { parseJson, type Db } from './util.js';
import { accuracyColumn, geoFromColumns } from '../geoColumns.js';
import { PAST_COLUMNS, toPast, type PastRow } from '../pastSignIn.js';

export interface SignInRow {
  id: string;
  user_id: string | null;
  username: string;
  at: number;
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
  report_only: string;
  policy_inputs: string | null;
  updated_at: number;
}

function toRow(record: SignInRecord): SignInRow {
  const { context } = record;
  return {
    id: record.id,
    user_id: record.userId,
    username: record.username,
    at: context.at,
    ip: context.ip,
    network: context.network,
    country: context.geo.country,
    city: context.geo.city,
    latitude: context.geo.latitude,
    longitude: context.geo.longitude,
    accuracy_km: accuracyColumn(context.geo),
    user_agent: context.device.userAgent,
    browser: context.device.browser,
    browser_family: context.device.browserFamily,
    os: context.device.os,
    device_type: context.device.deviceType,
    device_id: context.device.deviceId,
    outcome: record.outcome,
    risk_level: record.riskLevel,
    risk_state: record.riskState,
    user_risk_level: record.userRiskLevel,
    decision: record.decision,
    report_only: JSON.stringify(record.reportOnly),
    policy_inputs: record.policyInputs ? JSON.stringify(record.policyInputs) : null,
    updated_at: record.updatedAt,
  };
}

export function toRecord(row: SignInRow): SignInRecord {
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    context: {
      at: row.at,
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
    reportOnly: parseJson<ReportOnlyResult[]>(row.report_only),
    ...(row.policy_inputs === null ? {} : { policyInputs: parseJson<PolicyInputs>(row.policy_inputs) }),
    updatedAt: row.updated_at,
  };
}

/**
 * Stores a sign-in, synchronously, so it can run inside a caller's transaction (evaluation.ts).
 * Recording is an upsert: a sign-in may be written again (its outcome after a flow). DO UPDATE keeps
 * the rowid, unlike INSERT OR REPLACE, so the same-millisecond ordering below stays stable.
 */
export function signInRecorder(db: Db): (record: SignInRecord) => void {
  const insert = db.prepare<[SignInRow]>(
    `INSERT INTO sign_ins (id, user_id, username, at, ip, network, country, city, latitude, longitude, accuracy_km,
       user_agent, browser, browser_family, os, device_type, device_id, outcome, risk_level, risk_state,
       user_risk_level, decision, report_only, policy_inputs, updated_at)
     VALUES (@id, @user_id, @username, @at, @ip, @network, @country, @city, @latitude, @longitude, @accuracy_km,
       @user_agent, @browser, @browser_family, @os, @device_type, @device_id, @outcome, @risk_level, @risk_state,
       @user_risk_level, @decision, @report_only, @policy_inputs, @updated_at)
     ON CONFLICT (id) DO UPDATE SET
       user_id = excluded.user_id, username = excluded.username, at = excluded.at, ip = excluded.ip,
       network = excluded.network, country = excluded.country, city = excluded.city, latitude = excluded.latitude,
       longitude = excluded.longitude, accuracy_km = excluded.accuracy_km, user_agent = excluded.user_agent, browser = excluded.browser, browser_family = excluded.browser_family,
       os = excluded.os, device_type = excluded.device_type, device_id = excluded.device_id, outcome = excluded.outcome,
       risk_level = excluded.risk_level, risk_state = excluded.risk_state, user_risk_level = excluded.user_risk_level, decision = excluded.decision,
       report_only = excluded.report_only, policy_inputs = excluded.policy_inputs, updated_at = excluded.updated_at`,
  );
  return (record) => void insert.run(toRow(record));
}

export function createSignInStore(db: Db): SignInStore {
  const insert = signInRecorder(db);
  const setOutcome = db.prepare<[SignInOutcome, number, string]>(
    `UPDATE sign_ins SET outcome = ?, updated_at = ? WHERE id = ?`,
  );
  const setRiskState = db.prepare<[RiskState, number, string]>(
    `UPDATE sign_ins SET risk_state = ?, updated_at = ? WHERE id = ?`,
  );
  const byId = db.prepare<[string], SignInRow>(`SELECT * FROM sign_ins WHERE id = ?`);
  // rowid breaks ties between sign-ins in the same millisecond: the later insert is the more recent.
  // Only the columns a PastSignIn needs: the row is read on every sign-in.
  const lastGood = db.prepare<[string, number], PastRow>(
    `SELECT ${PAST_COLUMNS} FROM sign_ins
     WHERE user_id = ? AND at < ? AND outcome IN ('allowed', 'mfaPassed')
     ORDER BY at DESC, rowid DESC LIMIT 1`,
  );
  const recent = db.prepare<[string, number], SignInRow>(
    `SELECT * FROM sign_ins WHERE user_id = ? ORDER BY at DESC, rowid DESC LIMIT ?`,
  );

  return {
    async recordSignIn(record) {
      insert(record);
    },

    async updateSignInOutcome(id, outcome, now) {
      setOutcome.run(outcome, now, id);
    },

    async updateSignInRiskState(id, riskState, now) {
      setRiskState.run(riskState, now, id);
    },

    async getSignIn(id) {
      const row = byId.get(id);
      return row ? toRecord(row) : null;
    },

    async lastSuccessfulSignIn(userId, before) {
      const row = lastGood.get(userId, before);
      return row ? toPast(row) : null;
    },

    async recentSignIns(userId, limit) {
      return recent.all(userId, limit).map(toRecord);
    },
    async usersSignedInFrom(ips, since) {
      if (ips.length === 0) return [];
      // A decision is recorded only once the password was verified.
      const rows = db
        .prepare<[string, number], { user_id: string }>(
          `SELECT DISTINCT user_id FROM sign_ins
           WHERE ip IN (SELECT value FROM json_each(?)) AND at >= ? AND decision IS NOT NULL AND user_id IS NOT NULL
           ORDER BY user_id`,
        )
        .all(JSON.stringify(ips), since);
      return rows.map((row) => row.user_id);
    },
  };
}
