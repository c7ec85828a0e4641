/** A good sign-in's lesson in one immediate transaction: familiar values and population counts. */
import type { LearningStore } from '../types.js';
import { familiarityLearner } from './familiarity.js';
import { populationRecorder } from './population.js';
import type { Db } from './util.js';

export function createLearningStore(db: Db): LearningStore {
  const learnFamiliar = familiarityLearner(db);
  const recordPopulation = populationRecorder(db);
  const learnBoth = db.transaction(
    (userId: string, lesson: Parameters<LearningStore['learnSignIn']>[1], at: number) => {
      learnFamiliar(userId, lesson.familiar, at);
      recordPopulation(lesson.population, lesson.newUser);
    },
  );
  return {
    async learnSignIn(userId, lesson, at) {
      learnBoth.immediate(userId, lesson, at);
    },
  };
}
