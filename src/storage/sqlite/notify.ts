/** Pending risk alerts (taking deletes, so each is mailed once) and the weekly digest's figures. */
import type { DetectionLevel } from '../../domain/risk.js';
import type { NotifyStore, RiskAlert } from '../types.js';
import type { Db } from './util.js';

interface AlertRow {
  id: number;
  user_id: string;
  level: string;
  at: number;
}

const LEVEL_ORDER = `CASE risk_level WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END`;

export function createNotifyStore(db: Db): NotifyStore {
  const insert = db.prepare<[string, string, number]>(
    'INSERT INTO risk_alerts (user_id, level, at) VALUES (?, ?, ?)',
  );
  const take = db.prepare<[number], AlertRow>(
    `DELETE FROM risk_alerts WHERE id IN (SELECT id FROM risk_alerts ORDER BY id LIMIT ?)
     RETURNING id, user_id, level, at`,
  );
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM risk_alerts');
  // "Risky users of the week": a detection raised in the period, and the identity still at risk.
  const riskyUsersFrom = `FROM identities WHERE risk_level <> 'none' AND user_id IN (
      SELECT user_id FROM detections WHERE created_at >= ? AND created_at < ?)`;
  const riskyUsers = db.prepare<[number, number, number], { user_id: string; risk_level: string }>(
    `SELECT user_id, risk_level ${riskyUsersFrom} ORDER BY ${LEVEL_ORDER} DESC, user_id LIMIT ?`,
  );
  const riskyUserCount = db.prepare<[number, number], { n: number }>(
    `SELECT COUNT(*) AS n ${riskyUsersFrom}`,
  );
  const riskySignIns = db.prepare<[number, number], { n: number }>(
    `SELECT COUNT(*) AS n FROM sign_ins
     WHERE at >= ? AND at < ? AND user_id IS NOT NULL AND risk_level <> 'none'`,
  );
  const byType = db.prepare<[number, number], { type: string; n: number }>(
    `SELECT type, COUNT(*) AS n FROM detections WHERE created_at >= ? AND created_at < ?
     GROUP BY type ORDER BY n DESC, type`,
  );
  return {
    async queueRiskAlert(alert) {
      insert.run(alert.userId, alert.level, alert.at);
    },
    async takeRiskAlerts(limit) {
      return take
        .all(limit)
        .sort((a, b) => a.id - b.id)
        .map((row): RiskAlert => ({ userId: row.user_id, level: row.level as DetectionLevel, at: row.at }));
    },
    async countRiskAlerts() {
      return count.get()!.n;
    },
    async riskSummary(since, until, limit) {
      return {
        riskyUsers: riskyUsers.all(since, until, limit).map((row) => ({
          userId: row.user_id,
          riskLevel: row.risk_level as DetectionLevel,
        })),
        riskyUserCount: riskyUserCount.get(since, until)!.n,
        riskySignIns: riskySignIns.get(since, until)!.n,
        detectionsByType: byType.all(since, until).map((row) => ({ type: row.type, count: row.n })),
      };
    },
  };
}
