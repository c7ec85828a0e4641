/** Console report pages: risky users (with bulk dismiss), risky sign-ins, detections, MFA registration. */
import { Router, type Request } from 'express';
import type { z } from 'zod';
import type { Reports } from '../reports.js';
import type { AdminRender, AdminRouteFactory } from '../types.js';
import {
  detectionsQuery,
  mfaRegistrationQuery,
  riskySignInsQuery,
  riskyUsersQuery,
  userLookupQuery,
} from '../schemas.js';
import { DETECTION_LEVELS, DETECTION_TYPES, RISK_STATES } from '../../domain/risk.js';
import { MFA_STATUSES } from '../../storage/adminTypes.js';
import { badRequest, notFoundPage, parseQuery } from './pageInput.js';

/** Links to other pages of the same list keep every filter. */
export function pageLinker(req: Request, base: string) {
  return (page: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query)) {
      if (key === 'page') continue;
      for (const v of Array.isArray(value) ? value : [value])
        if (typeof v === 'string') params.append(key, v);
    }
    params.set('page', String(page));
    return `${base}?${params.toString()}`;
  };
}

function listPage<T, R>(
  router: Router,
  render: AdminRender,
  path: string,
  view: string,
  title: string,
  schema: z.ZodType<T>,
  load: (query: T) => Promise<R>,
  extra: Record<string, unknown> = {},
): void {
  router.get(path, async (req, res) => {
    const query = parseQuery(schema, req);
    if (!query.ok) return badRequest(render, req, res, query.message);
    const result = await load(query.value);
    const base = `${res.locals.adminBase as string}${path}`;
    await render(req, res, view, {
      title,
      query: query.value,
      result,
      pageUrl: pageLinker(req, base),
      levels: DETECTION_LEVELS,
      states: RISK_STATES,
      ...extra,
    });
  });
}

export function listConsoleRoutes(reports: Reports, canBulkDismiss = true): AdminRouteFactory {
  return ({ render }) => {
    const router = Router();
    // Before /users/:id (in the action pages): "find" is not an id.
    router.get('/users/find', async (req, res) => {
      const query = parseQuery(userLookupQuery, req);
      if (!query.ok) return badRequest(render, req, res, query.message);
      const user = await reports.findUser(query.value.username);
      if (!user) return notFoundPage(render, req, res, 'user');
      res.redirect(303, `${res.locals.adminBase as string}/users/${encodeURIComponent(user.userId)}`);
    });
    listPage(
      router,
      render,
      '/users',
      'admin/users',
      'Risky users',
      riskyUsersQuery,
      (q) => reports.riskyUsers(q),
      {
        canBulkDismiss,
      },
    );
    listPage(router, render, '/sign-ins', 'admin/sign-ins', 'Risky sign-ins', riskySignInsQuery, (q) =>
      reports.riskySignIns(q),
    );
    listPage(
      router,
      render,
      '/detections',
      'admin/detections',
      'Detections',
      detectionsQuery,
      (q) => reports.detections(q),
      {
        types: DETECTION_TYPES,
      },
    );
    listPage(
      router,
      render,
      '/mfa-registration',
      'admin/mfa-registration',
      'MFA registration',
      mfaRegistrationQuery,
      (q) => reports.mfaRegistration(q),
      { statuses: MFA_STATUSES },
    );
    return router;
  };
}
