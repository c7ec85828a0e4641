/**
 * Policy versions (compare-and-set by primary key: of concurrent savers of one version, the unique
 * index lets exactly one in, on every instance) and the sign-in history queries behind the impact
 * preview and the report-only list, paged by keyset.
 */
import type { PolicyStore, StoredPolicies } from '../types.js';
import { toRecord, type SignInRow } from './signIns.js';
import { num, type Pool } from './util.js';

interface PolicyRow {
  version: number;
  document: Record<string, unknown>;
  changed_by_id: string;
  changed_by: string;
  reason: string;
  changed_at: string;
}

/** SQLSTATE unique_violation: another instance stored this version first. */
const UNIQUE_VIOLATION = '23505';

function toStored(row: PolicyRow): StoredPolicies {
  return {
    version: row.version,
    document: row.document,
    changedBy: { id: row.changed_by_id, name: row.changed_by },
    reason: row.reason,
    changedAt: num(row.changed_at),
  };
}

const LATEST = `SELECT * FROM policy_versions ORDER BY version DESC LIMIT 1`;

export function createPolicyStore(pool: Pool): PolicyStore {
  const latest = async (): Promise<StoredPolicies | null> => {
    const { rows } = await pool.query<PolicyRow>(LATEST);
    return rows[0] ? toStored(rows[0]) : null;
  };

  return {
    latestPolicies: latest,
    async seedPolicies(document, changedAt) {
      await pool.query(
        `INSERT INTO policy_versions (version, document, changed_by_id, changed_by, reason, changed_at)
         VALUES (1, $1::jsonb, 'system', 'first start', 'defaults from the configuration', $2)
         ON CONFLICT (version) DO NOTHING`,
        [JSON.stringify(document), changedAt],
      );
      return (await latest())!;
    },
    async savePolicies({ expectedVersion, ...saved }) {
      const version = expectedVersion + 1;
      try {
        // The guard refuses a version that skips ahead; the primary key refuses a second writer of the
        // same version (read committed: both may pass the guard, only one insert commits).
        const result = await pool.query(
          `INSERT INTO policy_versions (version, document, changed_by_id, changed_by, reason, changed_at)
           SELECT $1, $2::jsonb, $3, $4, $5, $6
           WHERE (SELECT coalesce(max(version), 0) FROM policy_versions) = $7`,
          [
            version,
            JSON.stringify(saved.document),
            saved.changedBy.id,
            saved.changedBy.name,
            saved.reason,
            saved.changedAt,
            expectedVersion,
          ],
        );
        return result.rowCount === 0 ? null : { ...saved, version };
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) return null;
        throw error;
      }
    },
    async policyHistory(limit) {
      const { rows } = await pool.query<PolicyRow>(
        `SELECT * FROM policy_versions ORDER BY version DESC LIMIT $1`,
        [limit],
      );
      return rows.map(toStored);
    },
    async signInsForReplay(window, after, limit) {
      // The database's own collation orders users (it matches the sign_ins_user_at index); paging only
      // needs the order to be total and stable, which (user, at, id) is.
      const { rows } = await pool.query<SignInRow>(
        `SELECT * FROM sign_ins
         WHERE user_id IS NOT NULL AND decision IS NOT NULL AND at >= $1 AND at < $2
           AND (user_id, at, id) > ($3, $4, $5)
         ORDER BY user_id, at, id LIMIT $6`,
        [window.since, window.until, after?.userId ?? '', after?.at ?? 0, after?.id ?? '', limit],
      );
      return rows.map(toRecord);
    },
    async reportOnlySignIns(filter, after, limit) {
      // The partial index holds only rows with report-only results, so the scan never touches the rest.
      const params: unknown[] = [filter.since ?? 0];
      const clauses = [`report_only <> '[]'::jsonb`, 'at >= $1'];
      if (after) {
        params.push(after.at, after.id);
        clauses.push(`(at, id) < ($2, $3)`);
      }
      if (filter.policy !== undefined || filter.wouldHave !== undefined) {
        const match: Record<string, string> = {};
        if (filter.policy !== undefined) match.policy = filter.policy;
        if (filter.wouldHave !== undefined) match.wouldHave = filter.wouldHave;
        params.push(JSON.stringify([match]));
        clauses.push(`report_only @> $${params.length}::jsonb`);
      }
      params.push(limit);
      const { rows } = await pool.query<SignInRow>(
        `SELECT * FROM sign_ins WHERE ${clauses.join(' AND ')}
         ORDER BY at DESC, id DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(toRecord);
    },
  };
}
