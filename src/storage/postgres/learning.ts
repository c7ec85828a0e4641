/**
 * A good sign-in's lesson in one statement: the familiarity upsert as a data-modifying CTE beside
 * the population's (PostgreSQL runs every such CTE exactly once, read or not), so one round trip and
 * atomic. The SQL is the sub-stores' own.
 */
import type { LearningStore } from '../types.js';
import { familiarityUpsert, knownFamiliar } from './familiarity.js';
import { POPULATION_DISTINCT, populationBumped, populationPairs } from './population.js';
import type { Pool } from './util.js';

const QUERY = `WITH learned AS (${familiarityUpsert('$1', '$2', '$3', '$4')} RETURNING 1),
  ${populationBumped('$5', '$6')}
  ${POPULATION_DISTINCT}`;

export function createLearningStore(pool: Pool): LearningStore {
  return {
    async learnSignIn(userId, lesson, at) {
      const familiar = knownFamiliar(lesson.familiar);
      const population = populationPairs(lesson.population, lesson.newUser);
      await pool.query(QUERY, [
        userId,
        familiar.map(([feature]) => feature),
        familiar.map(([, value]) => value),
        at,
        population.map(([feature]) => feature),
        population.map(([, value]) => value),
      ]);
    },
  };
}
