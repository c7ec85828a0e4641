/**
 * The admin reports' paged queries. Each filter and sort is served by an index from migration 6
 * (identities by state and rank, risky sign-ins by time, detections by status and time), so a page
 * costs about the same at 100k users as at 100. Filters are bound parameters, never spliced text.
 */
import { LEVEL_RANK, type MfaStatus, type ReportStore } from '../adminTypes.js';
import { toDetection, type DetectionRow } from './detections.js';
import { toIdentity, type IdentityRow } from './identities.js';
import { toRecord, type SignInRow } from './signIns.js';
import type { Db } from './util.js';

class Where {
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
  from: string,
  where: Where,
  orderBy: string,
  request: { offset: number; limit: number },
  map: (row: Row) => T,
) {
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
      if (query.states === undefined) where.add(`risk_state <> 'none'`);
      where.in('risk_state', query.states).in(
        'risk_rank',
        query.levels?.map((l) => LEVEL_RANK[l]),
      );
      const dir = query.order === 'asc' ? 'ASC' : 'DESC';
      const orderBy =
        query.sort === 'level'
          ? `risk_rank ${dir}, updated_at ${dir}, user_id`
          : `updated_at ${dir}, user_id`;
      return page<IdentityRow, ReturnType<typeof toIdentity>>(
        db,
        'identities',
        where,
        orderBy,
        query,
        toIdentity,
      );
    },

    async riskySignIns(query) {
      const where = new Where()
        .add(`risk_level <> 'none'`)
        .in('risk_level', query.levels)
        .in('risk_state', query.states)
        .eq('user_id', query.userId);
      const dir = query.order === 'asc' ? 'ASC' : 'DESC';
      return page<SignInRow, ReturnType<typeof toRecord>>(
        db,
        'sign_ins',
        where,
        `at ${dir}, rowid ${dir}`,
        query,
        toRecord,
      );
    },

    async detectionsPage(query) {
      const where = new Where()
        .eq('status', query.status)
        .in('type', query.types)
        .in('level', query.levels)
        .eq('user_id', query.userId);
      const dir = query.order === 'asc' ? 'ASC' : 'DESC';
      return page<DetectionRow, ReturnType<typeof toDetection>>(
        db,
        'detections',
        where,
        `created_at ${dir}, rowid ${dir}`,
        query,
        toDetection,
      );
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
          `SELECT id FROM users WHERE EXISTS (SELECT 1 FROM json_each(roles_json) WHERE value = ?) ORDER BY created_at LIMIT ?`,
        )
        .all(role, limit)
        .map((row) => row.id);
    },
  };
}
