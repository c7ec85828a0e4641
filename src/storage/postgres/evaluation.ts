/**
 * The evaluation's four reads in one statement, so one round trip: each sub-store's own query as a
 * subquery, its rows returned as JSON and turned into objects by the sub-store's own converter
 * (row_to_json gives bigint columns as JSON numbers, which those converters take as well as strings).
 */
import type { EvaluationReadStore } from '../types.js';
import type { PopulationRow } from '../populationRows.js';
import { knownPairs, snapshotFromRows } from '../populationRows.js';
import { activeDetectionsQuery, toDetection, type DetectionRow } from './detections.js';
import { defaultIdentity, identityQuery, toIdentity, type IdentityRow } from './identities.js';
import { populationSnapshotQuery } from './population.js';
import { lastSuccessQuery } from './signIns.js';
import { toPast, type PastRow } from '../pastSignIn.js';
import type { Pool } from './util.js';

const QUERY = `SELECT
  (SELECT row_to_json(s) FROM (${lastSuccessQuery('$1', '$2')}) s) AS last_success,
  (SELECT row_to_json(i) FROM (${identityQuery('$1')}) i) AS identity,
  (SELECT coalesce(json_agg(d ORDER BY d.created_at, d.seq), '[]'::json) FROM (${activeDetectionsQuery('$1')}) d) AS active,
  (SELECT coalesce(json_agg(p), '[]'::json) FROM (${populationSnapshotQuery('$3', '$4')}) p) AS population`;

interface Answer {
  last_success: PastRow | null;
  identity: IdentityRow | null;
  active: DetectionRow[];
  population: PopulationRow[];
}

export function createEvaluationStore(pool: Pool): EvaluationReadStore {
  return {
    async readForEvaluation(userId, before, features) {
      const pairs = knownPairs(features);
      const { rows } = await pool.query<Answer>(QUERY, [
        userId,
        before,
        pairs.map(([feature]) => feature),
        pairs.map(([, value]) => value),
      ]);
      const answer = rows[0]!;
      return {
        lastSuccess: answer.last_success ? toPast(answer.last_success) : null,
        population: snapshotFromRows(answer.population),
        identity: answer.identity ? toIdentity(answer.identity) : defaultIdentity(userId),
        active: answer.active.map(toDetection),
      };
    },
  };
}
