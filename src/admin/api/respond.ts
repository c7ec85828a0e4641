/** JSON API answers: errors are always `{ error: { code, message } }`; input is validated with zod. */
import type { Request, Response } from 'express';
import type { z } from 'zod';

export function sendApiError(
  res: Response,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  res.status(status).json({ error: { code, message, ...extra } });
}

/** Parses `req.query` or `req.body` with `schema`; on failure answers 400 and returns null. */
export function parseApi<T>(
  schema: z.ZodType<T>,
  req: Request,
  res: Response,
  source: 'query' | 'body',
): T | null {
  const input: unknown = source === 'query' ? req.query : (req.body ?? {});
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : null;
  sendApiError(res, 400, 'invalidInput', field ? `${field}: ${issue.message}` : issue.message, { field });
  return null;
}
