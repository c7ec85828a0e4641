/**
 * The admin API's OpenAPI 3.1 document, built from the same zod schemas and action table the routes
 * use, so the two cannot disagree on inputs. `npm run openapi` writes it to openapi/admin-api.json
 * (shipped in the package); a test checks that file against this builder and against the router.
 */
import { z } from 'zod';
import { DETECTION_ACTIONS, SIGN_IN_ACTIONS, USER_ACTIONS, type ActionGroup } from '../actionTable.js';
import {
  auditQueryInput,
  bulkDismissInput,
  detectionsQuery,
  mfaRegistrationQuery,
  riskySignInsQuery,
  riskyUsersQuery,
  tokenCreateInput,
  tokenRevokeInput,
  userLookupQuery,
} from '../schemas.js';
import { POLICY_OPERATIONS } from '../policies/openapi.js';

export interface Operation {
  method: 'get' | 'post' | 'put';
  path: string;
  tag: string;
  summary: string;
  description?: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  pathId?: string;
  /** Answers 409 on a conflict (besides actions and revocations). */
  conflict?: boolean;
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

const READS: Operation[] = [
  { method: 'get', path: '/me', tag: 'tokens', summary: 'Who this token acts as' },
  {
    method: 'get',
    path: '/audit',
    tag: 'audit',
    summary: 'The audit log, newest first (keyset paging with `before`)',
    query: auditQueryInput,
  },
  { method: 'get', path: '/tokens', tag: 'tokens', summary: 'API tokens (never their values)' },
  {
    method: 'post',
    path: '/tokens',
    tag: 'tokens',
    summary: 'Create a token; its value is in this answer only',
    body: tokenCreateInput,
  },
  {
    method: 'post',
    path: '/tokens/{id}/revoke',
    tag: 'tokens',
    summary: 'Revoke a token',
    body: tokenRevokeInput,
    pathId: 'token id',
  },
  {
    method: 'get',
    path: '/users',
    tag: 'reports',
    summary: 'Risky users (level, state, last updated); lists accept comma-separated values',
    query: riskyUsersQuery,
  },
  {
    method: 'post',
    path: '/users/bulk-dismiss',
    tag: 'actions',
    summary: 'Dismiss the risk of many users (each audited); users not at risk are listed in `refused`',
    body: bulkDismissInput,
  },
  {
    method: 'get',
    path: '/users/lookup',
    tag: 'reports',
    summary: 'Find any user by username: their id',
    query: userLookupQuery,
  },
  {
    method: 'get',
    path: '/users/{id}',
    tag: 'reports',
    summary:
      'One user: risk, active and closed detections with reasons, recent sign-ins, risk history, admin actions',
    pathId: 'user id',
  },
  { method: 'get', path: '/sign-ins', tag: 'reports', summary: 'Risky sign-ins', query: riskySignInsQuery },
  {
    method: 'get',
    path: '/sign-ins/{id}',
    tag: 'reports',
    summary: 'One sign-in with its detections',
    pathId: 'sign-in id',
  },
  { method: 'get', path: '/detections', tag: 'reports', summary: 'Detections', query: detectionsQuery },
  {
    method: 'get',
    path: '/mfa-registration',
    tag: 'reports',
    summary: 'MFA registration status: registered, in grace (days left), not registered',
    query: mfaRegistrationQuery,
  },
];

function actionOperations(collection: string, group: ActionGroup, noun: string): Operation[] {
  return Object.entries(group).map(([name, action]) => ({
    method: 'post',
    path: `/${collection}/{id}/${name}`,
    tag: 'actions',
    summary: action.label,
    description: action.explain,
    body: action.input,
    pathId: `${noun} id`,
  }));
}

export const OPERATIONS: Operation[] = [
  ...READS,
  ...POLICY_OPERATIONS,
  ...actionOperations('users', USER_ACTIONS, 'user'),
  ...actionOperations('sign-ins', SIGN_IN_ACTIONS, 'sign-in'),
  ...actionOperations('detections', DETECTION_ACTIONS, 'detection'),
];

const ERROR = {
  description: 'An error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              field: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
  },
};

function operation(op: Operation): Record<string, unknown> {
  const parameters: Record<string, unknown>[] = [];
  if (op.pathId)
    parameters.push({
      name: 'id',
      in: 'path',
      required: true,
      description: op.pathId,
      schema: { type: 'string' },
    });
  if (op.query) {
    const schema = jsonSchema(op.query) as { properties: Record<string, unknown> };
    for (const [name, property] of Object.entries(schema.properties)) {
      parameters.push({ name, in: 'query', required: false, schema: property, explode: false });
    }
  }
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } }
      : {}),
    responses: {
      [op.method === 'post' && op.path === '/tokens' ? '201' : '200']: {
        description: 'Done',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
      '400': ERROR,
      '401': ERROR,
      ...(op.pathId ? { '404': ERROR } : {}),
      ...(op.tag === 'actions' || op.path.endsWith('/revoke') || op.conflict ? { '409': ERROR } : {}),
    },
  };
}

export function buildOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Riskgate admin API',
      version,
      description:
        'Investigate and remediate risk. Every action needs a `reason` and is recorded in the audit log with the token that took it. Errors are `{ "error": { "code", "message" } }`. Mount point: wherever the app mounts `riskgate.admin` (the demo server: /admin).',
    },
    servers: [{ url: '/admin/api/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from the console or `riskgate token:create`',
        },
      },
    },
    paths,
  };
}
