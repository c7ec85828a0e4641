/**
 * What the admin list queries filter and sort on, shared by the SQL backends; each backend supplies
 * its own WHERE builder (placeholders and list syntax differ) and runs the query. The conditions
 * match the partial indexes of migration 6 word for word (e.g. `risk_state <> 'none'`), which is
 * what lets SQLite and PostgreSQL use them.
 */
import { LEVEL_RANK, type DetectionQuery, type RiskyUserQuery, type SignInQuery } from './adminTypes.js';

export interface WhereBuilder {
  add(sql: string): this;
  in(column: string, values: readonly unknown[] | undefined): this;
  eq(column: string, value: unknown): this;
}

export interface ListQuery {
  table: 'identities' | 'sign_ins' | 'detections';
  /** ORDER BY, with `{tiebreak}` standing for the backend's insertion-order column. */
  orderBy: string;
}

const direction = (order: 'asc' | 'desc') => (order === 'asc' ? 'ASC' : 'DESC');

export function riskyUsersList(where: WhereBuilder, query: RiskyUserQuery): ListQuery {
  if (query.states === undefined) where.add(`risk_state <> 'none'`);
  where.in('risk_state', query.states).in(
    'risk_rank',
    query.levels?.map((l) => LEVEL_RANK[l]),
  );
  const dir = direction(query.order);
  const orderBy =
    query.sort === 'level' ? `risk_rank ${dir}, updated_at ${dir}, user_id` : `updated_at ${dir}, user_id`;
  return { table: 'identities', orderBy };
}

export function riskySignInsList(where: WhereBuilder, query: SignInQuery): ListQuery {
  where
    .add(`risk_level <> 'none'`)
    .in('risk_level', query.levels)
    .in('risk_state', query.states)
    .eq('user_id', query.userId);
  const dir = direction(query.order);
  return { table: 'sign_ins', orderBy: `at ${dir}, {tiebreak} ${dir}` };
}

export function detectionsList(where: WhereBuilder, query: DetectionQuery): ListQuery {
  where
    .eq('status', query.status)
    .in('type', query.types)
    .in('level', query.levels)
    .eq('user_id', query.userId);
  const dir = direction(query.order);
  return { table: 'detections', orderBy: `created_at ${dir}, {tiebreak} ${dir}` };
}
