/**
 * The signed-in user's account pages: change the password, see and end signed-in sessions. Thin: requireAuth -> parse -> service ->
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
import { endSession, listSessions, type SessionListDeps } from './sessionList.js';

export interface AccountRouteDeps {
  basePath: string;
  render: Render;
  logger: Logger;
  requireAuth: RequestHandler;
  directory: UserDirectory;
  sessions: IndexedSessionStore;
  password: Omit<OwnPasswordChangeDeps, 'directory'>;
  sessionList: SessionListDeps;
  now: () => number;
}

const passwordForm = z.object({
  currentPassword: z
    .string({ message: 'Enter your current password.' })
    .min(1, 'Enter your current password.')
    .max(1024, 'Your current password is not correct. Nothing was changed.'),
  ...newPasswordFields,
});

/** A handle is a base64url HMAC-SHA256 (43 characters). */
const endSessionForm = z.object({
  session: z
    .string({ message: 'Choose a session to end.' })
    .regex(/^[A-Za-z0-9_-]{43}$/, 'Choose a session to end from the list.'),
});
const noFields = z.object({});

const NOTICES = {
  password: 'Your password was changed. You were signed out on your other devices.',
  ended: 'That session was ended: whoever used it has to sign in again.',
  others: 'Your other sessions were ended. This one stays signed in.',
} as const;
type Notice = keyof typeof NOTICES;
const isNotice = (value: unknown): value is Notice =>
  typeof value === 'string' && Object.hasOwn(NOTICES, value);

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

  const showAccount = async (
    req: Request,
    res: Response,
    status: number,
    extra: { info?: string; error?: string } = {},
  ) => {
    const state = req.session.riskgate!;
    const sessions = await listSessions(deps.sessionList, state.userId!, req.sessionID);
    await render(
      req,
      res,
      'account/home',
      { title: 'Your account', username: state.username ?? '', sessions, ...extra },
      status,
    );
  };

  router.get('/account', deps.requireAuth, (req, res) =>
    showAccount(req, res, 200, { info: isNotice(req.query.done) ? NOTICES[req.query.done] : undefined }),
  );

  router.post('/account/sessions/end', deps.requireAuth, async (req, res) => {
    const form = parseForm(endSessionForm, req);
    if (!form.ok) return showAccount(req, res, 400, { error: form.message });
    const userId = req.session.riskgate!.userId!;
    const log = req.log ?? deps.logger;
    // Ending the session in this browser is signing out.
    if (deps.sessionList.handleOf(req.sessionID) === form.value.session) {
      await destroySession(req);
      log.info({ event: 'sessionEnded', userId, current: true }, 'session ended by its owner');
      return res.redirect(303, `${basePath}/sign-in?signedOut=1`);
    }
    if (!(await endSession(deps.sessionList, userId, form.value.session))) {
      return showAccount(req, res, 400, { error: 'That session has already ended. Nothing was changed.' });
    }
    log.info({ event: 'sessionEnded', userId, current: false }, 'session ended by its owner');
    res.redirect(303, `${basePath}/account?done=ended`);
  });

  router.post('/account/sessions/end-others', deps.requireAuth, async (req, res) => {
    const form = parseForm(noFields, req);
    if (!form.ok) return showAccount(req, res, 400, { error: form.message });
    const userId = req.session.riskgate!.userId!;
    const ended = await deps.sessions.destroyUserSessions(userId, req.sessionID);
    (req.log ?? deps.logger).info(
      { event: 'otherSessionsEnded', userId, ended },
      'other sessions ended by their owner',
    );
    res.redirect(303, `${basePath}/account?done=others`);
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
