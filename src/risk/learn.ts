/**
 * Learning from good sign-ins (allowed, or risk remediated by MFA; later also "confirm safe"): the
 * user's familiar properties and the population statistics the familiarity model compares them with.
 * Never called for failed, blocked, reported or compromised sign-ins.
 */
import type { SignInContext } from '../domain/signIn.js';
import type { SignInLesson, Store } from '../storage/types.js';
import { familiarFeaturesOf } from './assess.js';
import { modelFeaturesOf } from './model/index.js';

/**
 * What a good sign-in teaches: its values as familiar to the user and counted in the population. The
 * model's keys win where names overlap (its `browser` includes the major version).
 */
export function lessonOf(context: SignInContext, firstLearned: boolean): SignInLesson {
  const model = modelFeaturesOf(context);
  return { familiar: { ...familiarFeaturesOf(context), ...model }, population: model, newUser: firstLearned };
}

export async function learnFromSignIn(
  store: Store,
  userId: string,
  context: SignInContext,
  now: number,
): Promise<void> {
  const firstLearned = (await store.familiarity.familiarFeatures(userId)).length === 0;
  // One atomic write (one round trip on PostgreSQL).
  await store.learning.learnSignIn(userId, lessonOf(context, firstLearned), now);
}
