/**
 * "What this policy would have done": sign-ins where a report-only policy recorded a decision, newest
 * first, filtered by policy and would-be decision, paged by an opaque cursor (keyset, not OFFSET).
 */
import { z } from 'zod';
import type { SignInRecord } from '../../domain/signIn.js';
import type { PolicyStore, SignInCursor } from '../../storage/types.js';
import { policyName } from './edit.js';
import { OUTCOMES } from './replay.js';
import { DAY_MS, previewDays } from './preview.js';

function encodeCursor(cursor: SignInCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

const cursorSchema = z
  .string()
  .max(400)
  .transform((text, ctx) => {
    try {
      const [at, id] = z
        .tuple([z.number().int(), z.string().min(1).max(200)])
        .parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
      return { at, id } satisfies SignInCursor;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not a cursor this server handed out' });
      return z.NEVER;
    }
  });

/** Query parameters of the list (console and API); empty strings mean "any". */
export const reportOnlyQuery = z
  .object({
    policy: z.union([z.literal(''), policyName]).optional(),
    wouldHave: z.union([z.literal(''), z.enum(OUTCOMES.filter((o) => o !== 'allow'))]).optional(),
    days: z.union([z.literal(''), previewDays]).optional(),
    cursor: z.union([z.literal(''), cursorSchema]).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ReportOnlyQuery = z.output<typeof reportOnlyQuery>;

export interface ReportOnlyPage {
  items: SignInRecord[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export async function listReportOnly(
  store: PolicyStore,
  query: ReportOnlyQuery,
  now: number,
): Promise<ReportOnlyPage> {
  const filter = {
    ...(query.policy ? { policy: query.policy } : {}),
    ...(query.wouldHave ? { wouldHave: query.wouldHave } : {}),
    ...(query.days ? { since: now - query.days * DAY_MS } : {}),
  };
  // One row more than asked tells whether there is a next page without a count query.
  const rows = await store.reportOnlySignIns(filter, query.cursor || null, query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.context.at, id: last.id }) : null,
  };
}
