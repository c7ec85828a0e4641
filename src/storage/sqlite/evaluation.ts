/**
 * The evaluation's four reads in one read transaction: one snapshot, one WAL read lock. The
 * sub-stores' methods are async only in signature (better-sqlite3 is synchronous), so each has run
 * its statement by the time it returns its promise, inside the transaction.
 */
import type { EvaluationReadStore, Store } from '../types.js';
import type { Db } from './util.js';

type Parts = Pick<Store, 'signIns' | 'population' | 'identities' | 'detections'>;

export function createEvaluationStore(db: Db, parts: Parts): EvaluationReadStore {
  const readAll = db.transaction(
    (userId: string, before: number, features: Record<string, string | null>) =>
      [
        parts.signIns.lastSuccessfulSignIn(userId, before),
        parts.population.populationSnapshot(features),
        parts.identities.getIdentity(userId),
        parts.detections.activeDetections(userId),
      ] as const,
  );
  return {
    async readForEvaluation(userId, before, features) {
      const [lastSuccess, population, identity, active] = await Promise.all(
        readAll.deferred(userId, before, features),
      );
      return { lastSuccess, population, identity, active };
    },
  };
}
