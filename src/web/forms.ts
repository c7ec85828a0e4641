/** Validation at the edge: every form is a zod schema; the first problem becomes the page's message. */
import type { z } from 'zod';
import type { Request } from 'express';

export type FormResult<T> = { ok: true; value: T } | { ok: false; message: string; field: string | null };

export function parseForm<T>(schema: z.ZodType<T>, req: Request): FormResult<T> {
  if (req.formError) return { ok: false, message: req.formError, field: null };
  const result = schema.safeParse(req.body ?? {});
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  // Repeated fields (a=1&a=2) arrive as arrays: say so plainly instead of "expected string".
  const body = (req.body ?? {}) as Record<string, unknown>;
  const field = typeof issue.path[0] === 'string' ? issue.path[0] : null;
  const repeated = field !== null && Array.isArray(body[field]);
  return { ok: false, message: repeated ? 'Each field may be sent only once.' : issue.message, field };
}
