/** Every change of a user's risk level or state, with its cause; appended by RiskService only. */
import type { RiskLevel, RiskState } from '../../domain/risk.js';
import type { RiskCause, RiskHistoryStore } from '../adminTypes.js';
import { parseJson, type Db } from './util.js';
import { RISK_HISTORY_COLUMNS, riskHistoryValues } from '../riskHistoryRow.js';

interface HistoryRow {
  seq: number;
  user_id: string;
  at: number;
  level_from: RiskLevel;
  level_to: RiskLevel;
  state_from: RiskState;
  state_to: RiskState;
  cause: string;
}

export interface SqliteRiskHistoryStore extends RiskHistoryStore {
  /** appendRiskHistory, synchronous, to run inside a caller's transaction (evaluation.recordEvaluated). */
  appendWithin(entry: Parameters<RiskHistoryStore['appendRiskHistory']>[0]): void;
}

export function createRiskHistoryStore(db: Db): SqliteRiskHistoryStore {
  const insert = db.prepare<unknown[]>(
    `INSERT INTO risk_history (${RISK_HISTORY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const forUser = db.prepare<[string, number], HistoryRow>(
    `SELECT * FROM risk_history WHERE user_id = ? ORDER BY seq DESC LIMIT ?`,
  );
  const appendWithin: SqliteRiskHistoryStore['appendWithin'] = (entry) => {
    insert.run(...riskHistoryValues(entry));
  };
  return {
    appendWithin,

    async appendRiskHistory(entry) {
      appendWithin(entry);
    },
    async riskHistory(userId, limit) {
      return forUser.all(userId, limit).map((row) => ({
        seq: row.seq,
        userId: row.user_id,
        at: row.at,
        from: { level: row.level_from, state: row.state_from },
        to: { level: row.level_to, state: row.state_to },
        cause: parseJson<RiskCause>(row.cause),
      }));
    },
  };
}
