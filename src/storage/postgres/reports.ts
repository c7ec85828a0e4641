/**
 * The admin reports' paged queries, served by the indexes of migration 6 (identities by state and
 * rank, risky sign-ins by time, detections by status and time). Filters are bound parameters.
 */
import type { MfaStatus, ReportStore } from '../adminTypes.js';
import {
  detectionsList,
  riskySignInsList,
  riskyUsersList,
  type ListQuery,
  type WhereBuilder,
} from '../reportQueries.js';
import { toDetection } from './detections.js';
import { toIdentity } from './identities.js';
import { toRecord } from './signIns.js';
import { num, numOrNull, type Pool } from './util.js';

class Where implements WhereBuilder {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sql: string): this {
    this.parts.push(sql);
    return this;
  }
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  in(column: string, values: readonly unknown[] | undefined): this {
    return values === undefined ? this : this.add(`${column} = ANY(${this.param([...values])})`);
  }
  eq(column: string, value: unknown): this {
    return value === undefined ? this : this.add(`${column} = ${this.param(value)}`);
  }
  toString(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

async function page<Row extends object, T>(
  pool: Pool,
  list: ListQuery,
  where: Where,
  request: { offset: number; limit: number },
  map: (row: Row) => T,
) {
  const from = list.table;
  const orderBy = list.orderBy.replaceAll('{tiebreak}', 'seq');
  const count = await pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${from} ${where}`, where.params);
  const params = [...where.params, request.limit, request.offset];
  const { rows } = await pool.query<Row>(
    `SELECT * FROM ${from} ${where} ORDER BY ${orderBy} LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { total: num(count.rows[0]!.n), rows: rows.map(map) };
}

export function createReportStore(pool: Pool): ReportStore {
  return {
    async riskyUsers(query) {
      const where = new Where();
      return page(pool, riskyUsersList(where, query), where, query, toIdentity);
    },

    async riskySignIns(query) {
      const where = new Where();
      return page(pool, riskySignInsList(where, query), where, query, toRecord);
    },

    async detectionsPage(query) {
      const where = new Where();
      return page(pool, detectionsList(where, query), where, query, toDetection);
    },

    async mfaRegistration(query) {
      const condition: Record<MfaStatus, string> = {
        registered: 'i.totp_secret IS NOT NULL',
        inGrace: 'i.totp_secret IS NULL AND i.mfa_prompted_at > $1::bigint',
        notRegistered:
          'i.totp_secret IS NULL AND (i.mfa_prompted_at IS NULL OR i.mfa_prompted_at <= $1::bigint)',
      };
      const from = 'users u LEFT JOIN identities i ON i.user_id = u.id';
      // Counted on the identities' partial indexes, not by joining every user: users without an
      // identity row have never registered, so "not registered" is the rest of the users.
      const counted = await pool.query<{ users: string; registered: string; in_grace: string }>(
        `SELECT (SELECT COUNT(*) FROM users) AS users,
           (SELECT COUNT(*) FROM identities WHERE totp_secret IS NOT NULL) AS registered,
           (SELECT COUNT(*) FROM identities WHERE totp_secret IS NULL AND mfa_prompted_at > $1) AS in_grace`,
        [query.graceStartedAfter],
      );
      // Only bind the cutoff when the WHERE uses it: PostgreSQL cannot type an unused parameter.
      const where = query.status ? `WHERE ${condition[query.status]}` : '';
      const params = query.status ? [query.graceStartedAfter] : [];
      const { rows } = await pool.query<{
        id: string;
        username: string;
        totp: boolean;
        prompted: string | null;
      }>(
        `SELECT u.id, u.username, i.totp_secret IS NOT NULL AS totp, i.mfa_prompted_at AS prompted
         FROM ${from} ${where} ORDER BY u.username LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, query.limit, query.offset],
      );
      const c = counted.rows[0]!;
      const counts = {
        registered: num(c.registered),
        inGrace: num(c.in_grace),
        notRegistered: Math.max(0, num(c.users) - num(c.registered) - num(c.in_grace)),
      };
      return {
        counts,
        total: query.status
          ? counts[query.status]
          : counts.registered + counts.inGrace + counts.notRegistered,
        rows: rows.map((row) => ({
          userId: row.id,
          username: row.username,
          registered: row.totp === true,
          promptedAt: numOrNull(row.prompted),
        })),
      };
    },

    async usersWithRole(role, limit) {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM users WHERE roles @> ARRAY[$1::text] ORDER BY created_at LIMIT $2`,
        [role, limit],
      );
      return rows.map((row) => row.id);
    },
  };
}
