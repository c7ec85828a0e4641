/** Console home, audit log and API tokens (create: shown once; revoke). */
import { Router } from 'express';
import type { AuditLog } from '../audit.js';
import type { ApiTokens } from '../tokens.js';
import { adminLocals, type AdminRouteFactory } from '../types.js';
import { auditQueryInput, tokenCreateInput, tokenRevokeInput } from '../schemas.js';
import { badRequest, notFoundPage, parseQuery, readForm } from './pageInput.js';
import { idParam } from '../schemas.js';

export function coreConsoleRoutes(deps: { audit: AuditLog; tokens: ApiTokens }): AdminRouteFactory {
  return ({ render, store }) => {
    const router = Router();

    router.get('/', async (req, res) => {
      const [atRisk, recent] = await Promise.all([
        store.reports.riskyUsers({
          states: ['atRisk', 'confirmedCompromised'],
          sort: 'level',
          order: 'desc',
          offset: 0,
          limit: 5,
        }),
        deps.audit.list({ limit: 5 }),
      ]);
      await render(req, res, 'admin/home', { title: 'Overview', atRisk, recent });
    });

    router.get('/audit', async (req, res) => {
      const query = parseQuery(auditQueryInput, req);
      if (!query.ok) return badRequest(render, req, res, query.message);
      const { entries, next } = await deps.audit.page(query.value);
      await render(req, res, 'admin/audit', { title: 'Audit log', entries, filters: query.value, next });
    });

    const showTokens = async (
      req: Parameters<typeof render>[0],
      res: Parameters<typeof render>[1],
      status = 200,
      extra = {},
    ) =>
      render(
        req,
        res,
        'admin/tokens',
        { title: 'API tokens', tokens: await deps.tokens.list(), ...extra },
        status,
      );

    router.get('/tokens', (req, res) => showTokens(req, res));

    router.post('/tokens', async (req, res) => {
      const form = readForm(tokenCreateInput, req);
      if (!form.ok) return showTokens(req, res, 400, { error: form.message });
      const { admin, audit } = adminLocals(res);
      const { token, record } = await deps.tokens.create(form.value.name, admin);
      await audit({
        action: 'token.create',
        target: { type: 'apiToken', id: record.id, label: record.name },
        reason: form.value.reason,
      });
      // Shown on this response only: never stored, never in a redirect or the audit log.
      await render(req, res, 'admin/token-created', { title: 'Token created', token, record }, 201);
    });

    router.post('/tokens/:id/revoke', async (req, res) => {
      const id = idParam.safeParse(req.params.id);
      if (!id.success) return notFoundPage(render, req, res, 'token');
      const form = readForm(tokenRevokeInput, req);
      if (!form.ok) return showTokens(req, res, 400, { error: form.message });
      const record = await store.apiTokens.getApiToken(id.data);
      if (!record) return notFoundPage(render, req, res, 'token');
      const revoked = await deps.tokens.revoke(id.data);
      await adminLocals(res).audit({
        action: 'token.revoke',
        target: { type: 'apiToken', id: record.id, label: record.name },
        reason: form.value.reason,
        result: revoked ? 'ok' : 'refused',
        detail: revoked ? {} : { message: 'already revoked' },
      });
      if (!revoked)
        return showTokens(req, res, 409, { error: `The token "${record.name}" was already revoked.` });
      await showTokens(req, res, 200, { info: `The token "${record.name}" is revoked: it no longer works.` });
    });

    return router;
  };
}
