/** The audit log of admin actions and the API tokens admins create (stored as keyed hashes only). */
import type {
  ActorRef,
  ApiTokenRecord,
  ApiTokenStore,
  AuditEntry,
  AuditResult,
  AuditStore,
} from '../adminTypes.js';
import { parseJson, type Db } from './util.js';

interface AuditRow {
  seq: number;
  at: number;
  actor_kind: ActorRef['kind'];
  actor_id: string;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string | null;
  target_label: string | null;
  reason: string | null;
  result: AuditResult;
  detail: string;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    action: row.action,
    target: { type: row.target_type, id: row.target_id, label: row.target_label },
    reason: row.reason,
    result: row.result,
    detail: parseJson<Record<string, unknown>>(row.detail),
  };
}

export function createAuditStore(db: Db): AuditStore {
  const insert = db.prepare<Record<string, unknown>, AuditRow>(
    `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, target_type, target_id, target_label,
       reason, result, detail)
     VALUES (@at, @actor_kind, @actor_id, @actor_name, @action, @target_type, @target_id, @target_label,
       @reason, @result, @detail)
     RETURNING *`,
  );
  return {
    async appendAudit(entry) {
      return toEntry(
        insert.get({
          at: entry.at,
          actor_kind: entry.actor.kind,
          actor_id: entry.actor.id,
          actor_name: entry.actor.name,
          action: entry.action,
          target_type: entry.target.type,
          target_id: entry.target.id,
          target_label: entry.target.label,
          reason: entry.reason,
          result: entry.result,
          detail: JSON.stringify(entry.detail),
        })!,
      );
    },
    async listAudit(query) {
      const where: string[] = [];
      const params: unknown[] = [];
      const filters = [
        ['actor_id', query.actorId],
        ['action', query.action],
        ['target_id', query.targetId],
        ['result', query.result],
      ] as const;
      for (const [column, value] of filters) {
        if (value === undefined) continue;
        where.push(`${column} = ?`);
        params.push(value);
      }
      if (query.before !== undefined) {
        where.push('seq < ?');
        params.push(query.before);
      }
      const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY seq DESC LIMIT ?`;
      return db
        .prepare<unknown[], AuditRow>(sql)
        .all(...params, query.limit)
        .map(toEntry);
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
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

function toToken(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    tokenHash: row.token_hash,
    createdBy: { kind: row.created_by_kind, id: row.created_by_id, name: row.created_by_name },
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export function createApiTokenStore(db: Db): ApiTokenStore {
  const insert = db.prepare<Record<string, unknown>>(
    `INSERT INTO api_tokens (id, name, token_hash, created_by_kind, created_by_id, created_by_name, created_at,
       last_used_at, revoked_at)
     VALUES (@id, @name, @token_hash, @created_by_kind, @created_by_id, @created_by_name, @created_at,
       @last_used_at, @revoked_at)`,
  );
  const use = db.prepare<[number, string], TokenRow>(
    `UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ? AND revoked_at IS NULL RETURNING *`,
  );
  const get = db.prepare<[string], TokenRow>(`SELECT * FROM api_tokens WHERE id = ?`);
  const revoke = db.prepare<[number, string]>(
    `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
  );
  const list = db.prepare<[], TokenRow>(`SELECT * FROM api_tokens ORDER BY created_at DESC, id`);
  return {
    async createApiToken(token) {
      insert.run({
        id: token.id,
        name: token.name,
        token_hash: token.tokenHash,
        created_by_kind: token.createdBy.kind,
        created_by_id: token.createdBy.id,
        created_by_name: token.createdBy.name,
        created_at: token.createdAt,
        last_used_at: token.lastUsedAt,
        revoked_at: token.revokedAt,
      });
    },
    async useApiToken(tokenHash, now) {
      const row = use.get(now, tokenHash);
      return row ? toToken(row) : null;
    },
    async getApiToken(id) {
      const row = get.get(id);
      return row ? toToken(row) : null;
    },
    async revokeApiToken(id, now) {
      return revoke.run(now, id).changes === 1;
    },
    async listApiTokens() {
      return list.all().map(toToken);
    },
  };
}
