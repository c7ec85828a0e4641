/**
 * Who may use the console: a signed-in user (the same protected sign-in pipeline as everyone, via
 * requireAuth, which also ends replayed sessions) whose roles include "admin", who is not blocked,
 * who has an authenticator, and who has passed MFA in this session. An admin without an authenticator
 * is refused with a page, never offered registration: whoever holds only an admin's password must not
 * be able to enrol their own authenticator. An operator enrols one with `riskgate admin:mfa`.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { UserDirectory } from '../domain/identity.js';
import { hasMfa } from '../domain/identity.js';
import type { Store } from '../storage/types.js';
import type { AuditLog } from './audit.js';
import { ADMIN_ROLE, type AdminRender } from './types.js';

export interface AccessDeps {
  store: Store;
  directory: UserDirectory;
  audit: AuditLog;
  render: AdminRender;
}

export type AdminCheck =
  | { ok: true; userId: string; username: string; mfaPassed: boolean }
  | { ok: false; reason: 'notAdmin' | 'blocked' | 'noAuthenticator' };

/** Whether the session's user may use the console, read fresh on every request (roles can change). */
export async function checkAdmin(deps: AccessDeps, req: Request): Promise<AdminCheck> {
  const state = req.session.riskgate!;
  const user = await deps.directory.findById(state.userId!);
  if (!user?.roles?.includes(ADMIN_ROLE)) return { ok: false, reason: 'notAdmin' };
  const identity = await deps.store.identities.getIdentity(user.id);
  if (identity.blocked) return { ok: false, reason: 'blocked' };
  if (!hasMfa(identity)) return { ok: false, reason: 'noAuthenticator' };
  return { ok: true, userId: user.id, username: user.username, mfaPassed: state.mfaAt !== undefined };
}

const REFUSALS = {
  notAdmin: {
    heading: 'Administrators only',
    message: 'Your account is not an administrator account.',
  },
  blocked: { heading: 'Account blocked', message: 'This account is blocked.' },
  noAuthenticator: {
    heading: 'An authenticator is required',
    message:
      'Administrator accounts must use multi-factor authentication, and yours has no authenticator. For your security it cannot be added from here: ask the operator of this server to run "riskgate admin:mfa <your username>", which shows a new authenticator key once.',
  },
} as const;

export async function refuse(
  render: AdminRender,
  req: Request,
  res: Response,
  reason: keyof typeof REFUSALS,
): Promise<void> {
  await render(req, res, 'admin/refused', { title: REFUSALS[reason].heading, ...REFUSALS[reason] }, 403);
}

/** The console gate; `allowWithoutMfa` is for the step-up page itself. */
export function requireAdmin(deps: AccessDeps, options: { allowWithoutMfa?: boolean } = {}): RequestHandler {
  return async (req, res, next) => {
    const check = await checkAdmin(deps, req);
    if (!check.ok) return refuse(deps.render, req, res, check.reason);
    if (!check.mfaPassed && !options.allowWithoutMfa) {
      const returnTo = req.method === 'GET' ? `?returnTo=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `${res.locals.adminBase as string}/mfa${returnTo}`);
    }
    const admin = { kind: 'user' as const, id: check.userId, name: check.username };
    res.locals.admin = admin;
    res.locals.audit = deps.audit.bind(admin);
    next();
  };
}
