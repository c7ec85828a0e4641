/** Pending risk alerts (taking deletes, so each is mailed once) and the weekly digest's figures. */
import type { DetectionLevel } from '../../domain/risk.js';
import type { NotifyStore, RiskAlert } from '../types.js';
import { num, type Pool } from './util.js';

const LEVEL_ORDER = `CASE risk_level WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END`;
// "Risky users of the week": a detection raised in the period, and the identity still at risk.
const RISKY_USERS_FROM = `FROM identities WHERE risk_level <> 'none' AND user_id IN (
  SELECT user_id FROM detections WHERE created_at >= $1 AND created_at < $2)`;

export function createNotifyStore(pool: Pool): NotifyStore {
  return {
    async queueRiskAlert(alert) {
      await pool.query('INSERT INTO risk_alerts (user_id, level, at) VALUES ($1, $2, $3)', [
        alert.userId,
        alert.level,
        alert.at,
      ]);
    },
    async takeRiskAlerts(limit) {
      // SKIP LOCKED: instances taking at the same time get different alerts instead of waiting.
      const { rows } = await pool.query<{ id: string; user_id: string; level: string; at: string }>(
        `DELETE FROM risk_alerts WHERE id IN (
           SELECT id FROM risk_alerts ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, user_id, level, at`,
        [limit],
      );
      return rows
        .sort((a, b) => num(a.id) - num(b.id))
        .map((row): RiskAlert => ({
          userId: row.user_id,
          level: row.level as DetectionLevel,
          at: num(row.at),
        }));
    },
    async countRiskAlerts() {
      const { rows } = await pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM risk_alerts');
      return num(rows[0]!.n);
    },
    async riskSummary(since, until, limit) {
      const [users, userCount, signIns, byType] = await Promise.all([
        pool.query<{ user_id: string; risk_level: string }>(
          `SELECT user_id, risk_level ${RISKY_USERS_FROM} ORDER BY ${LEVEL_ORDER} DESC, user_id LIMIT $3`,
          [since, until, limit],
        ),
        pool.query<{ n: string }>(`SELECT COUNT(*) AS n ${RISKY_USERS_FROM}`, [since, until]),
        pool.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM sign_ins
           WHERE at >= $1 AND at < $2 AND user_id IS NOT NULL AND risk_level <> 'none'`,
          [since, until],
        ),
        pool.query<{ type: string; n: string }>(
          `SELECT type, COUNT(*) AS n FROM detections WHERE created_at >= $1 AND created_at < $2
           GROUP BY type ORDER BY COUNT(*) DESC, type COLLATE "C"`,
          [since, until],
        ),
      ]);
      return {
        riskyUsers: users.rows.map((row) => ({
          userId: row.user_id,
          riskLevel: row.risk_level as DetectionLevel,
        })),
        riskyUserCount: num(userCount.rows[0]!.n),
        riskySignIns: num(signIns.rows[0]!.n),
        detectionsByType: byType.rows.map((row) => ({ type: row.type, count: num(row.n) })),
      };
    },
  };
}
