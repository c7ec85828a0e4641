/** Every change of a user's risk level or state, with its cause; appended by RiskService only. */
import type { RiskLevel, RiskState } from '../../domain/risk.js';
import type { RiskCause, RiskHistoryEntry, RiskHistoryStore } from '../adminTypes.js';
import { num, type Pool, type Queryable } from './util.js';
import { RISK_HISTORY_COLUMNS, riskHistoryValues } from '../riskHistoryRow.js';

interface HistoryRow {
  seq: string;
  user_id: string;
  at: string;
  level_from: RiskLevel;
  level_to: RiskLevel;
  state_from: RiskState;
  state_to: RiskState;
  cause: RiskCause;
}

/** Appends one entry on `db`: the pool, or a transaction's connection (evaluation.recordEvaluated). */
export async function insertRiskHistory(db: Queryable, entry: Omit<RiskHistoryEntry, 'seq'>): Promise<void> {
  await db.query(
    `INSERT INTO risk_history (${RISK_HISTORY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    riskHistoryValues(entry),
  );
}

export function createRiskHistoryStore(pool: Pool): RiskHistoryStore {
  return {
    async appendRiskHistory(entry) {
      await insertRiskHistory(pool, entry);
    },
    async riskHistory(userId, limit) {
      const { rows } = await pool.query<HistoryRow>(
        `SELECT * FROM risk_history WHERE user_id = $1 ORDER BY seq DESC LIMIT $2`,
        [userId, limit],
      );
      return rows.map((row) => ({
        seq: num(row.seq),
        userId: row.user_id,
        at: num(row.at),
        from: { level: row.level_from, state: row.state_from },
        to: { level: row.level_to, state: row.state_to },
        cause: row.cause,
      }));
    },
  };
}
