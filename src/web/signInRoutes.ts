/** GET/POST sign-in and POST sign-out. Thin: parse -> pipeline -> flow service -> redirect or render. */
import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SignInPipeline, SignInResult } from '../signin/pipeline.js';
import type { Metrics } from '../ops/metrics.js';
import type { FlowService } from '../flows/service.js';
import { NOTHING_SATISFIED } from '../policy/evaluate.js';
import { describeSignInRisk } from '../risk/explain.js';
import { clientIp, type TrustFunction } from '../signals/clientIp.js';
import { parseForm } from './forms.js';
import type { Render } from './render.js';
import { safeReturnTo } from './returnTo.js';
import { ensureDeviceId } from './deviceCookie.js';
import { beginFlowSession, establishSession } from './sessionTransitions.js';
import { destroySession } from './session.js';

/** Control characters and U+FFFD (a decoding failure) are never part of a name. */
// eslint-disable-next-line no-control-regex -- refusing them is the point
export const FORBIDDEN_IN_NAMES = /[\u0000-\u001f\u007f\ufffd]/;

/** The username field of the sign-in and "forgot password" forms. */
export const usernameField = z
  .string({ message: 'Enter your username.' })
  .trim()
  .min(1, 'Enter your username.')
  .max(254, 'That username is too long.')
  .refine(
    (value) => !FORBIDDEN_IN_NAMES.test(value),
    'That username contains characters that cannot be used.',
  );

const signInForm = z.object({
  username: usernameField,
  password: z
    .string({ message: 'Enter your password.' })
    .min(1, 'Enter your password.')
    .max(1024, 'That password is too long.'),
  returnTo: z.string().max(2048).optional(),
});

const signOutForm = z.object({
  scope: z.enum(['here', 'everywhere'], { message: 'Choose one of the sign-out buttons.' }).default('here'),
});

const GENERIC_FAILURE = 'The username or password is incorrect.';
const TOO_MANY = 'Too many sign-in attempts. Wait a few minutes, then try again.';

function countSignIn(metrics: Metrics, result: SignInResult): void {
  if (result.kind === 'rejected') return metrics.countSignIn(result.outcome);
  const { decision } = result;
  metrics.countSignIn(
    decision.kind === 'allow' ? 'allowed' : decision.kind === 'block' ? 'blocked' : 'interrupted',
  );
  metrics.countDecision(decision.kind);
  for (const draft of result.drafts) metrics.countDetection(draft.type, draft.level);
}

export interface SignInRouteDeps {
  metrics: Metrics;
  basePath: string;
  logger: Logger;
  defaultReturnTo: string;
  cookieSecure: boolean;
  trust: TrustFunction;
  pipeline: SignInPipeline;
  flows: FlowService;
  render: Render;
  now: () => number;
  revokeSessions: (userId: string) => Promise<number>;
  /** Whether the "Forgot your password?" link is shown (config passwordReset.enabled). */
  passwordReset: boolean;
}

export function signInRoutes(deps: SignInRouteDeps): Router {
  const router = Router();
  const { basePath, render } = deps;

  const showForm = (req: Request, res: Response, status: number, extra: Record<string, unknown>) =>
    render(
      req,
      res,
      'sign-in',
      { title: 'Sign in', returnTo: undefined, passwordReset: deps.passwordReset, ...extra },
      status,
    );

  const showError = (req: Request, res: Response, status: number, message: string) =>
    render(
      req,
      res,
      'error',
      { title: 'Please try again', status, heading: 'Please try again', message },
      status,
    );

  router.get('/sign-in', async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo, deps.defaultReturnTo);
    if (req.session.riskgate?.userId) return res.redirect(303, returnTo);
    await showForm(req, res, 200, {
      returnTo: returnTo === deps.defaultReturnTo ? undefined : returnTo,
      info:
        req.query.signedOut === '1'
          ? 'You have been signed out.'
          : req.query.reset === '1'
            ? 'Your password was changed and you were signed out everywhere. Sign in with your new password.'
            : undefined,
    });
  });

  router.post('/sign-in', async (req, res) => {
    const form = parseForm(signInForm, req);
    const rawReturnTo = (req.body as Record<string, unknown> | undefined)?.returnTo;
    const returnTo = safeReturnTo(rawReturnTo, deps.defaultReturnTo);
    const keep = { returnTo: returnTo === deps.defaultReturnTo ? undefined : returnTo };
    if (!form.ok) return showForm(req, res, 400, { ...keep, error: form.message });

    const deviceId = ensureDeviceId(req, res, deps.cookieSecure);
    const stopTimer = deps.metrics.signInSeconds.startTimer();
    const result = await deps.pipeline.run(req, res, {
      username: form.value.username,
      password: form.value.password,
      ip: clientIp(req, deps.trust),
      userAgent: String(req.headers['user-agent'] ?? ''),
      deviceId,
    });
    stopTimer();
    countSignIn(deps.metrics, result);
    // Ids, outcomes and levels only: never a password or the raw form. req.log carries the request id.
    (req.log ?? deps.logger).info(
      result.kind === 'rejected'
        ? { event: 'signIn', signInId: result.signInId, rejected: result.outcome }
        : {
            event: 'signIn',
            signInId: result.signInId,
            userId: result.user.id,
            risk: result.signInRisk,
            decision: result.decision.kind,
            // Explainable: each detection with its plain reason ("new network, known browser, known country").
            detections: result.drafts.map((d) => ({ type: d.type, level: d.level, reason: d.reason })),
          },
      'sign-in evaluated',
    );
    if (result.kind === 'rejected') {
      const tooMany = result.reason !== 'invalidCredentials';
      return showForm(req, res, tooMany ? 429 : 401, {
        ...keep,
        username: form.value.username,
        error: tooMany ? TOO_MANY : GENERIC_FAILURE,
      });
    }
    const outcome = await deps.flows.resolve(result.decision, {
      user: result.user,
      signInId: result.signInId,
      signInRisk: result.signInRisk,
      returnTo,
      satisfied: NOTHING_SATISFIED,
      reasons: describeSignInRisk(result.drafts),
      recorded: { context: result.context, drafts: result.drafts, learned: result.learned },
    });
    if (outcome.kind === 'signedIn') {
      await establishSession(req, outcome.user, result.signInId, deps.now(), deviceId);
      return res.redirect(303, outcome.returnTo);
    }
    await beginFlowSession(req, outcome.flow, deviceId);
    res.redirect(303, `${basePath}/flow/${outcome.flow.state}`);
  });

  router.post('/sign-out', async (req, res) => {
    const form = parseForm(signOutForm, req);
    // Bad input changes nothing. An unreadable body also skipped the CSRF check (security.ts), so acting
    // on it let a cross-site form posting 17 KB of junk sign people out.
    if (!form.ok) return showError(req, res, 400, form.message);
    const userId = req.session.riskgate?.userId;
    // "Everywhere" ends every session of the account, on every instance (the store indexes them by user).
    if (form.value.scope === 'everywhere' && userId) await deps.revokeSessions(userId);
    await destroySession(req);
    res.redirect(303, `${basePath}/sign-in?signedOut=1`);
  });

  return router;
}
