/**
 * Population statistics: one row per (feature, value) with its count. Totals live in the same table
 * under feature '*' (values 'signIns', 'users') and distinct-value counts under feature '#', so one
 * statement per value updates everything and one query reads it.
 */
import type { PopulationStore } from '../types.js';
import { num, type Pool } from './util.js';

export function createPopulationStore(pool: Pool): PopulationStore {
  return {
    async recordPopulation(features, newUser) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const bump = async (feature: string, value: string) =>
          num(
            (
              await client.query<{ count: string }>(
                `INSERT INTO population (feature, value, count) VALUES ($1, $2, 1)
                 ON CONFLICT (feature, value) DO UPDATE SET count = population.count + 1 RETURNING count`,
                [feature, value],
              )
            ).rows[0]!.count,
          );
        await bump('*', 'signIns');
        if (newUser) await bump('*', 'users');
        // Sorted so concurrent transactions take row locks in the same order (no deadlocks).
        const entries = Object.entries(features)
          .filter((e): e is [string, string] => e[1] !== null)
          .sort();
        for (const [feature, value] of entries)
          if ((await bump(feature, value)) === 1) await bump('#', feature);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
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
