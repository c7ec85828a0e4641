/**
 * Population statistics: one row per (feature, value) with its count. Totals live in the same table
 * under feature '*' (values 'signIns', 'users') and distinct-value counts under feature '#', so one
 * transaction updates everything and one query reads it.
 */
import type { PopulationSnapshot, PopulationStore } from '../types.js';
import { knownPairs, snapshotFromRows, type PopulationRow } from '../populationRows.js';
import type { Db } from './util.js';

/**
 * Counts one legitimate sign-in's values. Runs inside the caller's transaction (no savepoint of its
 * own); callers use `.immediate` so the write lock is taken before anything is read.
 */
export function populationRecorder(
  db: Db,
): (features: Record<string, string | null>, newUser: boolean) => void {
  const bump = db.prepare<[string, string], { count: number }>(
    `INSERT INTO population (feature, value, count) VALUES (?, ?, 1)
     ON CONFLICT (feature, value) DO UPDATE SET count = count + 1 RETURNING count`,
  );
  return (features: Record<string, string | null>, newUser: boolean) => {
    bump.get('*', 'signIns');
    if (newUser) bump.get('*', 'users');
    for (const [feature, value] of Object.entries(features)) {
      if (value === null) continue;
      // A value's first appearance adds one to its feature's distinct count.
      if (bump.get(feature, value)!.count === 1) bump.get('#', feature);
    }
  };
}

/**
 * Reads the snapshot for one sign-in's values. Runs inside the caller's transaction (the population
 * store's own, or evaluation.readForEvaluation's: a nested one would cost a savepoint).
 */
export function populationReader(db: Db): (features: Record<string, string | null>) => PopulationSnapshot {
  // Primary-key lookups only, so the read stays O(1) in the table size: one per value (a prepared
  // statement run a few times costs less than a json_each join that builds and parses JSON), and the
  // totals and distinct counts, few rows under two keys, in one more.
  const one = db.prepare<[string, string], { count: number }>(
    `SELECT count FROM population WHERE feature = ? AND value = ?`,
  );
  const totals = db.prepare<[], PopulationRow>(
    `SELECT feature, value, count FROM population WHERE feature IN ('*', '#')`,
  );
  return (features) => {
    const rows = totals.all();
    for (const [feature, value] of knownPairs(features)) {
      const row = one.get(feature, value);
      if (row) rows.push({ feature, value, count: row.count });
    }
    return snapshotFromRows(rows);
  };
}

export function createPopulationStore(db: Db): PopulationStore {
  // One read transaction: every lookup sees the same snapshot, and the WAL read lock is taken once.
  const readSnapshot = db.transaction(populationReader(db));
  const record = db.transaction(populationRecorder(db));
  return {
    async recordPopulation(features, newUser) {
      record.immediate(features, newUser);
    },
    async populationSnapshot(features) {
      return readSnapshot.deferred(features);
    },
  };
}
