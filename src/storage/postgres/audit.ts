/** The audit log of admin actions and the API tokens admins create (stored as keyed hashes only). */
import type {
  ActorRef,
  ApiTokenRecord,
  ApiTokenStore,
  AuditEntry,
  AuditResult,
  AuditStore,
} from '../adminTypes.js';
import { changed, num, numOrNull, type Pool } from './util.js';

interface AuditRow {
  seq: string;
  at: string;
  actor_kind: ActorRef['kind'];
  actor_id: string;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string | null;
  target_label: string | null;
  reason: string | null;
  result: AuditResult;
  detail: Record<string, unknown>;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: num(row.seq),
    at: num(row.at),
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    action: row.action,
    target: { type: row.target_type, id: row.target_id, label: row.target_label },
    reason: row.reason,
    result: row.result,
    detail: row.detail,
  };
}

export function createAuditStore(pool: Pool): AuditStore {
  return {
    async appendAudit(entry) {
      const { rows } = await pool.query<AuditRow>(
        `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, target_type, target_id, target_label,
           reason, result, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
        [
          entry.at,
          entry.actor.kind,
          entry.actor.id,
          entry.actor.name,
          entry.action,
          entry.target.type,
          entry.target.id,
          entry.target.label,
          entry.reason,
          entry.result,
          JSON.stringify(entry.detail),
        ],
      );
      return toEntry(rows[0]!);
    },
    async listAudit(query) {
      const where: string[] = [];
      const params: unknown[] = [];
      const filters = [
        ['actor_id', query.actorId],
        ['action', query.action],
        ['target_id', query.targetId],
        ['result', query.result],
        ['seq <', query.before],
      ] as const;
      for (const [column, value] of filters) {
        if (value === undefined) continue;
        params.push(value);
        where.push(column.includes(' ') ? `${column} $${params.length}` : `${column} = $${params.length}`);
      }
      params.push(query.limit);
      const { rows } = await pool.query<AuditRow>(
        `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY seq DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(toEntry);
    },
  };
}

interface TokenRow {
  id: string;
  name: string;
  token_hash: string;
  created_by_kind: ActorRef['kind'];
  created_by_id: string;
  created_by_name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

function toToken(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    tokenHash: row.token_hash,
    createdBy: { kind: row.created_by_kind, id: row.created_by_id, name: row.created_by_name },
    createdAt: num(row.created_at),
    lastUsedAt: numOrNull(row.last_used_at),
    revokedAt: numOrNull(row.revoked_at),
  };
}

export function createApiTokenStore(pool: Pool): ApiTokenStore {
  return {
    async createApiToken(token) {
      await pool.query(
        `INSERT INTO api_tokens (id, name, token_hash, created_by_kind, created_by_id, created_by_name, created_at,
           last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          token.id,
          token.name,
          token.tokenHash,
          token.createdBy.kind,
          token.createdBy.id,
          token.createdBy.name,
          token.createdAt,
          token.lastUsedAt,
          token.revokedAt,
        ],
      );
    },
    async useApiToken(tokenHash, now) {
      const { rows } = await pool.query<TokenRow>(
        `UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL RETURNING *`,
        [now, tokenHash],
      );
      return rows[0] ? toToken(rows[0]) : null;
    },
    async getApiToken(id) {
      const { rows } = await pool.query<TokenRow>(`SELECT * FROM api_tokens WHERE id = $1`, [id]);
      return rows[0] ? toToken(rows[0]) : null;
    },
    async revokeApiToken(id, now) {
      const result = await pool.query(
        `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`,
        [now, id],
      );
      return changed(result) === 1;
    },
    async listApiTokens() {
      const { rows } = await pool.query<TokenRow>(`SELECT * FROM api_tokens ORDER BY created_at DESC, id`);
      return rows.map(toToken);
    },
  };
}
