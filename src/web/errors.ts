/**
 * Expected failures are handled by routes as values; anything that reaches here is a CSRF failure
 * (403), an HTTP error from middleware (its own 4xx), a backing service being down (503, fail closed), or
 * unexpected (500, logged with a reference id the user can quote; no details leak).
 */
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Render } from './render.js';
import { sendUnavailable, storeIsDown } from './unavailable.js';

export function notFound(render: Render): RequestHandler {
  return (req, res) => {
    void render(
      req,
      res,
      'error',
      {
        title: 'Not found',
        status: 404,
        heading: 'Page not found',
        message: 'There is nothing at this address.',
      },
      404,
    );
  };
}

/** The 503 page, rendered without touching the session (its store may be what is down). */
export function renderUnavailable(render: Render): (req: Request, res: Response) => Promise<void> {
  return (req, res) =>
    sendUnavailable(req, res, () =>
      render(
        req,
        res,
        'error',
        {
          title: 'Temporarily unavailable',
          status: 503,
          heading: 'Temporarily unavailable',
          message:
            'We cannot check sign-ins safely right now, so nothing was changed. Please try again in a moment.',
          csrfToken: '',
        },
        503,
      ),
    );
}

export function errorHandler(
  render: Render,
  logger: Logger,
  basePath: string,
  ping: () => Promise<void>,
): ErrorRequestHandler {
  const unavailable = renderUnavailable(render);
  return async (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const code = (error as { code?: string }).code;
    const status = (error as { status?: number }).status;
    if (status === 404) return notFound(render)(req, res, next);
    // Any failure during an outage is the outage (a CSRF token fails when its session could not be stored).
    if (await storeIsDown(ping)) {
      logger.warn({ err: error, path: req.path }, 'backing store unavailable: failing closed');
      return unavailable(req, res);
    }
    // A 4xx from middleware or Express itself (a path that is not valid percent-encoding, a static path
    // outside the folder) is the client's mistake: answer with its status and a plain page, never a 500.
    if (typeof status === 'number' && status >= 400 && status < 500 && code !== 'EBADCSRFTOKEN') {
      return render(
        req,
        res,
        'error',
        {
          title: 'Bad request',
          status,
          heading: 'This address or request cannot be used',
          message: 'Check the address, or go back to the sign-in page and try again.',
        },
        status,
      ).catch(next);
    }
    if (code === 'EBADCSRFTOKEN') {
      return render(
        req,
        res,
        'error',
        {
          title: 'Please try again',
          status: 403,
          heading: 'This form has expired',
          message: `For your security, forms expire. Go back to the sign-in page (${basePath}/sign-in) and try again.`,
        },
        403,
      ).catch(next);
    }
    const referenceId = randomUUID();
    logger.error({ err: error, referenceId, path: req.path }, 'unexpected error');
    render(
      req,
      res,
      'error',
      {
        title: 'Something went wrong',
        status: 500,
        heading: 'Something went wrong',
        message: 'We could not complete your request. Please try again in a moment.',
        referenceId,
        csrfToken: '',
      },
      500,
    ).catch(() => res.status(500).type('text').send(`Something went wrong. Reference: ${referenceId}`));
  };
}
