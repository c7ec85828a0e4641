/** Detections: what a detector found about a sign-in or a user, active until something closes it. */
import { randomUUID } from 'node:crypto';
import type {
  ClosedBy,
  Detection,
  DetectionLevel,
  DetectionScope,
  DetectionStatus,
  DetectionTiming,
  DetectionType,
} from '../../domain/risk.js';
import type { DetectionStore } from '../types.js';
import { parseJson, type Db } from './util.js';

export interface DetectionRow {
  id: string;
  user_id: string;
  sign_in_id: string | null;
  type: DetectionType;
  level: DetectionLevel;
  timing: DetectionTiming;
  scope: DetectionScope;
  reason: string;
  evidence: string | null;
  status: DetectionStatus;
  closed_by: ClosedBy | null;
  created_at: number;
  updated_at: number;
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
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  // Evidence is optional on drafts; leave the key out when there was none so reads equal what was written.
  if (row.evidence !== null) detection.evidence = parseJson<Record<string, unknown>>(row.evidence);
  return detection;
}

export interface SqliteDetectionStore extends DetectionStore {
  /** addDetections, run inside the caller's transaction (evaluation.recordEvaluated). */
  addDetectionsWithin(...args: Parameters<DetectionStore['addDetections']>): Detection[];
}

export function createDetectionStore(db: Db): SqliteDetectionStore {
  const insert = db.prepare<[DetectionRow]>(
    `INSERT INTO detections (id, user_id, sign_in_id, type, level, timing, scope, reason, evidence, status,
       closed_by, created_at, updated_at)
     VALUES (@id, @user_id, @sign_in_id, @type, @level, @timing, @scope, @reason, @evidence, @status,
       @closed_by, @created_at, @updated_at)`,
  );
  const addDetectionsWithin: SqliteDetectionStore['addDetectionsWithin'] = (
    userId,
    signInId,
    drafts,
    now,
  ) => {
    const rows = drafts.map((draft): DetectionRow => ({
      id: randomUUID(),
      user_id: userId,
      sign_in_id: signInId,
      type: draft.type,
      level: draft.level,
      timing: draft.timing,
      scope: draft.scope,
      reason: draft.reason,
      evidence: draft.evidence === undefined ? null : JSON.stringify(draft.evidence),
      status: 'active',
      closed_by: null,
      created_at: now,
      updated_at: now,
    }));
    for (const row of rows) insert.run(row);
    return rows.map(toDetection);
  };
  // One transaction: a sign-in's detections are stored together or not at all.
  const insertAll = db.transaction(addDetectionsWithin);
  // rowid keeps insertion order among detections created in the same millisecond.
  const active = db.prepare<[string], DetectionRow>(
    `SELECT * FROM detections WHERE user_id = ? AND status = 'active' ORDER BY created_at, rowid`,
  );
  const forSignIn = db.prepare<[string], DetectionRow>(
    `SELECT * FROM detections WHERE sign_in_id = ? ORDER BY created_at, rowid`,
  );
  const forUser = db.prepare<[string], DetectionRow>(
    `SELECT * FROM detections WHERE user_id = ? ORDER BY created_at, rowid`,
  );
  // Only active ones: a detection closed earlier keeps the reason it was closed with.
  const agedUsers = db.prepare<[DetectionLevel, number], { user_id: string }>(
    `SELECT DISTINCT user_id FROM detections WHERE status = 'active' AND level = ? AND created_at < ?`,
  );
  const closeAged = db.prepare<[number, DetectionLevel, number]>(
    `UPDATE detections SET status = 'closed', closed_by = 'system', updated_at = ?
     WHERE status = 'active' AND level = ? AND created_at < ?`,
  );
  const ageing = db.transaction((level: DetectionLevel, createdBefore: number, now: number) => {
    const users = agedUsers.all(level, createdBefore).map((row) => row.user_id);
    closeAged.run(now, level, createdBefore);
    return users;
  });
  const closeForUser = db.prepare<[ClosedBy, number, string]>(
    `UPDATE detections SET status = 'closed', closed_by = ?, updated_at = ? WHERE user_id = ? AND status = 'active'`,
  );
  const closeForSignIn = db.prepare<[ClosedBy, number, string, string]>(
    `UPDATE detections SET status = 'closed', closed_by = ?, updated_at = ?
     WHERE user_id = ? AND sign_in_id = ? AND scope = 'signIn' AND status = 'active'`,
  );

  return {
    addDetectionsWithin,

    async addDetections(userId, signInId, drafts, now) {
      return insertAll(userId, signInId, drafts, now);
    },

    async activeDetections(userId) {
      return active.all(userId).map(toDetection);
    },

    async detectionsForSignIn(signInId) {
      return forSignIn.all(signInId).map(toDetection);
    },

    async detectionsForUser(userId) {
      return forUser.all(userId).map(toDetection);
    },

    async closeDetections({ userId, signInId }, by, now) {
      const result =
        signInId === undefined
          ? closeForUser.run(by, now, userId)
          : closeForSignIn.run(by, now, userId, signInId);
      return result.changes;
    },

    async ageDetections(level, createdBefore, now) {
      // One transaction: the users we report are exactly those whose detections this call closed.
      return ageing.immediate(level, createdBefore, now);
    },
  };
}
