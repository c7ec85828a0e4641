/**
 * A sign-in's evaluation in two transactions: its five reads in one read transaction (one snapshot,
 * one WAL read lock), and its sign-in row, the lesson of a sign-in allowed at once, its counter
 * writes, its detections and the user's new risk in one immediate transaction (one commit). The sub-stores' methods are async only in signature
 * (better-sqlite3 is synchronous), so each has run its statement by the time it returns its promise,
 * inside the transaction.
 */
import type { EvaluatedWrite, EvaluationStore, Store } from '../types.js';
import type { SqliteCounterStore } from './counters.js';
import type { SqliteDetectionStore } from './detections.js';
import type { SqliteIdentityStore } from './identities.js';
import type { SqliteRiskHistoryStore } from './riskHistory.js';
import { lessonLearner } from './learning.js';
import { populationReader } from './population.js';
import { signInRecorder } from './signIns.js';
import type { Db } from './util.js';

type Parts = Pick<Store, 'signIns' | 'familiarity' | 'users'> & {
  counters: SqliteCounterStore;
  detections: SqliteDetectionStore;
  identities: SqliteIdentityStore;
  riskHistory: SqliteRiskHistoryStore;
};

export function createEvaluationStore(db: Db, parts: Parts): EvaluationStore {
  const populationSnapshot = populationReader(db);
  const readAll = db.transaction(
    (userId: string, before: number, features: Record<string, string | null>) =>
      [
        parts.familiarity.familiarFeatures(userId),
        parts.signIns.lastSuccessfulSignIn(userId, before),
        populationSnapshot(features),
        parts.identities.getIdentity(userId),
        parts.detections.activeDetections(userId),
      ] as const,
  );
  const recordSignIn = signInRecorder(db);
  const learn = lessonLearner(db);
  const recordAll = db.transaction(({ record, lesson, counters, risk, at }: EvaluatedWrite) => {
    recordSignIn(record);
    if (lesson) learn(lesson.userId, lesson.lesson, at);
    parts.counters.applyWithin(counters, at);
    if (risk) {
      if (risk.drafts.length > 0)
        parts.detections.addDetectionsWithin(risk.userId, risk.signInId, risk.drafts, at);
      if (risk.change) {
        parts.identities.updateIdentityWithin(risk.userId, risk.change.patch, at);
        parts.riskHistory.appendWithin(risk.change.history);
      }
    }
  });
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

    async recordEvaluated(write) {
      recordAll.immediate(write);
    },
  };
}
