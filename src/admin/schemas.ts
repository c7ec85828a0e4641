/** zod schemas shared by the console forms, the JSON API and the CLI: one validation per input. */
import { z } from 'zod';
import { AUDIT_RESULTS, MFA_STATUSES } from '../storage/adminTypes.js';
import { DETECTION_LEVELS, DETECTION_TYPES, RISK_STATES } from '../domain/risk.js';
import { EXCLUDABLE_POLICIES, MANUAL_CLOSURES } from './actions.js';

// eslint-disable-next-line no-control-regex -- control characters never belong in these fields
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const reasonField = z
  .string({ message: 'Give a reason: it is kept in the audit log.' })
  .trim()
  .min(3, 'Give a reason (at least 3 characters): it is kept in the audit log.')
  .max(500, 'Keep the reason under 500 characters.')
  .refine((v) => !CONTROL.test(v), 'The reason contains characters that cannot be used.');

export const optionalReason = z
  .string()
  .trim()
  .max(500, 'Keep the reason under 500 characters.')
  .refine((v) => !CONTROL.test(v), 'The reason contains characters that cannot be used.')
  .optional()
  .transform((v) => (v ? v : undefined));

export const reasonInput = z.object({ reason: reasonField });

export const tokenCreateInput = z.object({
  name: z
    .string({ message: 'Name the token (what will use it).' })
    .trim()
    .min(1, 'Name the token (what will use it).')
    .max(80, 'Keep the name under 80 characters.')
    .refine((v) => !CONTROL.test(v), 'The name contains characters that cannot be used.'),
  reason: optionalReason,
});

export const tokenRevokeInput = z.object({ reason: optionalReason });

export const idParam = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'not a valid id');

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const auditQueryInput = z.object({
  actor: idParam.optional(),
  action: z
    .string()
    .max(80)
    .regex(/^[A-Za-z.]+$/, 'not a valid action')
    .optional(),
  target: idParam.optional(),
  result: z.enum(AUDIT_RESULTS).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: limit(200, 50),
});
export type AuditQueryInput = z.infer<typeof auditQueryInput>;

/** "a,b", ["a", "b"] or "a" (query strings and checkboxes) -> ["a", "b"]; empty -> undefined. */
function listOf<T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess(
    (raw) => {
      const items = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [])
        .flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]))
        .map((v) => (typeof v === 'string' ? v.trim() : v))
        .filter((v) => v !== '');
      return items.length ? [...new Set(items)] : undefined;
    },
    z.array(z.enum(values)).max(values.length).optional(),
  );
}

const paging = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  perPage: z.coerce.number().int().min(1).max(100).default(25),
  order: z.enum(['asc', 'desc']).default('desc'),
};

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const riskyUsersQuery = z.object({
  level: listOf(DETECTION_LEVELS),
  state: listOf(RISK_STATES),
  sort: z.enum(['updatedAt', 'level']).default('updatedAt'),
  ...paging,
});
export type RiskyUsersQuery = z.infer<typeof riskyUsersQuery>;

export const riskySignInsQuery = z.object({
  level: listOf(DETECTION_LEVELS),
  state: listOf(RISK_STATES),
  user: z.preprocess(blankToUndefined, idParam.optional()),
  ...paging,
});
export type RiskySignInsQuery = z.infer<typeof riskySignInsQuery>;

export const detectionsQuery = z.object({
  status: z.preprocess(blankToUndefined, z.enum(['active', 'closed']).optional()),
  type: listOf(DETECTION_TYPES),
  level: listOf(DETECTION_LEVELS),
  user: z.preprocess(blankToUndefined, idParam.optional()),
  ...paging,
});
export type DetectionsQuery = z.infer<typeof detectionsQuery>;

export const mfaRegistrationQuery = z.object({
  status: z.preprocess(blankToUndefined, z.enum(MFA_STATUSES).optional()),
  page: paging.page,
  perPage: paging.perPage,
});
export type MfaRegistrationQuery = z.infer<typeof mfaRegistrationQuery>;

export const closeDetectionInput = z.object({
  how: z.enum(MANUAL_CLOSURES, { message: 'Choose resolved, false positive or ignored.' }),
  reason: reasonField,
});

export const bulkDismissInput = z.object({
  userIds: z.preprocess(
    (raw) => (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : raw),
    z
      .array(idParam, { message: 'Select at least one user.' })
      .min(1, 'Select at least one user.')
      .max(500, 'At most 500 users at a time.'),
  ),
  reason: reasonField,
});

export const excludeInput = z.object({
  policy: z.enum(EXCLUDABLE_POLICIES, { message: 'Choose a policy.' }),
  reason: reasonField,
});

export const userLookupQuery = z.object({
  username: z
    .string({ message: 'Enter a username.' })
    .trim()
    .min(1, 'Enter a username.')
    .max(254, 'That username is too long.')
    .refine((v) => !CONTROL.test(v), 'That username contains characters that cannot be used.'),
});
