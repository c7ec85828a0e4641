/**
 * Console detail pages (a user, a sign-in) and the admin actions. Every action opens a confirmation
 * page that asks for the reason (kept in the audit log); its POST runs the action and redirects back
 * (or, for a temporary password, shows it once on the answer and nowhere else).
 */
import { Router, type Request, type Response } from 'express';
import { ActionRefused, EXCLUDABLE_POLICIES, MANUAL_CLOSURES, type AdminActions } from '../actions.js';
import {
  DETECTION_ACTIONS,
  SIGN_IN_ACTIONS,
  USER_ACTIONS,
  type ActionGroup,
  type ActionSpec,
} from '../actionTable.js';
import type { Reports } from '../reports.js';
import { adminLocals, type AdminRender, type AdminRouteFactory } from '../types.js';
import { bulkDismissInput, idParam } from '../schemas.js';
import { notFoundPage, readForm } from './pageInput.js';

interface Collection {
  path: 'users' | 'sign-ins' | 'detections';
  noun: string;
  group: ActionGroup;
  /** Label and the page to go back to, or null when the target does not exist. */
  describe(id: string): Promise<{ label: string; back: string } | null>;
}

export function actionConsoleRoutes(deps: { actions: AdminActions; reports: Reports }): AdminRouteFactory {
  return ({ render, store }) => {
    const router = Router();
    const base = (res: Response) => res.locals.adminBase as string;
    const userActions: ActionGroup = { ...USER_ACTIONS };
    if (!deps.actions.canExcludeFromPolicies) delete userActions['exclude-from-policy'];

    const collections: Collection[] = [
      {
        path: 'users',
        noun: 'user',
        group: userActions,
        describe: async (id) => {
          const report = await deps.reports.user(id);
          return report
            ? { label: report.user?.username ?? id, back: `/users/${encodeURIComponent(id)}` }
            : null;
        },
      },
      {
        path: 'sign-ins',
        noun: 'sign-in',
        group: SIGN_IN_ACTIONS,
        describe: async (id) => {
          const signIn = await store.signIns.getSignIn(id);
          return signIn
            ? { label: `sign-in by ${signIn.username}`, back: `/sign-ins/${encodeURIComponent(id)}` }
            : null;
        },
      },
      {
        path: 'detections',
        noun: 'detection',
        group: DETECTION_ACTIONS,
        describe: async (id) => {
          const d = await store.detectionActions.getDetection(id);
          return d
            ? { label: `${d.type} (${d.level})`, back: `/users/${encodeURIComponent(d.userId)}` }
            : null;
        },
      },
    ];

    const showConfirm = (
      req: Request,
      res: Response,
      c: Collection,
      name: string,
      action: ActionSpec,
      target: { label: string; back: string },
      status = 200,
      error?: string,
    ) =>
      render(
        req,
        res,
        'admin/confirm',
        {
          title: action.label,
          action,
          target,
          postUrl: `${base(res)}/${c.path}/${encodeURIComponent(req.params.id as string)}/actions/${name}`,
          closures: c.path === 'detections' && name === 'close' ? MANUAL_CLOSURES : null,
          policies: name === 'exclude-from-policy' ? EXCLUDABLE_POLICIES : null,
          values: (req.body ?? {}) as Record<string, unknown>,
          error,
        },
        status,
      );

    for (const c of collections) {
      router.get(`/${c.path}/:id/actions/:action`, async (req, res) => {
        const id = idParam.safeParse(req.params.id);
        const action = c.group[req.params.action];
        const target = id.success && action ? await c.describe(id.data) : null;
        if (!target || !action) return notFoundPage(render, req, res, c.noun);
        await showConfirm(req, res, c, req.params.action, action, target);
      });

      router.post(`/${c.path}/:id/actions/:action`, async (req, res) => {
        const id = idParam.safeParse(req.params.id);
        const name = req.params.action;
        const action = c.group[name];
        const target = id.success && action ? await c.describe(id.data) : null;
        if (!target || !action || !id.success) return notFoundPage(render, req, res, c.noun);
        const form = readForm(action.input, req);
        if (!form.ok) return showConfirm(req, res, c, name, action, target, 400, form.message);
        let result: Record<string, unknown>;
        try {
          result = await action.run(deps.actions, adminLocals(res).admin, id.data, form.value);
        } catch (error) {
          if (!(error instanceof ActionRefused)) throw error;
          return showConfirm(req, res, c, name, action, target, error.status, error.message);
        }
        if (action.secret) {
          return render(req, res, 'admin/secret', {
            title: action.label,
            target,
            secret: String(result[action.secret]),
          });
        }
        res.redirect(303, `${base(res)}${target.back}?done=${encodeURIComponent(`${c.path}:${name}`)}`);
      });
    }

    const doneMessage = (req: Request): string | undefined => {
      const [path, name] = String(req.query.done ?? '').split(':');
      const group = collections.find((c) => c.path === path)?.group;
      const action = name ? group?.[name] : undefined;
      return action ? `Done: ${action.label.toLowerCase()}.` : undefined;
    };

    router.get('/users/:id', async (req, res) => {
      const id = idParam.safeParse(req.params.id);
      const report = id.success ? await deps.reports.user(id.data) : null;
      if (!report) return notFoundPage(render, req, res, 'user');
      await render(req, res, 'admin/user', {
        title: report.user?.username ?? report.userId,
        report,
        actions: Object.entries(userActions),
        info: doneMessage(req),
      });
    });

    router.get('/sign-ins/:id', async (req, res) => {
      const id = idParam.safeParse(req.params.id);
      const signIn = id.success ? await store.signIns.getSignIn(id.data) : null;
      if (!signIn) return notFoundPage(render, req, res, 'sign-in');
      await render(req, res, 'admin/sign-in', {
        title: `Sign-in by ${signIn.username}`,
        signIn,
        detections: await store.detections.detectionsForSignIn(signIn.id),
        actions: Object.entries(SIGN_IN_ACTIONS),
        info: doneMessage(req),
      });
    });

    router.post('/users/bulk-dismiss', async (req, res) => {
      const form = readForm(bulkDismissInput, req);
      if (!form.ok) return bulkAnswer(render, req, res, 400, { error: form.message });
      if ((req.body as Record<string, unknown>).confirm !== 'yes')
        return bulkAnswer(render, req, res, 400, {
          error: 'Tick the confirmation box: dismissing closes the selected users’ detections for good.',
        });
      const result = await deps.actions.bulkDismiss(
        adminLocals(res).admin,
        form.value.userIds,
        form.value.reason,
      );
      await bulkAnswer(render, req, res, 200, { result });
    });

    return router;
  };
}

function bulkAnswer(
  render: AdminRender,
  req: Request,
  res: Response,
  status: number,
  locals: Record<string, unknown>,
) {
  return render(
    req,
    res,
    'admin/bulk-result',
    { title: 'Dismiss user risk', result: null, ...locals },
    status,
  );
}
