/** zod schemas shared by the console forms, the JSON API and the CLI: one validation per input. */
import { z } from 'zod';
import { AUDIT_RESULTS } from '../storage/adminTypes.js';

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
