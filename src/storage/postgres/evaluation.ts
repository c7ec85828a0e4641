/**
 * A sign-in's evaluation in two statements. The read: each sub-store's own query as a subquery, its
 * rows returned as JSON and turned into objects by the sub-store's own converter (row_to_json gives
 * bigint columns as JSON numbers, which those converters take as well as strings). The write: the
 * sign-in upsert and, for a sign-in allowed at once, the learning CTEs in the same statement.
 *
 * Both are named (prepared once per connection): the server parses and plans them once, and the
 * client sends only the parameters on every sign-in instead of the whole text.
 */
import type { EvaluationStore } from '../types.js';
import type { PopulationRow } from '../populationRows.js';
import { knownPairs, snapshotFromRows } from '../populationRows.js';
import { activeDetectionsQuery, toDetection, type DetectionRow } from './detections.js';
import { familiarQuery, toFamiliar, type FamiliarRow } from './familiarity.js';
import { defaultIdentity, identityQuery, toIdentity, type IdentityRow } from './identities.js';
import { learningParams, learningStatement } from './learning.js';
import { populationSnapshotQuery } from './population.js';
import { lastSuccessQuery, SIGN_IN_PARAMS, signInUpsert, toParams } from './signIns.js';
import { toPast, type PastRow } from '../pastSignIn.js';
import type { Pool } from './util.js';

const READ = {
  name: 'riskgate-evaluation-read',
  text: `SELECT
  (SELECT coalesce(json_agg(f ORDER BY f.feature COLLATE "C", f.value COLLATE "C"), '[]'::json) FROM (${familiarQuery('$1')}) f) AS familiar,
  (SELECT row_to_json(s) FROM (${lastSuccessQuery('$1', '$2')}) s) AS last_success,
  (SELECT row_to_json(i) FROM (${identityQuery('$1')}) i) AS identity,
  (SELECT coalesce(json_agg(d ORDER BY d.created_at, d.seq), '[]'::json) FROM (${activeDetectionsQuery('$1')}) d) AS active,
  (SELECT coalesce(json_agg(p), '[]'::json) FROM (${populationSnapshotQuery('$3', '$4')}) p) AS population`,
};

const RECORD = { name: 'riskgate-evaluation-record', text: signInUpsert() };

const LESSON = learningStatement(SIGN_IN_PARAMS + 1);
const RECORD_AND_LEARN = {
  name: 'riskgate-evaluation-record-learn',
  text: `WITH recorded AS (${signInUpsert()} RETURNING 1), ${LESSON.ctes} ${LESSON.final}`,
};

interface Answer {
  familiar: FamiliarRow[];
  last_success: PastRow | null;
  identity: IdentityRow | null;
  active: DetectionRow[];
  population: PopulationRow[];
}

export function createEvaluationStore(pool: Pool): EvaluationStore {
  return {
    async readForEvaluation(userId, before, features) {
      const pairs = knownPairs(features);
      const { rows } = await pool.query<Answer>({
        ...READ,
        values: [userId, before, pairs.map(([feature]) => feature), pairs.map(([, value]) => value)],
      });
      const answer = rows[0]!;
      return {
        familiar: answer.familiar.map(toFamiliar),
        lastSuccess: answer.last_success ? toPast(answer.last_success) : null,
        population: snapshotFromRows(answer.population),
        identity: answer.identity ? toIdentity(answer.identity) : defaultIdentity(userId),
        active: answer.active.map(toDetection),
      };
    },

    async recordEvaluated(record, learning) {
      if (!learning) return void (await pool.query({ ...RECORD, values: toParams(record) }));
      await pool.query({
        ...RECORD_AND_LEARN,
        values: [...toParams(record), ...learningParams(learning.userId, learning.lesson, learning.at)],
      });
    },
  };
}
