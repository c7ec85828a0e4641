/** One risk-history entry as the column values of a row, in the order both SQL backends insert them. */
import type { RiskHistoryEntry } from './adminTypes.js';

export const RISK_HISTORY_COLUMNS = 'user_id, at, level_from, level_to, state_from, state_to, cause';

export function riskHistoryValues(entry: Omit<RiskHistoryEntry, 'seq'>): unknown[] {
  return [
    entry.userId,
    entry.at,
    entry.from.level,
    entry.to.level,
    entry.from.state,
    entry.to.state,
    JSON.stringify(entry.cause),
  ];
}
