/** Detections: what a detector found about a sign-in or a user, active until something closes it. */
import { randomUUID } from 'node:crypto';
import type {
  ClosedBy,
  Detection,
  DetectionDraft,
  DetectionLevel,
  DetectionScope,
  DetectionStatus,
  DetectionTiming,
  DetectionType,
} from '../../domain/risk.js';
import type { DetectionStore } from '../types.js';
import { changed, num, type Pool, type Queryable } from './util.js';

export interface DetectionRow {
  id: string;
  user_id: string;
  sign_in_id: string | null;
  type: DetectionType;
  level: DetectionLevel;
  timing: DetectionTiming;
  scope: DetectionScope;
  reason: string;
  evidence: Record<string, unknown> | null;
  status: DetectionStatus;
  closed_by: ClosedBy | null;
  created_at: string;
  updated_at: string;
}

export function toDetection(row: DetectionRow): Detection {
  const detection: Detection = {
    id: row.id,
    userId: row.user_id,
    signInId: row.sign_in_id,
    type: row.type,
    level: row.level,
    timing: row.timing,
    scope: row.scope,
    reason: row.reason,
    status: row.status,
    closedBy: row.closed_by,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
  // Evidence is optional on drafts; leave the key out when there was none so reads equal what was written.
  if (row.evidence !== null) detection.evidence = row.evidence;
  return detection;
}

// seq breaks ties among detections created in the same millisecond, in insertion order.
const SELECT = `SELECT id, user_id, sign_in_id, type, level, timing, scope, reason, evidence, status, closed_by,
  created_at, updated_at FROM detections`;

/**
 * A user's active detections in creation order; `user` is a parameter placeholder. seq is selected
 * too so a caller that aggregates the rows can keep that order (toDetection ignores it).
 */
export function activeDetectionsQuery(user: string): string {
  return `${SELECT.replace(' FROM detections', ', seq FROM detections')} WHERE user_id = ${user} AND status = 'active' ORDER BY created_at, seq`;
}

/**
 * Inserts one sign-in's detections on `db`: the pool, or a transaction's connection
 * (evaluation.recordEvaluated writes them with their sign-in).
 */
export async function insertDetections(
  db: Queryable,
  userId: string,
  signInId: string | null,
  drafts: readonly DetectionDraft[],
  now: number,
): Promise<Detection[]> {
  if (drafts.length === 0) return [];
  // One multi-row INSERT: all of a sign-in's detections land together or not at all, and VALUES rows
  // take their seq in the order given. User, sign-in and time are shared parameters $1..$3.
  const params: unknown[] = [userId, signInId, now];
  const tuples: string[] = [];
  const ids: string[] = [];
  for (const draft of drafts) {
    const id = randomUUID();
    ids.push(id);
    const at = params.length;
    params.push(
      id,
      draft.type,
      draft.level,
      draft.timing,
      draft.scope,
      draft.reason,
      draft.evidence === undefined ? null : JSON.stringify(draft.evidence),
      'active',
      null,
    );
    const p = (offset: number): string => `$${at + offset}`;
    tuples.push(
      `(${p(1)}, $1, $2, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}::jsonb, ${p(8)}, ${p(9)}, $3, $3)`,
    );
  }
  const { rows } = await db.query<DetectionRow>(
    `INSERT INTO detections (id, user_id, sign_in_id, type, level, timing, scope, reason, evidence, status,
         closed_by, created_at, updated_at)
       VALUES ${tuples.join(', ')}
       RETURNING id, user_id, sign_in_id, type, level, timing, scope, reason, evidence, status, closed_by,
         created_at, updated_at`,
    params,
  );
  // RETURNING order is not promised by SQL, so put rows back in draft order by id.
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => toDetection(byId.get(id)!));
}

export function createDetectionStore(pool: Pool): DetectionStore {
  const select = async (where: string, params: unknown[]): Promise<Detection[]> => {
    const { rows } = await pool.query<DetectionRow>(
      `${SELECT} WHERE ${where} ORDER BY created_at, seq`,
      params,
    );
    return rows.map(toDetection);
  };

  return {
    async addDetections(userId, signInId, drafts, now) {
      return insertDetections(pool, userId, signInId, drafts, now);
    },

    async activeDetections(userId) {
      const { rows } = await pool.query<DetectionRow>(activeDetectionsQuery('$1'), [userId]);
      return rows.map(toDetection);
    },

    async detectionsForSignIn(signInId) {
      return select(`sign_in_id = $1`, [signInId]);
    },

    async detectionsForUser(userId) {
      return select(`user_id = $1`, [userId]);
    },

    async closeDetections({ userId, signInId }, by, now) {
      // Only active ones: a detection closed earlier keeps the reason it was closed with. With a sign-in,
      // only its sign-in-scoped detections: passing MFA there says nothing about leaked credentials.
      const result =
        signInId === undefined
          ? await pool.query(
              `UPDATE detections SET status = 'closed', closed_by = $1, updated_at = $2
               WHERE user_id = $3 AND status = 'active'`,
              [by, now, userId],
            )
          : await pool.query(
              `UPDATE detections SET status = 'closed', closed_by = $1, updated_at = $2
               WHERE user_id = $3 AND sign_in_id = $4 AND scope = 'signIn' AND status = 'active'`,
              [by, now, userId, signInId],
            );
      return changed(result);
    },

    async ageDetections(level, createdBefore, now) {
      const { rows } = await pool.query<{ user_id: string }>(
        `UPDATE detections SET status = 'closed', closed_by = 'system', updated_at = $1
         WHERE status = 'active' AND level = $2 AND created_at < $3
         RETURNING user_id`,
        [now, level, createdBefore],
      );
      return [...new Set(rows.map((row) => row.user_id))];
    },
  };
}
