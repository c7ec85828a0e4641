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

/** The rows one sign-in bumps: its known values and the totals ('*'). */
export function populationPairs(
  features: Record<string, string | null>,
  newUser: boolean,
): [string, string][] {
  const pairs: [string, string][] = [['*', 'signIns']];
  if (newUser) pairs.push(['*', 'users']);
  return pairs.concat(knownPairs(features));
}

/**
 * Recording is one statement, so one round trip and atomic: the CTE `bumped` adds one to every value
 * (two text-array placeholders; sorted, so concurrent sign-ins lock rows in the same order and never
 * deadlock), then POPULATION_DISTINCT adds one to the distinct count of each feature whose value was
 * seen for the first time. Those '#' rows are never touched by the CTE.
 */
export function populationBumped(features: string, values: string): string {
  return `bumped AS (
    INSERT INTO population (feature, value, count)
      SELECT feature, value, 1 FROM unnest(${features}::text[], ${values}::text[]) AS wanted (feature, value)
      ORDER BY feature COLLATE "C", value COLLATE "C"
    ON CONFLICT (feature, value) DO UPDATE SET count = population.count + 1
    RETURNING feature, count
  )`;
}

export const POPULATION_DISTINCT = `INSERT INTO population (feature, value, count)
    SELECT '#', feature, 1 FROM bumped WHERE count = 1 AND feature <> '*' ORDER BY feature COLLATE "C"
  ON CONFLICT (feature, value) DO UPDATE SET count = population.count + 1`;

export function createPopulationStore(pool: Pool): PopulationStore {
  return {
    async recordPopulation(features, newUser) {
      const pairs = populationPairs(features, newUser);
      await pool.query(`WITH ${populationBumped('$1', '$2')} ${POPULATION_DISTINCT}`, [
        pairs.map(([feature]) => feature),
        pairs.map(([, value]) => value),
      ]);
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
