/**
 * JSON API for the policies (under the admin API's bearer token): read, save with the version you
 * edited (409 on a conflict), impact preview, report-only results, history. Excluding one user is the
 * user action `POST /users/{id}/exclude-from-policy`.
 * Errors are `{ error: { code, message, issues? } }`.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { PolicyError, PolicyService } from '../../policy/service/service.js';
import type { CurrentPolicies } from '../../policy/service/current.js';
import { adminLocals, type AdminRouteFactory } from '../types.js';
import { parseApi, sendApiError } from '../api/respond.js';
import { policiesEditSchema } from '../../policy/service/edit.js';
import { previewDays } from '../../policy/service/preview.js';
import { reasonField } from '../schemas.js';
import { publicSignIn } from './present.js';

// The envelope is checked here; the policies, days and reason by the policy service, which names every
// bad field. The OpenAPI document describes the whole body with the service's own schemas.
const saveInput = z
  .object({
    version: z.number({ message: 'the version you edited is required' }).int().min(0),
    policies: z.unknown().optional(),
    reason: z.unknown().optional(),
  })
  .strict();
const previewInput = z.object({ policies: z.unknown().optional(), days: z.unknown().optional() }).strict();
export const policyHistoryQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(100).default(20) })
  .strict();
export const policySaveBody = z
  .object({ version: z.number().int().min(0), policies: policiesEditSchema, reason: reasonField })
  .strict();
export const policyPreviewBody = z
  .object({ policies: policiesEditSchema, days: previewDays.default(30) })
  .strict();

const STATUS: Record<PolicyError['code'], number> = {
  invalidPolicies: 400,
  invalidRequest: 400,
  versionConflict: 409,
};

function sendPolicyError(res: Response, error: PolicyError): void {
  const extra: Record<string, unknown> = { issues: error.issues };
  if (error.current) extra.current = error.current;
  sendApiError(res, STATUS[error.code], error.code, error.message, extra);
}

function present(current: CurrentPolicies) {
  return { ...current, changedAt: new Date(current.changedAt).toISOString() };
}

export function policyApiRoutes(service: PolicyService): AdminRouteFactory {
  return () => {
    const router = Router();

    router.get('/policies', async (_req, res) => {
      res.json(present(await service.current()));
    });

    router.put('/policies', async (req, res) => {
      const body = parseApi(saveInput, req, res, 'body');
      if (!body) return;
      const change = { policies: body.policies, version: body.version };
      const result = await service.save(change, adminLocals(res).admin, body.reason);
      if (!result.ok) return sendPolicyError(res, result.error);
      res.json(present(result.value));
    });

    router.post('/policies/preview', async (req, res) => {
      const body = parseApi(previewInput, req, res, 'body');
      if (!body) return;
      const result = await service.preview(body.policies, body.days ?? 30);
      if (!result.ok) return sendPolicyError(res, result.error);
      res.json(result.value);
    });

    router.get('/policies/report-only', async (req, res) => {
      const result = await service.reportOnly(req.query);
      if (!result.ok) return sendPolicyError(res, result.error);
      res.json({ items: result.value.items.map(publicSignIn), nextCursor: result.value.nextCursor });
    });

    router.get('/policies/history', async (req, res) => {
      const query = parseApi(policyHistoryQuery, req, res, 'query');
      if (!query) return;
      res.json({ versions: (await service.history(query.limit)).map(present) });
    });

    return router;
  };
}
