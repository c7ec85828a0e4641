/**
 * The admin side's shared vocabulary, and the plug-in interface other modules use to add their own
 * console pages and API routes (policies, notifications): each gets the authenticated admin in
 * `res.locals.admin` and an `audit(...)` bound to that admin in `res.locals.audit`.
 */
import type { Request, Response, Router } from 'express';
import type { ActorRef, AuditEntry, AuditResult } from '../storage/adminTypes.js';
import type { Store } from '../storage/types.js';

export const ADMIN_ROLE = 'admin';

export interface AuditInput {
  /** Dotted verb, e.g. "user.dismissRisk", "policy.update". */
  action: string;
  target: { type: string; id: string | null; label?: string | null };
  /** The admin's reason as they gave it. */
  reason?: string | null;
  /** Default "ok". */
  result?: AuditResult;
  /** A few facts about the outcome; never a secret (no passwords, tokens or codes). */
  detail?: Record<string, unknown>;
}

/** Records one admin action, attributed to the admin (or token) of the current request. */
export type AuditFn = (input: AuditInput) => Promise<AuditEntry>;

/** What every admin console and API handler finds in `res.locals`. */
export interface AdminLocals {
  admin: ActorRef;
  audit: AuditFn;
  /** Where the admin router is mounted, e.g. "/admin" (console links are built from it). */
  adminBase: string;
}

export function adminLocals(res: Response): AdminLocals {
  return res.locals as unknown as AdminLocals;
}

/** Renders a console page inside the console layout (navigation, CSRF token, admin name). */
export type AdminRender = (
  req: Request,
  res: Response,
  view: string,
  locals: Record<string, unknown> & { title: string },
  status?: number,
) => Promise<void>;

/** What a plug-in route factory is given once, when the admin router is built. */
export interface AdminPluginContext {
  store: Store;
  render: AdminRender;
  now: () => number;
}

/**
 * A module's console pages or API routes. Console routers sit behind sign-in, the admin role, MFA in
 * this session and CSRF (form bodies are parsed); API routers sit behind a bearer token, with JSON
 * bodies parsed, under `/api/v1`. Answer API errors with `sendApiError` (src/admin/api/respond.ts).
 */
export type AdminRouteFactory = (context: AdminPluginContext) => Router;

export interface AdminNavItem {
  /** Relative to the console root, e.g. "/policies". */
  href: string;
  label: string;
}

export interface AdminPlugins {
  consoleRoutes?: AdminRouteFactory[];
  apiRoutes?: AdminRouteFactory[];
  nav?: AdminNavItem[];
  /** The policy store's exclusions; when given, "exclude from policy" is offered on users. */
  policyExclusions?: PolicyExclusions;
}

/** Persisted policy exclusions (reference 000, "Exclude the user from policy"); wired by the policy store. */
export interface PolicyExclusions {
  /** Adds the user to the policy's exclude list; false when already excluded. */
  excludeUser(
    policy: 'signInRisk' | 'userRisk' | 'mfaRegistration',
    userId: string,
    actor: ActorRef,
    reason: string,
  ): Promise<boolean>;
}
