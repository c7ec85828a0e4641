/**
 * The API gate: `Authorization: Bearer <token>` with a live token, nothing else. Cookies are not
 * accepted here, so the API needs no CSRF defence (a browser never attaches the header by itself).
 */
import type { RequestHandler } from 'express';
import type { AuditLog } from '../audit.js';
import { tokenActor, type ApiTokens } from '../tokens.js';
import { sendApiError } from './respond.js';

export function requireApiToken(tokens: ApiTokens, audit: AuditLog): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    const record = match ? await tokens.authenticate(match[1]!) : null;
    if (!record) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="riskgate-admin"');
      return sendApiError(
        res,
        401,
        match ? 'invalidToken' : 'unauthenticated',
        match
          ? 'This API token is not valid (unknown or revoked).'
          : 'Send an API token: Authorization: Bearer <token>.',
      );
    }
    const actor = tokenActor(record);
    res.locals.admin = actor;
    res.locals.audit = audit.bind(actor);
    next();
  };
}
