/** Flow state machines. Every change is a compare-and-set, so a stale or replayed POST cannot apply. */
import type { FlowKind, FlowRecord } from '../../domain/flow.js';
import type { FlowStore } from '../types.js';
import { changed, num, type Pool } from './util.js';

interface FlowRow {
  id: string;
  kind: FlowKind;
  user_id: string;
  sign_in_id: string;
  state: string;
  version: number;
  data: Record<string, unknown>;
  attempts: number;
  created_at: string;
  expires_at: string;
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
    data: row.data,
    attempts: row.attempts,
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
  };
}

export function createFlowStore(pool: Pool): FlowStore {
  let created = 0;

  return {
    async createFlow(flow) {
      await pool.query(
        `INSERT INTO flows (id, kind, user_id, sign_in_id, state, version, data, attempts, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)`,
        [
          flow.id,
          flow.kind,
          flow.userId,
          flow.signInId,
          flow.state,
          flow.version,
          JSON.stringify(flow.data),
          flow.attempts,
          flow.createdAt,
          flow.expiresAt,
        ],
      );
      created += 1;
      if (created % SWEEP_EVERY === 0) {
        // Housekeeping: the flow is already stored, so a failed sweep must not fail its creation.
        await pool
          .query(`DELETE FROM flows WHERE expires_at <= $1`, [flow.createdAt - KEEP_EXPIRED_MS])
          .catch(() => undefined);
      }
    },

    async getFlow(id) {
      const { rows } = await pool.query<FlowRow>(`SELECT * FROM flows WHERE id = $1`, [id]);
      return rows[0] ? toFlow(rows[0]) : null;
    },

    async transitionFlow(id, expectedVersion, { state, data }) {
      // Of concurrent transitions from one version, the first UPDATE wins; the others wait for its row
      // lock, re-check `version = $4` against the bumped row and match nothing.
      const result = await pool.query(
        `UPDATE flows SET state = $1, data = $2::jsonb, version = version + 1 WHERE id = $3 AND version = $4`,
        [state, JSON.stringify(data), id, expectedVersion],
      );
      return changed(result) === 1;
    },

    async addFlowAttempt(id, max) {
      // The cap is in the WHERE clause, so concurrent attempts can never push the count past `max`.
      const { rows } = await pool.query<{ attempts: number }>(
        `UPDATE flows SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 RETURNING attempts`,
        [id, max],
      );
      return rows[0]?.attempts ?? null;
    },

    async deleteFlow(id) {
      await pool.query(`DELETE FROM flows WHERE id = $1`, [id]);
    },
  };
}
