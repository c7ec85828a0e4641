/** Flow state machines. Every change is a compare-and-set, so a stale or replayed POST cannot apply. */
import type { FlowKind, FlowRecord } from '../../domain/flow.js';
import type { FlowStore } from '../types.js';
import { parseJson, type Db } from './util.js';

interface FlowRow {
  id: string;
  kind: FlowKind;
  user_id: string;
  sign_in_id: string;
  state: string;
  version: number;
  data: string;
  attempts: number;
  created_at: number;
  expires_at: number;
}

/** Flows expired longer than this are deleted; until then a late visit can still be told "expired". */
const KEEP_EXPIRED_MS = 24 * 60 * 60 * 1000;
/** Sweep on every this many created flows rather than on a timer: the store has no clock of its own. */
const SWEEP_EVERY = 200;

function toFlow(row: FlowRow): FlowRecord {
  return {
    id: row.id,
    kind: row.kind,
    userId: row.user_id,
    signInId: row.sign_in_id,
    state: row.state,
    version: row.version,
    data: parseJson<Record<string, unknown>>(row.data),
    attempts: row.attempts,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export function createFlowStore(db: Db): FlowStore {
  const insert = db.prepare<[FlowRow]>(
    `INSERT INTO flows (id, kind, user_id, sign_in_id, state, version, data, attempts, created_at, expires_at)
     VALUES (@id, @kind, @user_id, @sign_in_id, @state, @version, @data, @attempts, @created_at, @expires_at)`,
  );
  const byId = db.prepare<[string], FlowRow>(`SELECT * FROM flows WHERE id = ?`);
  const transition = db.prepare<[string, string, string, number]>(
    `UPDATE flows SET state = ?, data = ?, version = version + 1 WHERE id = ? AND version = ?`,
  );
  // The cap is in the WHERE clause, so concurrent attempts can never push the count past `max`.
  const attempt = db.prepare<[string, number], { attempts: number }>(
    `UPDATE flows SET attempts = attempts + 1 WHERE id = ? AND attempts < ? RETURNING attempts`,
  );
  const remove = db.prepare<[string]>(`DELETE FROM flows WHERE id = ?`);
  const sweep = db.prepare<[number]>(`DELETE FROM flows WHERE expires_at <= ?`);

  let created = 0;

  return {
    async createFlow(flow) {
      insert.run({
        id: flow.id,
        kind: flow.kind,
        user_id: flow.userId,
        sign_in_id: flow.signInId,
        state: flow.state,
        version: flow.version,
        data: JSON.stringify(flow.data),
        attempts: flow.attempts,
        created_at: flow.createdAt,
        expires_at: flow.expiresAt,
      });
      created += 1;
      if (created % SWEEP_EVERY === 0) sweep.run(flow.createdAt - KEEP_EXPIRED_MS);
    },

    async getFlow(id) {
      const row = byId.get(id);
      return row ? toFlow(row) : null;
    },

    async transitionFlow(id, expectedVersion, { state, data }) {
      return transition.run(state, JSON.stringify(data), id, expectedVersion).changes === 1;
    },

    async addFlowAttempt(id, max) {
      return attempt.get(id, max)?.attempts ?? null;
    },

    async deleteFlow(id) {
      remove.run(id);
    },
  };
}
