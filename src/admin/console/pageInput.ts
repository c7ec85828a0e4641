/** Console input: filters from the query string and forms, each through its zod schema; a bad value is a 400 page. */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { parseForm } from '../../web/forms.js';
import type { AdminRender } from '../types.js';

export function parseQuery<T>(
  schema: z.ZodType<T>,
  req: Request,
): { ok: true; value: T } | { ok: false; message: string } {
  const result = schema.safeParse(req.query);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  return { ok: false, message: field ? `${field}: ${issue.message}` : issue.message };
}

export function badRequest(render: AdminRender, req: Request, res: Response, message: string): Promise<void> {
  return render(
    req,
    res,
    'admin/message',
    { title: 'Cannot show this', heading: 'That request is not valid', message },
    400,
  );
}

export function notFoundPage(render: AdminRender, req: Request, res: Response, what: string): Promise<void> {
  return render(
    req,
    res,
    'admin/message',
    { title: 'Not found', heading: `No such ${what}`, message: `There is no ${what} with that id.` },
    404,
  );
}

/** Reads a form, or renders `onError` with the message (the page keeps what was typed). */
export function readForm<T>(schema: z.ZodType<T>, req: Request) {
  return parseForm(schema, req);
}
