/**
 * Console pages for the policies: the edit form (preview the impact, then save with a reason), and the
 * report-only results. The form always comes back with what the admin typed, whatever went wrong.
 */
import { Router, type Request, type Response } from 'express';
import type { PolicyError, PolicyService } from '../../policy/service/service.js';
import type { CurrentPolicies } from '../../policy/service/current.js';
import type { ImpactPreview } from '../../policy/service/preview.js';
import { MAX_PREVIEW_DAYS } from '../../policy/service/preview.js';
import { POLICY_NAMES } from '../../policy/service/edit.js';
import { OUTCOMES } from '../../policy/service/replay.js';
import { readForm } from '../console/pageInput.js';
import { adminLocals, type AdminRender, type AdminRouteFactory } from '../types.js';
import { formFromPolicies, policiesFromForm, policyFormInput, type PolicyForm } from './form.js';
import { publicSignIn } from './present.js';

const DEFAULT_DAYS = '30';
const HISTORY_SHOWN = 10;

interface EditPage {
  form: PolicyForm;
  version: number;
  status?: number;
  error?: string;
  info?: string;
  issues?: PolicyError['issues'];
  preview?: ImpactPreview;
}

export function policyConsoleRoutes(service: PolicyService): AdminRouteFactory {
  return ({ render }) => {
    const router = Router();

    const showEdit = async (req: Request, res: Response, page: EditPage) => {
      const [current, history] = await Promise.all([service.current(), service.history(HISTORY_SHOWN)]);
      await renderEdit(render, req, res, current, history, page);
    };

    router.get('/policies', async (req, res) => {
      const current = await service.current();
      await showEdit(req, res, {
        form: { ...formFromPolicies(current.policies), days: DEFAULT_DAYS },
        version: current.version,
      });
    });

    router.post('/policies', async (req, res) => {
      const parsed = readForm(policyFormInput, req);
      const form: PolicyForm = { ...(req.body as PolicyForm) };
      const typedVersion = Number(form.version);
      const version = Number.isInteger(typedVersion) ? typedVersion : 0;
      if (!parsed.ok) return showEdit(req, res, { form, version, status: 400, error: parsed.message });
      const document = policiesFromForm(parsed.value);

      if (parsed.value.action === 'preview') {
        const result = await service.preview(document, parsed.value.days ?? DEFAULT_DAYS);
        if (!result.ok) return showEdit(req, res, { form, version, status: 400, ...problem(result.error) });
        return showEdit(req, res, { form, version, preview: result.value });
      }

      const result = await service.save(
        { policies: document, version },
        adminLocals(res).admin,
        parsed.value.reason,
      );
      if (result.ok) {
        const saved = result.value;
        const info = `Saved as version ${saved.version}. Every instance applies it within a few seconds.`;
        return showEdit(req, res, {
          form: { ...formFromPolicies(saved.policies), days: form.days },
          version: saved.version,
          info,
        });
      }
      const { error } = result;
      if (error.code === 'versionConflict' && error.current) {
        // The admin's edits stay on the page; saving again knowingly replaces the newer version.
        const message = `${error.message}. Your edits are below: compare them with version ${error.current.version} and save again to replace it.`;
        return showEdit(req, res, { form, version: error.current.version, status: 409, error: message });
      }
      return showEdit(req, res, { form, version, status: 400, ...problem(error) });
    });

    router.get('/policies/report-only', async (req, res) => {
      const result = await service.reportOnly(req.query);
      const page = {
        title: 'Report-only results',
        filters: req.query as Record<string, unknown>,
        policies: POLICY_NAMES,
        outcomes: OUTCOMES.filter((o) => o !== 'allow'),
      };
      if (!result.ok) {
        const failed = { ...page, items: [], nextCursor: null, ...problem(result.error) };
        return render(req, res, 'admin/policies-report-only', failed, 400);
      }
      const { items, nextCursor } = result.value;
      await render(req, res, 'admin/policies-report-only', {
        ...page,
        items: items.map(publicSignIn),
        nextCursor,
      });
    });

    return router;
  };
}

function problem(error: PolicyError): { error: string; issues: PolicyError['issues'] } {
  return { error: `${error.message[0]!.toUpperCase()}${error.message.slice(1)}.`, issues: error.issues };
}

function renderEdit(
  render: AdminRender,
  req: Request,
  res: Response,
  current: CurrentPolicies,
  history: CurrentPolicies[],
  page: EditPage,
): Promise<void> {
  return render(
    req,
    res,
    'admin/policies',
    {
      title: 'Policies',
      current,
      history,
      form: page.form,
      version: page.version,
      error: page.error,
      info: page.info,
      issues: page.issues ?? [],
      preview: page.preview ?? null,
      outcomes: OUTCOMES,
      maxDays: MAX_PREVIEW_DAYS,
    },
    page.status,
  );
}
