/** Closing and reactivating one detection: each a single conditional UPDATE, so two admins racing agree. */
import type { ClosedBy } from '../../domain/risk.js';
import type { DetectionAdminStore } from '../adminTypes.js';
import { toDetection, type DetectionRow } from './detections.js';
import type { Db } from './util.js';

export function createDetectionAdminStore(db: Db): DetectionAdminStore {
  const get = db.prepare<[string], DetectionRow>(`SELECT * FROM detections WHERE id = ?`);
  const close = db.prepare<[ClosedBy, number, string], DetectionRow>(
    `UPDATE detections SET status = 'closed', closed_by = ?, updated_at = ? WHERE id = ? AND status = 'active'
     RETURNING *`,
  );
  return {
    async getDetection(id) {
      const row = get.get(id);
      return row ? toDetection(row) : null;
    },
    async closeDetection(id, by, now) {
      const row = close.get(by, now, id);
      return row ? toDetection(row) : null;
    },
    async reactivateDetection(id, reactivatable, now) {
      if (reactivatable.length === 0) return null;
      const row = db
        .prepare<unknown[], DetectionRow>(
          `UPDATE detections SET status = 'active', closed_by = NULL, updated_at = ?
           WHERE id = ? AND status = 'closed' AND closed_by IN (${reactivatable.map(() => '?').join(', ')})
           RETURNING *`,
        )
        .get(now, id, ...reactivatable);
      return row ? toDetection(row) : null;
    },
  };
}
