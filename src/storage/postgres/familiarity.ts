/** What a user's good sign-ins usually look like: one row per (feature, value) with how often it was seen. */
import type { FamiliarFeature, FamiliarityStore } from '../types.js';
import { num, type Pool } from './util.js';

export interface FamiliarRow {
  feature: string;
  value: string;
  count: number;
  first_seen: string | number;
  last_seen: string | number;
}

/** An unknown property (no geo, no device cookie yet) is not evidence of anything: skipped. */
export function knownFamiliar(features: Record<string, string | null>): [string, string][] {
  return Object.entries(features).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

/**
 * Counts the values (two text arrays) as familiar to the user at `at` (placeholders). One statement
 * per sign-in, so a crash never leaves half of a sign-in's features learned. Keys of one object are
 * distinct, so no row is hit twice by the same upsert. GREATEST keeps last_seen from moving
 * backwards if an older sign-in is learned late.
 */
export function familiarityUpsert(user: string, features: string, values: string, at: string): string {
  return `INSERT INTO familiarity (user_id, feature, value, count, first_seen, last_seen)
    SELECT ${user}, feature, value, 1, ${at}, ${at} FROM unnest(${features}::text[], ${values}::text[]) AS learned (feature, value)
    ON CONFLICT (user_id, feature, value) DO UPDATE SET
      count = familiarity.count + 1, last_seen = GREATEST(familiarity.last_seen, EXCLUDED.last_seen)`;
}

/** The user's familiar values (`user` is a placeholder), in a stable order. */
export function familiarQuery(user: string): string {
  return `SELECT feature, value, count, first_seen, last_seen FROM familiarity WHERE user_id = ${user}
    ORDER BY feature COLLATE "C", value COLLATE "C"`;
}

/** Also takes the JSON numbers row_to_json gives for the bigint columns. */
export function toFamiliar(row: FamiliarRow): FamiliarFeature {
  return {
    feature: row.feature,
    value: row.value,
    count: row.count,
    firstSeen: num(row.first_seen),
    lastSeen: num(row.last_seen),
  };
}

export function createFamiliarityStore(pool: Pool): FamiliarityStore {
  return {
    async learnFamiliar(userId, features, at) {
      const known = knownFamiliar(features);
      if (known.length === 0) return;
      await pool.query(familiarityUpsert('$1', '$2', '$3', '$4'), [
        userId,
        known.map(([feature]) => feature),
        known.map(([, value]) => value),
        at,
      ]);
    },

    async familiarFeatures(userId): Promise<FamiliarFeature[]> {
      const { rows } = await pool.query<FamiliarRow>(familiarQuery('$1'), [userId]);
      return rows.map(toFamiliar);
    },
  };
}
