/**
 * "Forgot password" pages (ASVS 2.5.6). GET /forgot-password asks for the username; its POST always
 * shows the same "check your mail" page (unless this address asked too often). The mailed link, GET
 * /reset/:token, shows the link's current step (a code for users with an authenticator, then the new
 * password twice) and changes nothing (mail scanners fetch links); the two posts act. A link that does
 * not work gets one plain page whatever the reason, so the page says nothing about the account.
 */
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { mfaInput } from '../flows/steps/mfa.js';
import { newPasswordFields } from '../remediation/passwordChange.js';
import { RESET_TOKEN, type PasswordResets } from '../remediation/passwordReset.js';
import { clientIp, type TrustFunction } from '../signals/clientIp.js';
import { usernameField } from './signInRoutes.js';
import { parseForm } from './forms.js';
import type { Render } from './render.js';

const requestForm = z.object({ username: usernameField });
const passwordForm = z.object(newPasswordFields);
const tokenParam = z.string().max(200).regex(RESET_TOKEN);

const TOO_MANY = 'Too many requests from your network. Wait a while, then try again.';
const WRONG_CODE = 'That code did not work. Check your authenticator app and try again.';

const FAILURES = {
  invalid: {
    status: 400,
    heading: 'This link does not work',
    message:
      'Reset links work once, for a limited time, and only the newest one you asked for. Ask for a new link, or contact your help desk.',
  },
  unavailable: {
    status: 403,
    heading: 'This password cannot be reset here',
    message: 'For the safety of this account, contact your help desk to reset the password.',
  },
  tooManyAttempts: {
    status: 429,
    heading: 'Too many wrong codes',
    message: 'This link no longer works. Wait a while, then ask for a new link, or contact your help desk.',
  },
} as const;

export interface PasswordResetRouteDeps {
  basePath: string;
  render: Render;
  logger: Logger;
  trust: TrustFunction;
  resets: PasswordResets;
  minLength: number;
  enabled: boolean;
}

export function passwordResetRoutes(deps: PasswordResetRouteDeps): Router {
  const router = Router();
  const { basePath, render, resets } = deps;
  if (!deps.enabled) return router;

  const showRequest = (req: Request, res: Response, status: number, error?: string) =>
    render(req, res, 'reset/request', { title: 'Forgot your password?', error }, status);

  const refuse = (req: Request, res: Response, reason: keyof typeof FAILURES) => {
    const page = FAILURES[reason];
    return render(req, res, 'reset/refused', { title: page.heading, ...page }, page.status);
  };

  const tokenOf = (req: Request): string | null => {
    const parsed = tokenParam.safeParse(req.params.token);
    return parsed.success ? parsed.data : null;
  };

  /** The link's current page, with an optional refusal from the last post. */
  const showStep = async (
    req: Request,
    res: Response,
    token: string,
    status = 200,
    extra: { error?: string; errorField?: string | null } = {},
  ) => {
    const link = await resets.open(token);
    if (!link.ok) return refuse(req, res, link.reason);
    const action = `${basePath}/reset/${token}`;
    if (link.step === 'mfa') {
      return render(
        req,
        res,
        'reset/code',
        { title: 'Enter your verification code', action, attemptsLeft: link.attemptsLeft, ...extra },
        status,
      );
    }
    return render(
      req,
      res,
      'reset/new-password',
      { title: 'Choose a new password', action, minLength: deps.minLength, ...extra },
      status,
    );
  };

  // The link's token is in these pages' URLs: not even same-site requests (styles, scripts) get it.
  router.use('/reset', (_req, res, next) => {
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  router.get('/forgot-password', (req, res) => showRequest(req, res, 200));

  router.post('/forgot-password', async (req, res) => {
    const form = parseForm(requestForm, req);
    if (!form.ok) return showRequest(req, res, 400, form.message);
    const answered = new Promise((resolve) => {
      res.once('finish', resolve);
      res.once('close', resolve);
    });
    const { throttled } = await resets.request(form.value.username, clientIp(req, deps.trust), answered);
    if (throttled) return showRequest(req, res, 429, TOO_MANY);
    await render(req, res, 'reset/sent', { title: 'Check your mail' });
  });

  router.get('/reset/:token', async (req, res) => {
    const token = tokenOf(req);
    if (!token) return refuse(req, res, 'invalid');
    await showStep(req, res, token);
  });

  router.post('/reset/:token/code', async (req, res) => {
    const token = tokenOf(req);
    if (!token) return refuse(req, res, 'invalid');
    const form = parseForm(mfaInput, req);
    if (!form.ok) return showStep(req, res, token, 400, { error: form.message });
    const result = await resets.verifyCode(token, form.value.code);
    if (result.ok) return res.redirect(303, `${basePath}/reset/${token}`);
    if (result.reason !== 'wrongCode') {
      if (result.reason === 'tooManyAttempts')
        (req.log ?? deps.logger).warn(
          { event: 'passwordReset', refused: 'tooManyAttempts' },
          'reset link locked',
        );
      return refuse(req, res, result.reason);
    }
    await showStep(req, res, token, 400, { error: WRONG_CODE });
  });

  router.post('/reset/:token/password', async (req, res) => {
    const token = tokenOf(req);
    if (!token) return refuse(req, res, 'invalid');
    const form = parseForm(passwordForm, req);
    if (!form.ok) return showStep(req, res, token, 400, { error: form.message, errorField: form.field });
    const result = await resets.reset(token, form.value);
    if (result.ok) {
      (req.log ?? deps.logger).info(
        { event: 'passwordReset', userId: result.userId },
        'password reset with a mailed link',
      );
      return res.redirect(303, `${basePath}/sign-in?reset=1`);
    }
    if (result.reason === 'refused') {
      return showStep(req, res, token, 400, { error: result.message, errorField: result.field });
    }
    await refuse(req, res, result.reason);
  });

  return router;
}
