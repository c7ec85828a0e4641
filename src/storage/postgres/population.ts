/**
 * Population statistics: one row per (feature, value) with its count. Totals live in the same table
 * under feature '*' (values 'signIns', 'users') and distinct-value counts under feature '#', so one
 * statement updates everything and one query reads it.
 */
import type { PopulationStore } from '../types.js';
import { num, type Pool } from './util.js';

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
      const pairs = Object.entries(features).filter((e): e is [string, string] => e[1] !== null);
      // Primary-key lookups only, so the read stays O(1) in the table size.
      const { rows } = await pool.query<{ feature: string; value: string; count: string }>(
        `SELECT p.feature, p.value, p.count
           FROM unnest($1::text[], $2::text[]) AS wanted(feature, value)
           JOIN population p ON p.feature = wanted.feature AND p.value = wanted.value
         UNION ALL
         SELECT feature, value, count FROM population WHERE feature IN ('*', '#')`,
        [pairs.map(([feature]) => feature), pairs.map(([, value]) => value)],
      );
      const snapshot = {
        totalSignIns: 0,
        numberOfUsers: 0,
        counts: {} as Record<string, number>,
        distinct: {} as Record<string, number>,
      };
      for (const row of rows) {
        const count = num(row.count);
        if (row.feature === '*') {
          if (row.value === 'signIns') snapshot.totalSignIns = count;
          else if (row.value === 'users') snapshot.numberOfUsers = count;
        } else if (row.feature === '#') snapshot.distinct[row.value] = count;
        else snapshot.counts[`${row.feature}=${row.value}`] = count;
      }
      return snapshot;
    },
  };
}
