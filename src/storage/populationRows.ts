/**
 * The population snapshot from its rows, for both SQL backends: values under their own feature,
 * totals under '*' ('signIns', 'users') and distinct-value counts under '#' (see the population
 * stores). Counts may arrive as strings (PostgreSQL bigint).
 */
import type { PopulationSnapshot } from './types.js';

export interface PopulationRow {
  feature: string;
  value: string;
  count: number | string;
}

export function snapshotFromRows(rows: Iterable<PopulationRow>): PopulationSnapshot {
  const snapshot: PopulationSnapshot = { totalSignIns: 0, numberOfUsers: 0, counts: {}, distinct: {} };
  for (const row of rows) {
    const count = Number(row.count);
    if (row.feature === '*') {
      if (row.value === 'signIns') snapshot.totalSignIns = count;
      else if (row.value === 'users') snapshot.numberOfUsers = count;
    } else if (row.feature === '#') snapshot.distinct[row.value] = count;
    else snapshot.counts[`${row.feature}=${row.value}`] = count;
  }
  return snapshot;
}

/** The (feature, value) pairs worth looking up: unknown values (null) are never counted. */
export function knownPairs(features: Record<string, string | null>): [string, string][] {
  return Object.entries(features).filter((e): e is [string, string] => e[1] !== null);
}
