/**
 * Population statistics: one row per (feature, value) with its count. Totals live in the same table
 * under feature '*' (values 'signIns', 'users') and distinct-value counts under feature '#', so one
 * statement updates everything and one query reads it.
 */
import type { PopulationStore } from '../types.js';
import { type Pool } from './util.js';
import { knownPairs, snapshotFromRows, type PopulationRow } from '../populationRows.js';

/**
 * The counts of the given values and the totals; `features` and `values` are placeholders of two
 * text arrays. Primary-key lookups only, so the read stays O(1) in the table size.
 */
export function populationSnapshotQuery(features: string, values: string): string {
  return `SELECT p.feature, p.value, p.count
      FROM unnest(${features}::text[], ${values}::text[]) AS wanted(feature, value)
      JOIN population p ON p.feature = wanted.feature AND p.value = wanted.value
    UNION ALL
    SELECT feature, value, count FROM population WHERE feature IN ('*', '#')`;
}

export function createPopulationStore(pool: Pool): PopulationStore {
  return {
    async recordPopulation(features, newUser) {
      const pairs: Array<[string, string]> = [['*', 'signIns']];
      if (newUser) pairs.push(['*', 'users']);
      for (const [feature, value] of Object.entries(features))
        if (value !== null) pairs.push([feature, value]);
      // One statement, so one round trip and atomic: the CTE bumps every value (sorted, so concurrent
      // sign-ins lock rows in the same order and never deadlock), and each value seen for the first
      // time bumps its feature's distinct count. Those '#' rows are never touched by the CTE.
      await pool.query(
        `WITH bumped AS (
           INSERT INTO population (feature, value, count)
             SELECT feature, value, 1 FROM unnest($1::text[], $2::text[]) AS wanted (feature, value)
             ORDER BY feature COLLATE "C", value COLLATE "C"
           ON CONFLICT (feature, value) DO UPDATE SET count = population.count + 1
           RETURNING feature, count
         )
         INSERT INTO population (feature, value, count)
           SELECT '#', feature, 1 FROM bumped WHERE count = 1 AND feature <> '*' ORDER BY feature COLLATE "C"
         ON CONFLICT (feature, value) DO UPDATE SET count = population.count + 1`,
        [pairs.map(([feature]) => feature), pairs.map(([, value]) => value)],
      );
    },
    async populationSnapshot(features) {
      const pairs = knownPairs(features);
      const { rows } = await pool.query<PopulationRow>(populationSnapshotQuery('$1', '$2'), [
        pairs.map(([feature]) => feature),
        pairs.map(([, value]) => value),
      ]);
      return snapshotFromRows(rows);
    },
  };
}
