/** API: who am I, the audit log, API tokens. */
import { Router } from 'express';
import type { AuditLog } from '../audit.js';
import { publicToken, type ApiTokens } from '../tokens.js';
import { adminLocals, type AdminRouteFactory } from '../types.js';
import { auditQueryInput, idParam, tokenCreateInput, tokenRevokeInput } from '../schemas.js';
import { parseApi, sendApiError } from './respond.js';

export function coreApiRoutes(deps: { audit: AuditLog; tokens: ApiTokens }): AdminRouteFactory {
  return ({ store }) => {
    const router = Router();

    router.get('/me', (_req, res) => {
      res.json({ actor: adminLocals(res).admin });
    });

    router.get('/audit', async (req, res) => {
      const query = parseApi(auditQueryInput, req, res, 'query');
      if (!query) return;
      res.json(await deps.audit.page(query));
    });

    router.get('/tokens', async (_req, res) => {
      res.json({ tokens: (await deps.tokens.list()).map(publicToken) });
    });

    router.post('/tokens', async (req, res) => {
      const body = parseApi(tokenCreateInput, req, res, 'body');
      if (!body) return;
      const { admin, audit } = adminLocals(res);
      const { token, record } = await deps.tokens.create(body.name, admin);
      await audit({
        action: 'token.create',
        target: { type: 'apiToken', id: record.id, label: record.name },
        reason: body.reason,
      });
      res.status(201).json({ token, record: publicToken(record) });
    });

    router.post('/tokens/:id/revoke', async (req, res) => {
      const id = idParam.safeParse(req.params.id);
      const record = id.success ? await store.apiTokens.getApiToken(id.data) : null;
      if (!record) return sendApiError(res, 404, 'notFound', 'No token with that id.');
      const body = parseApi(tokenRevokeInput, req, res, 'body');
      if (!body) return;
      const revoked = await deps.tokens.revoke(record.id);
      await adminLocals(res).audit({
        action: 'token.revoke',
        target: { type: 'apiToken', id: record.id, label: record.name },
        reason: body.reason,
        result: revoked ? 'ok' : 'refused',
        detail: revoked ? {} : { message: 'already revoked' },
      });
      if (!revoked) return sendApiError(res, 409, 'alreadyRevoked', 'This token was already revoked.');
      res.json({ token: publicToken((await store.apiTokens.getApiToken(record.id))!) });
    });

    return router;
  };
}
