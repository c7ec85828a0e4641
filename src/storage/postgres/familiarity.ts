/** What a user's good sign-ins usually look like: one row per (feature, value) with how often it was seen. */
import type { FamiliarFeature, FamiliarityStore } from '../types.js';
import { num, type Pool } from './util.js';

interface FamiliarRow {
  feature: string;
  value: string;
  count: number;
  first_seen: string;
  last_seen: string;
}

export function createFamiliarityStore(pool: Pool): FamiliarityStore {
  return {
    async learnFamiliar(userId, features, at) {
      // An unknown property (no geo, no device cookie yet) is not evidence of anything: skip it.
      const known = Object.entries(features).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      );
      if (known.length === 0) return;
      // One statement per sign-in, so a crash never leaves half of a sign-in's features learned. Keys of
      // one object are distinct, so no row is hit twice by the same upsert. GREATEST keeps last_seen
      // from moving backwards if an older sign-in is learned late.
      await pool.query(
        `INSERT INTO familiarity (user_id, feature, value, count, first_seen, last_seen)
         SELECT $1, feature, value, 1, $4, $4 FROM unnest($2::text[], $3::text[]) AS learned (feature, value)
         ON CONFLICT (user_id, feature, value) DO UPDATE SET
           count = familiarity.count + 1, last_seen = GREATEST(familiarity.last_seen, EXCLUDED.last_seen)`,
        [userId, known.map(([feature]) => feature), known.map(([, value]) => value), at],
      );
    },

    async familiarFeatures(userId): Promise<FamiliarFeature[]> {
      const { rows } = await pool.query<FamiliarRow>(
        `SELECT feature, value, count, first_seen, last_seen FROM familiarity WHERE user_id = $1
         ORDER BY feature COLLATE "C", value COLLATE "C"`,
        [userId],
      );
      return rows.map((row) => ({
        feature: row.feature,
        value: row.value,
        count: row.count,
        firstSeen: num(row.first_seen),
        lastSeen: num(row.last_seen),
      }));
    },
  };
}
