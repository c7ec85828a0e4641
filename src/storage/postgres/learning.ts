/**
 * A good sign-in's lesson in one statement: the familiarity upsert as a data-modifying CTE beside
 * the population's (PostgreSQL runs every such CTE exactly once, read or not), so one round trip and
 * atomic. The SQL is the sub-stores' own.
 */
import type { LearningStore, SignInLesson } from '../types.js';
import { familiarityUpsert, knownFamiliar } from './familiarity.js';
import { POPULATION_DISTINCT, populationBumped, populationPairs } from './population.js';
import type { Pool } from './util.js';

/**
 * The lesson's CTEs and final statement, its six placeholders numbered from `first`: user id, familiar
 * features and values, time, population features and values (in learningParams' order).
 */
export function learningStatement(first: number): { ctes: string; final: string } {
  const $ = (i: number) => `$${first + i}`;
  return {
    ctes: `learned AS (${familiarityUpsert($(0), $(1), $(2), $(3))} RETURNING 1),
  ${populationBumped($(4), $(5))}`,
    final: POPULATION_DISTINCT,
  };
}

export function learningParams(userId: string, lesson: SignInLesson, at: number): unknown[] {
  const familiar = knownFamiliar(lesson.familiar);
  const population = populationPairs(lesson.population, lesson.newUser);
  return [
    userId,
    familiar.map(([feature]) => feature),
    familiar.map(([, value]) => value),
    at,
    population.map(([feature]) => feature),
    population.map(([, value]) => value),
  ];
}

const LESSON = learningStatement(1);
const QUERY = `WITH ${LESSON.ctes} ${LESSON.final}`;

export function createLearningStore(pool: Pool): LearningStore {
  return {
    async learnSignIn(userId, lesson, at) {
      await pool.query(QUERY, learningParams(userId, lesson, at));
    },
  };
}
