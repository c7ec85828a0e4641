/**
 * The "This wasn't me" link from unfamiliar sign-in mails. GET only shows what the link is about and
 * a button (mail scanners and previews fetch links, so GET changes nothing); the POST, with its CSRF
 * token, reports the sign-in. A bad, expired or used link gets a plain page that says only that.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { NOT_ME_TOKEN, type NotMeCheck, type NotMeLinks } from '../notify/notMeLinks.js';
import { formatDevice, formatPlace, formatTime } from '../notify/format.js';
import type { Render } from './render.js';

const tokenParam = z.string().max(200).regex(NOT_ME_TOKEN);

const FAILURES = {
  invalid: {
    status: 400,
    heading: 'This link does not work',
    message:
      'The link is incomplete or not valid. Copy the whole link from the mail, or contact your help desk.',
  },
  expired: {
    status: 410,
    heading: 'This link has expired',
    message:
      'Links in security mails work for a limited time. If you think someone else signed in to your account, contact your help desk.',
  },
  used: {
    status: 410,
    heading: 'This link has already been used',
    message: 'We already know about this sign-in. If you are still worried, contact your help desk.',
  },
} as const;

export interface NotMeRouteDeps {
  links: NotMeLinks;
  render: Render;
}

export function notMeRoutes({ links, render }: NotMeRouteDeps): Router {
  const router = Router();

  const refuse = (req: Request, res: Response, reason: keyof typeof FAILURES) => {
    const page = FAILURES[reason];
    return render(req, res, 'not-me/refused', { title: page.heading, ...page }, page.status);
  };

  const check = async (req: Request, use: boolean): Promise<NotMeCheck> => {
    const token = tokenParam.safeParse(req.params.token);
    if (!token.success) return { ok: false, reason: 'invalid' };
    return use ? links.report(token.data) : links.inspect(token.data);
  };

  router.get('/not-me/:token', async (req, res) => {
    const result = await check(req, false);
    if (!result.ok) return refuse(req, res, result.reason);
    const { context } = result.signIn;
    await render(req, res, 'not-me/confirm', {
      title: 'Was this you?',
      action: req.originalUrl.split('?')[0],
      at: formatTime(context.at),
      place: formatPlace(context),
      device: formatDevice(context),
    });
  });

  router.post('/not-me/:token', async (req, res) => {
    // An unreadable body (too large, malformed) skipped the CSRF check (security.ts): refuse it before
    // the link is used, or a cross-site form posting 17 KB of junk could report someone's sign-in.
    if (req.formError) {
      const page = {
        title: 'Please try again',
        status: 400,
        heading: 'Please try again',
        message: req.formError,
      };
      return render(req, res, 'error', page, 400);
    }
    const result = await check(req, true);
    if (!result.ok) return refuse(req, res, result.reason);
    await render(req, res, 'not-me/done', { title: 'Thank you for telling us' });
  });

  return router;
}
