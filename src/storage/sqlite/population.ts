/**
 * Population statistics: one row per (feature, value) with its count. Totals live in the same table
 * under feature '*' (values 'signIns', 'users') and distinct-value counts under feature '#', so one
 * transaction updates everything and one query reads it.
 */
import type { PopulationStore } from '../types.js';
import type { Db } from './util.js';

export function createPopulationStore(db: Db): PopulationStore {
  const bump = db.prepare<[string, string], { count: number }>(
    `INSERT INTO population (feature, value, count) VALUES (?, ?, 1)
     ON CONFLICT (feature, value) DO UPDATE SET count = count + 1 RETURNING count`,
  );
  // Primary-key lookups only (json_each drives the join), so the read stays O(1) in the table size.
  const read = db.prepare<[string], { feature: string; value: string; count: number }>(
    `SELECT p.feature, p.value, p.count FROM json_each(?) AS j
       JOIN population p ON p.feature = json_extract(j.value, '$[0]') AND p.value = json_extract(j.value, '$[1]')
     UNION ALL
     SELECT feature, value, count FROM population WHERE feature IN ('*', '#')`,
  );
  const record = db.transaction((features: Record<string, string | null>, newUser: boolean) => {
    bump.get('*', 'signIns');
    if (newUser) bump.get('*', 'users');
    for (const [feature, value] of Object.entries(features)) {
      if (value === null) continue;
      // A value's first appearance adds one to its feature's distinct count.
      if (bump.get(feature, value)!.count === 1) bump.get('#', feature);
    }
  });
  return {
    async recordPopulation(features, newUser) {
      record.immediate(features, newUser);
    },
    async populationSnapshot(features) {
      const pairs = Object.entries(features).filter(([, value]) => value !== null);
      const snapshot = {
        totalSignIns: 0,
        numberOfUsers: 0,
        counts: {} as Record<string, number>,
        distinct: {} as Record<string, number>,
      };
      for (const row of read.all(JSON.stringify(pairs))) {
        if (row.feature === '*') {
          if (row.value === 'signIns') snapshot.totalSignIns = row.count;
          else if (row.value === 'users') snapshot.numberOfUsers = row.count;
        } else if (row.feature === '#') snapshot.distinct[row.value] = row.count;
        else snapshot.counts[`${row.feature}=${row.value}`] = row.count;
      }
      return snapshot;
    },
  };
}
