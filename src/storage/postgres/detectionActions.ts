/** Closing and reactivating one detection: each a single conditional UPDATE, so two admins racing agree. */
import type { DetectionAdminStore } from '../adminTypes.js';
import { toDetection, type DetectionRow } from './detections.js';
import type { Pool } from './util.js';

const RETURNING = `RETURNING id, user_id, sign_in_id, type, level, timing, scope, reason, evidence, status,
  closed_by, created_at, updated_at`;

export function createDetectionAdminStore(pool: Pool): DetectionAdminStore {
  return {
    async getDetection(id) {
      const { rows } = await pool.query<DetectionRow>(`SELECT * FROM detections WHERE id = $1`, [id]);
      return rows[0] ? toDetection(rows[0]) : null;
    },
    async closeDetection(id, by, now) {
      const { rows } = await pool.query<DetectionRow>(
        `UPDATE detections SET status = 'closed', closed_by = $1, updated_at = $2
         WHERE id = $3 AND status = 'active' ${RETURNING}`,
        [by, now, id],
      );
      return rows[0] ? toDetection(rows[0]) : null;
    },
    async reactivateDetection(id, reactivatable, now) {
      const { rows } = await pool.query<DetectionRow>(
        `UPDATE detections SET status = 'active', closed_by = NULL, updated_at = $1
         WHERE id = $2 AND status = 'closed' AND closed_by = ANY($3::text[]) ${RETURNING}`,
        [now, id, [...reactivatable]],
      );
      return rows[0] ? toDetection(rows[0]) : null;
    },
  };
}
