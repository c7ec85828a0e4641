/**
 * Expected failures are handled by routes as values; anything that reaches here is either a CSRF
 * failure (403) or unexpected (500, logged with a reference id the user can quote; no details leak).
 */
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Render } from './render.js';

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

export function errorHandler(render: Render, logger: Logger, basePath: string): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const code = (error as { code?: string }).code;
    if (code === 'EBADCSRFTOKEN') {
      return void render(
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
      },
      500,
    ).catch(() => res.status(500).type('text').send(`Something went wrong. Reference: ${referenceId}`));
  };
}
