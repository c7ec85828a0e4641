/**
 * Impact preview: replays the stored sign-ins of the last N days through the current and the proposed
 * policies with the pure evaluator, a page at a time, and says what would have changed.
 *
 * What is replayed, honestly: each sign-in's risk as assessed then (sign-in risk, and user risk as the
 * user risk policy saw it), and what the policies saw about the user then (groups, MFA registered,
 * first MFA registration prompt, admin block or required password change). Sign-ins recorded before
 * Riskgate kept the latter are replayed with the user as they are now, and counted as approximated.
 * Only the first decision of each sign-in is replayed, not what a flow asked for afterwards; failed
 * passwords are never evaluated, so they are not replayed.
 */
import { z } from 'zod';
import type { PolicyInputs } from '../../domain/signIn.js';
import { hasMfa, type UserDirectory } from '../../domain/identity.js';
import type { SignInCursor, Store } from '../../storage/types.js';
import type { Policies } from '../schema.js';
import { ImpactReplay, type ReplayTotals } from './replay.js';

export const MAX_PREVIEW_DAYS = 90;
export const previewDays = z.coerce
  .number()
  .int('must be a whole number of days')
  .min(1)
  .max(MAX_PREVIEW_DAYS, `at most ${MAX_PREVIEW_DAYS} days`);

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows per store read: memory holds one page, the user being replayed and the examples. */
const PAGE_SIZE = 500;

export interface ImpactPreview extends ReplayTotals {
  days: number;
  since: number;
  until: number;
  currentVersion: number;
}

export interface PreviewSource {
  store: Pick<Store, 'policies' | 'identities'>;
  /** Groups of users whose old sign-ins did not keep them. */
  directory: Pick<UserDirectory, 'findById'>;
}

/** The user as they are now, for sign-ins that did not keep what the policies saw. */
async function presentInputs(source: PreviewSource, userId: string): Promise<PolicyInputs> {
  const identity = await source.store.identities.getIdentity(userId);
  const user = await source.directory.findById(userId);
  return {
    groups: user?.groups ?? [],
    hasMfa: hasMfa(identity),
    mfaPromptedAt: identity.mfaPromptedAt,
    blocked: identity.blocked,
    mustChangePassword: identity.mustChangePassword,
    passwordResetRequired: identity.passwordResetRequired,
  };
}

export async function previewImpact(
  source: PreviewSource,
  compare: { current: Policies; currentVersion: number; proposed: Policies },
  days: number,
  now: number,
  pageSize = PAGE_SIZE,
): Promise<ImpactPreview> {
  const window = { since: now - days * DAY_MS, until: now + 1 };
  const replay = new ImpactReplay(compare.current, compare.proposed);
  // The present state of one user at a time (rows come grouped by user).
  const present: { userId: string | null; inputs: PolicyInputs | null } = { userId: null, inputs: null };
  let after: SignInCursor | null = null;
  for (;;) {
    const page = await source.store.policies.signInsForReplay(window, after, pageSize);
    for (const record of page) {
      const userId = record.userId!;
      if (record.policyInputs) {
        replay.add(record, record.policyInputs, false);
        continue;
      }
      if (present.userId !== userId || !present.inputs) {
        present.userId = userId;
        present.inputs = await presentInputs(source, userId);
      }
      replay.add(record, present.inputs, true);
    }
    if (page.length < pageSize) break;
    const last = page[page.length - 1]!;
    after = { userId: last.userId!, at: last.context.at, id: last.id };
    // SQLite answers synchronously: let sign-ins waiting on this instance run between pages.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return {
    ...replay.finish(),
    days,
    since: window.since,
    until: now,
    currentVersion: compare.currentVersion,
  };
}
