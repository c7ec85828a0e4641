/**
 * A sign-in's evaluation in two transactions: its five reads in one read transaction (one snapshot,
 * one WAL read lock), and its sign-in row with, for a sign-in allowed at once, the lesson in one
 * immediate transaction (one commit). The sub-stores' methods are async only in signature
 * (better-sqlite3 is synchronous), so each has run its statement by the time it returns its promise,
 * inside the transaction.
 */
import type { EvaluationStore, SignInLesson, Store } from '../types.js';
import type { SignInRecord } from '../../domain/signIn.js';
import { familiarityLearner } from './familiarity.js';
import { populationRecorder } from './population.js';
import { signInRecorder } from './signIns.js';
import type { Db } from './util.js';

type Parts = Pick<Store, 'signIns' | 'population' | 'identities' | 'detections' | 'familiarity' | 'users'>;

export function createEvaluationStore(db: Db, parts: Parts): EvaluationStore {
  const readAll = db.transaction(
    (userId: string, before: number, features: Record<string, string | null>) =>
      [
        parts.familiarity.familiarFeatures(userId),
        parts.signIns.lastSuccessfulSignIn(userId, before),
        parts.population.populationSnapshot(features),
        parts.identities.getIdentity(userId),
        parts.detections.activeDetections(userId),
      ] as const,
  );
  const recordSignIn = signInRecorder(db);
  const learnFamiliar = familiarityLearner(db);
  const recordPopulation = populationRecorder(db);
  const recordAndLearn = db.transaction(
    (record: SignInRecord, { userId, lesson, at }: { userId: string; lesson: SignInLesson; at: number }) => {
      recordSignIn(record);
      learnFamiliar(userId, lesson.familiar, at);
      recordPopulation(lesson.population, lesson.newUser);
    },
  );
  const readForEvaluation: EvaluationStore['readForEvaluation'] = async (userId, before, features) => {
    const [familiar, lastSuccess, population, identity, active] = await Promise.all(
      readAll.deferred(userId, before, features),
    );
    return { familiar, lastSuccess, population, identity, active };
  };
  return {
    readForEvaluation,

    // In process there is no round trip to save: the lookup, then the read transaction.
    async readForSignIn(username, before, features) {
      const user = await parts.users.findUserByUsername(username);
      return user ? { user, reads: await readForEvaluation(user.id, before, features) } : null;
    },

    async recordEvaluated(record, learning) {
      if (!learning) return parts.signIns.recordSignIn(record);
      recordAndLearn.immediate(record, learning);
    },
  };
}
