/**
 * The signed-in user's account pages: change the password. Thin: requireAuth -> parse -> service ->
 * redirect or render. Every post needs the session's CSRF token (router-wide) and refuses an
 * unreadable body before acting.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { UserDirectory } from '../domain/identity.js';
import type { IndexedSessionStore } from '../storage/types.js';
import { newPasswordFields } from '../remediation/passwordChange.js';
import { changeOwnPassword, type OwnPasswordChangeDeps } from '../remediation/ownPasswordChange.js';
import { parseForm } from './forms.js';
import type { Render } from './render.js';
import { renewSession } from './sessionTransitions.js';
import { destroySession } from './session.js';

export interface AccountRouteDeps {
  basePath: string;
  render: Render;
  logger: Logger;
  requireAuth: RequestHandler;
  directory: UserDirectory;
  sessions: IndexedSessionStore;
  password: Omit<OwnPasswordChangeDeps, 'directory'>;
  now: () => number;
}

const passwordForm = z.object({
  currentPassword: z
    .string({ message: 'Enter your current password.' })
    .min(1, 'Enter your current password.')
    .max(1024, 'Your current password is not correct. Nothing was changed.'),
  ...newPasswordFields,
});

const NOTICES = {
  password: 'Your password was changed. You were signed out on your other devices.',
} as const;

export function accountRoutes(deps: AccountRouteDeps): Router {
  const router = Router();
  const { basePath, render } = deps;
  const minLength = deps.password.minLength;

  const showPassword = (
    req: Request,
    res: Response,
    status: number,
    extra: { error?: string; errorField?: string | null } = {},
  ) =>
    render(
      req,
      res,
      'account/change-password',
      { title: 'Change your password', minLength, ...extra },
      status,
    );

  router.get('/account', deps.requireAuth, async (req, res) => {
    const done = typeof req.query.done === 'string' && req.query.done in NOTICES ? req.query.done : null;
    await render(req, res, 'account/home', {
      title: 'Your account',
      username: req.session.riskgate?.username ?? '',
      info: done ? NOTICES[done as keyof typeof NOTICES] : undefined,
    });
  });

  router.get('/account/password', deps.requireAuth, (req, res) => showPassword(req, res, 200));

  router.post('/account/password', deps.requireAuth, async (req, res) => {
    const form = parseForm(passwordForm, req);
    if (!form.ok) return showPassword(req, res, 400, { error: form.message, errorField: form.field });
    const state = req.session.riskgate!;
    const user = await deps.directory.findById(state.userId!);
    if (!user) {
      // The account was removed while signed in: nothing to change, and the session is over.
      await destroySession(req);
      return res.redirect(303, `${basePath}/sign-in`);
    }
    const result = await changeOwnPassword(
      { ...deps.password, directory: deps.directory },
      user,
      {
        ...form.value,
        mfaVerified: state.mfaAt !== undefined,
        revokeOtherSessions: async (userId) => {
          await renewSession(req);
          await deps.sessions.destroyUserSessions(userId, req.sessionID);
        },
      },
      deps.now(),
    );
    const log = req.log ?? deps.logger;
    if (!result.ok) {
      if (result.reason !== 'refused') {
        log.warn(
          { event: 'ownPasswordChange', userId: user.id, refused: result.reason },
          'password change refused',
        );
      }
      return showPassword(req, res, result.reason === 'tooManyTries' ? 429 : 400, {
        error: result.message,
        errorField: result.field,
      });
    }
    log.info({ event: 'ownPasswordChange', userId: user.id }, 'password changed by its owner');
    res.redirect(303, `${basePath}/account?done=password`);
  });

  return router;
}
