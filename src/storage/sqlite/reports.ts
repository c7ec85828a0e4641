/**
 * The admin reports' paged queries. Each filter and sort is served by an index from migration 6
 * (identities by state and rank, risky sign-ins by time, detections by status and time), so a page
 * costs about the same at 100k users as at 100. Filters are bound parameters, never spliced text.
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
import type { Db } from './util.js';

class Where implements WhereBuilder {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sql: string, ...params: unknown[]): this {
    this.parts.push(sql);
    this.params.push(...params);
    return this;
  }
  in(column: string, values: readonly unknown[] | undefined): this {
    if (values === undefined) return this;
    if (values.length === 0) return this.add('0');
    return this.add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values);
  }
  eq(column: string, value: unknown): this {
    return value === undefined ? this : this.add(`${column} = ?`, value);
  }
  toString(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

function page<Row, T>(
  db: Db,
  list: ListQuery,
  where: Where,
  request: { offset: number; limit: number },
  map: (row: Row) => T,
) {
  const from = list.table;
  const orderBy = list.orderBy.replaceAll('{tiebreak}', 'rowid');
  const total = db
    .prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM ${from} ${where}`)
    .get(...where.params)!.n;
  const rows = db
    .prepare<unknown[], Row>(`SELECT * FROM ${from} ${where} ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
    .all(...where.params, request.limit, request.offset);
  return { total, rows: rows.map(map) };
}

export function createReportStore(db: Db): ReportStore {
  return {
    async riskyUsers(query) {
      const where = new Where();
      return page(db, riskyUsersList(where, query), where, query, toIdentity);
    },

    async riskySignIns(query) {
      const where = new Where();
      return page(db, riskySignInsList(where, query), where, query, toRecord);
    },

    async detectionsPage(query) {
      const where = new Where();
      return page(db, detectionsList(where, query), where, query, toDetection);
    },

    async mfaRegistration(query) {
      const cutoff = query.graceStartedAfter;
      const condition: Record<MfaStatus, string> = {
        registered: 'i.totp_secret IS NOT NULL',
        inGrace: 'i.totp_secret IS NULL AND i.mfa_prompted_at > @cutoff',
        notRegistered:
          'i.totp_secret IS NULL AND (i.mfa_prompted_at IS NULL OR i.mfa_prompted_at <= @cutoff)',
      };
      const from = 'users u LEFT JOIN identities i ON i.user_id = u.id';
      // Counted on the identities' partial indexes, not by joining every user: users without an
      // identity row have never registered, so "not registered" is the rest of the users.
      const counted = db
        .prepare<{ cutoff: number }, { users: number; registered: number; inGrace: number }>(
          `SELECT (SELECT COUNT(*) FROM users) AS users,
             (SELECT COUNT(*) FROM identities WHERE totp_secret IS NOT NULL) AS registered,
             (SELECT COUNT(*) FROM identities WHERE totp_secret IS NULL AND mfa_prompted_at > @cutoff) AS inGrace`,
        )
        .get({ cutoff })!;
      const where = query.status ? `WHERE ${condition[query.status]}` : '';
      const rows = db
        .prepare<
          { cutoff: number; limit: number; offset: number },
          { id: string; username: string; totp: number; prompted: number | null }
        >(
          `SELECT u.id, u.username, i.totp_secret IS NOT NULL AS totp, i.mfa_prompted_at AS prompted
           FROM ${from} ${where} ORDER BY u.username LIMIT @limit OFFSET @offset`,
        )
        .all({ cutoff, limit: query.limit, offset: query.offset });
      const known = {
        registered: counted.registered,
        inGrace: counted.inGrace,
        notRegistered: Math.max(0, counted.users - counted.registered - counted.inGrace),
      };
      return {
        counts: known,
        total: query.status ? known[query.status] : known.registered + known.inGrace + known.notRegistered,
        rows: rows.map((row) => ({
          userId: row.id,
          username: row.username,
          registered: row.totp === 1,
          promptedAt: row.prompted,
        })),
      };
    },

    async usersWithRole(role, limit) {
      return db
        .prepare<[string, number], { id: string }>(
          `SELECT id FROM users WHERE roles_json <> '[]' AND EXISTS (SELECT 1 FROM json_each(roles_json) WHERE value = ?) ORDER BY created_at LIMIT ?`,
        )
        .all(role, limit)
        .map((row) => row.id);
    },
  };
}
