/**
 * Policy versions (compare-and-set by primary key: one writer wins each version) and the sign-in
 * history queries behind the impact preview and the report-only list, paged by keyset.
 */
import type { PolicyStore, SignInCursor, StoredPolicies } from '../types.js';
import { toRecord, type SignInRow } from './signIns.js';
import { parseJson, type Db } from './util.js';

interface PolicyRow {
  version: number;
  document: string;
  changed_by_id: string;
  changed_by: string;
  reason: string;
  changed_at: number;
}

function toStored(row: PolicyRow): StoredPolicies {
  return {
    version: row.version,
    document: parseJson<Record<string, unknown>>(row.document),
    changedBy: { id: row.changed_by_id, name: row.changed_by },
    reason: row.reason,
    changedAt: row.changed_at,
  };
}

const NO_CURSOR_USER = '';

export function createPolicyStore(db: Db): PolicyStore {
  const latest = db.prepare<[], PolicyRow>(`SELECT * FROM policy_versions ORDER BY version DESC LIMIT 1`);
  const history = db.prepare<[number], PolicyRow>(
    `SELECT * FROM policy_versions ORDER BY version DESC LIMIT ?`,
  );
  const seed = db.prepare<[string, number]>(
    `INSERT INTO policy_versions (version, document, changed_by_id, changed_by, reason, changed_at)
     VALUES (1, ?, 'system', 'first start', 'defaults from the configuration', ?)
     ON CONFLICT (version) DO NOTHING`,
  );
  // The guard makes the insert conditional on the expected version still being the latest; SQLite
  // runs one write at a time, so read-and-insert in one statement is atomic.
  const save = db.prepare<[number, string, string, string, string, number, number]>(
    `INSERT INTO policy_versions (version, document, changed_by_id, changed_by, reason, changed_at)
     SELECT ?, ?, ?, ?, ?, ?
     WHERE (SELECT coalesce(max(version), 0) FROM policy_versions) = ?`,
  );
  // Row values compare lexicographically: (user, at, id) after the cursor, in index order.
  const replay = db.prepare<[number, number, string, number, string, number], SignInRow>(
    `SELECT * FROM sign_ins
     WHERE user_id IS NOT NULL AND decision IS NOT NULL AND at >= ? AND at < ?
       AND (user_id, at, id) > (?, ?, ?)
     ORDER BY user_id, at, id LIMIT ?`,
  );

  return {
    async latestPolicies() {
      const row = latest.get();
      return row ? toStored(row) : null;
    },
    async seedPolicies(document, changedAt) {
      seed.run(JSON.stringify(document), changedAt);
      return toStored(latest.get()!);
    },
    async savePolicies({ expectedVersion, ...saved }) {
      const version = expectedVersion + 1;
      const document = JSON.stringify(saved.document);
      const { changedBy, reason, changedAt } = saved;
      const result = save.run(
        version,
        document,
        changedBy.id,
        changedBy.name,
        reason,
        changedAt,
        expectedVersion,
      );
      return result.changes === 0 ? null : { ...saved, version };
    },
    async policyHistory(limit) {
      return history.all(limit).map(toStored);
    },
    async signInsForReplay(window, after, limit) {
      const from: SignInCursor = after ?? { userId: NO_CURSOR_USER, at: 0, id: '' };
      return replay
        .all(window.since, window.until, from.userId ?? NO_CURSOR_USER, from.at, from.id, limit)
        .map(toRecord);
    },
    async reportOnlySignIns(filter, after, limit) {
      // The partial index holds only rows with report-only results, so the scan never touches the rest.
      const clauses = [`report_only <> '[]'`, 'at >= ?'];
      const params: Array<string | number | null> = [filter.since ?? 0];
      if (after) {
        clauses.push('(at, id) < (?, ?)');
        params.push(after.at, after.id);
      }
      if (filter.policy !== undefined || filter.wouldHave !== undefined) {
        clauses.push(
          `EXISTS (SELECT 1 FROM json_each(report_only)
                   WHERE (? IS NULL OR json_extract(value, '$.policy') = ?)
                     AND (? IS NULL OR json_extract(value, '$.wouldHave') = ?))`,
        );
        const policy = filter.policy ?? null;
        const wouldHave = filter.wouldHave ?? null;
        params.push(policy, policy, wouldHave, wouldHave);
      }
      return db
        .prepare<unknown[], SignInRow>(
          `SELECT * FROM sign_ins WHERE ${clauses.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`,
        )
        .all(...params, limit)
        .map(toRecord);
    },
  };
}
