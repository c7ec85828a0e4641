/** A good sign-in's lesson in one immediate transaction: familiar values and population counts. */
import type { LearningStore, SignInLesson } from '../types.js';
import { familiarityLearner } from './familiarity.js';
import { populationRecorder } from './population.js';
import type { Db } from './util.js';

/**
 * Writes one lesson: the user's familiar values, then the population counts. Runs inside the
 * caller's transaction (learnSignIn's own, or evaluation.recordEvaluated's).
 */
export function lessonLearner(db: Db): (userId: string, lesson: SignInLesson, at: number) => void {
  const learnFamiliar = familiarityLearner(db);
  const recordPopulation = populationRecorder(db);
  return (userId, lesson, at) => {
    learnFamiliar(userId, lesson.familiar, at);
    recordPopulation(lesson.population, lesson.newUser);
  };
}

export function createLearningStore(db: Db): LearningStore {
  const learnBoth = db.transaction(lessonLearner(db));
  return {
    async learnSignIn(userId, lesson, at) {
      learnBoth.immediate(userId, lesson, at);
    },
  };
}
