/** What a user's good sign-ins usually look like: one row per (feature, value) with how often it was seen. */
import type { FamiliarFeature, FamiliarityStore } from '../types.js';
import type { Db } from './util.js';

interface FamiliarRow {
  feature: string;
  value: string;
  count: number;
  first_seen: number;
  last_seen: number;
}

/**
 * Learns one sign-in's values for a user. Runs inside the caller's transaction (one per sign-in: a
 * crash never leaves half of a sign-in's features learned); no savepoint of its own.
 */
export function familiarityLearner(
  db: Db,
): (userId: string, features: Record<string, string | null>, at: number) => void {
  // MAX keeps last_seen from moving backwards if an older sign-in is learned late.
  const learn = db.prepare<[{ userId: string; feature: string; value: string; at: number }]>(
    `INSERT INTO familiarity (user_id, feature, value, count, first_seen, last_seen) VALUES (@userId, @feature, @value, 1, @at, @at)
     ON CONFLICT (user_id, feature, value) DO UPDATE SET count = count + 1, last_seen = MAX(last_seen, excluded.last_seen)`,
  );
  return (userId: string, features: Record<string, string | null>, at: number) => {
    for (const [feature, value] of Object.entries(features)) {
      // An unknown property (no geo, no device cookie yet) is not evidence of anything: skip it.
      if (typeof value === 'string') learn.run({ userId, feature, value, at });
    }
  };
}

export function createFamiliarityStore(db: Db): FamiliarityStore {
  const learnAll = db.transaction(familiarityLearner(db));
  const list = db.prepare<[string], FamiliarRow>(
    `SELECT feature, value, count, first_seen, last_seen FROM familiarity WHERE user_id = ? ORDER BY feature, value`,
  );

  return {
    async learnFamiliar(userId, features, at) {
      learnAll(userId, features, at);
    },

    async familiarFeatures(userId): Promise<FamiliarFeature[]> {
      return list.all(userId).map((row) => ({
        feature: row.feature,
        value: row.value,
        count: row.count,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
      }));
    },
  };
}
