/** API: the reports (paged, filtered, sorted on the server) and every admin action, audited. */
import { Router, type Request, type Response } from 'express';
import { ActionRefused, type AdminActions } from '../actions.js';
import { DETECTION_ACTIONS, SIGN_IN_ACTIONS, USER_ACTIONS, type ActionGroup } from '../actionTable.js';
import type { Reports } from '../reports.js';
import { adminLocals, type AdminRouteFactory } from '../types.js';
import {
  bulkDismissInput,
  detectionsQuery,
  idParam,
  mfaRegistrationQuery,
  riskySignInsQuery,
  riskyUsersQuery,
  userLookupQuery,
} from '../schemas.js';
import { parseApi, sendApiError } from './respond.js';

export interface RiskApiDeps {
  actions: AdminActions;
  reports: Reports;
}

function refusal(res: Response, error: unknown): void {
  if (!(error instanceof ActionRefused)) throw error;
  sendApiError(res, error.status, error.code, error.message);
}

/** POST /<collection>/:id/<action> for every action in the group. */
function actionRoutes(router: Router, collection: string, group: ActionGroup, actions: AdminActions): void {
  for (const [name, action] of Object.entries(group)) {
    router.post(`/${collection}/:id/${name}`, async (req: Request, res: Response) => {
      const id = idParam.safeParse(req.params.id);
      if (!id.success) return sendApiError(res, 404, 'notFound', 'No such id.');
      const input = parseApi(action.input, req, res, 'body');
      if (input === null) return;
      try {
        res.json({ ok: true, ...(await action.run(actions, adminLocals(res).admin, id.data, input)) });
      } catch (error) {
        refusal(res, error);
      }
    });
  }
}

export function riskApiRoutes(deps: RiskApiDeps): AdminRouteFactory {
  return ({ store }) => {
    const router = Router();
    const { reports, actions } = deps;

    router.get('/users', async (req, res) => {
      const query = parseApi(riskyUsersQuery, req, res, 'query');
      if (query) res.json(await reports.riskyUsers(query));
    });

    router.post('/users/bulk-dismiss', async (req, res) => {
      const body = parseApi(bulkDismissInput, req, res, 'body');
      if (!body) return;
      res.json(await actions.bulkDismiss(adminLocals(res).admin, body.userIds, body.reason));
    });

    router.get('/users/lookup', async (req, res) => {
      const query = parseApi(userLookupQuery, req, res, 'query');
      if (!query) return;
      const user = await reports.findUser(query.username);
      if (!user) return sendApiError(res, 404, 'notFound', 'No user with that username.');
      res.json(user);
    });

    router.get('/users/:id', async (req, res) => {
      const id = idParam.safeParse(req.params.id);
      const report = id.success ? await reports.user(id.data) : null;
      if (!report) return sendApiError(res, 404, 'notFound', 'No user with that id.');
      res.json(report);
    });

    router.get('/sign-ins', async (req, res) => {
      const query = parseApi(riskySignInsQuery, req, res, 'query');
      if (query) res.json(await reports.riskySignIns(query));
    });

    router.get('/sign-ins/:id', async (req, res) => {
      const id = idParam.safeParse(req.params.id);
      const signIn = id.success ? await store.signIns.getSignIn(id.data) : null;
      if (!signIn) return sendApiError(res, 404, 'notFound', 'No sign-in with that id.');
      res.json({ signIn, detections: await store.detections.detectionsForSignIn(signIn.id) });
    });

    router.get('/detections', async (req, res) => {
      const query = parseApi(detectionsQuery, req, res, 'query');
      if (query) res.json(await reports.detections(query));
    });

    router.get('/mfa-registration', async (req, res) => {
      const query = parseApi(mfaRegistrationQuery, req, res, 'query');
      if (query) res.json(await reports.mfaRegistration(query));
    });

    const userActions: ActionGroup = { ...USER_ACTIONS };
    if (!actions.canExcludeFromPolicies) delete userActions['exclude-from-policy'];
    actionRoutes(router, 'users', userActions, actions);
    actionRoutes(router, 'sign-ins', SIGN_IN_ACTIONS, actions);
    actionRoutes(router, 'detections', DETECTION_ACTIONS, actions);
    return router;
  };
}
