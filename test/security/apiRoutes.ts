/**
 * Every write route of the admin JSON API (bearer token only, no cookies, no CSRF token), for
 * adminApi.test.ts: refused without a live token, fuzzed field by field. A new API write route fails
 * the route-enumeration test (routeCoverage.test.ts) until it has a row here.
 */
import type { LiveServer } from './harness.js';
import type { AdminTarget } from './adminJourneys.js';
import type { CurrentPolicies } from '../../src/policy/service/current.js';

export const API = '/admin/api/v1';

/** What a body is built from, read fresh before each request (the policy version moves on). */
export interface ApiContext {
  target: string;
  current: CurrentPolicies;
}

export interface ApiWrite {
  name: string;
  method: 'post' | 'put';
  /** Under /admin/api/v1; `:target` is made by ADMIN_TARGETS[target]. */
  path: string;
  target?: AdminTarget;
  body(c: ApiContext): Record<string, unknown>;
  /** False for a POST that only computes (the impact preview): it answers 200 and changes nothing. */
  changesState?: false;
}

const reason = { reason: 'Confirmed with the user by phone' };
const action = (collection: string, name: string, target: AdminTarget, extra = {}): ApiWrite => ({
  name: `${collection} action ${name}`,
  method: 'post',
  path: `/${collection}/:target/${name}`,
  target,
  body: () => ({ ...reason, ...extra }),
});

export const API_WRITES: ApiWrite[] = [
  {
    name: 'create a token',
    method: 'post',
    path: '/tokens',
    body: () => ({ name: 'SIEM export', ...reason }),
  },
  {
    name: 'revoke a token',
    method: 'post',
    path: '/tokens/:target/revoke',
    target: 'apiToken',
    body: () => ({ reason: 'rotated' }),
  },
  {
    name: 'bulk dismiss',
    method: 'post',
    path: '/users/bulk-dismiss',
    target: 'riskyUser',
    body: (c) => ({ userIds: [c.target], reason: 'test accounts' }),
  },
  {
    name: 'save the policies',
    method: 'put',
    path: '/policies',
    body: (c) => ({
      version: c.current.version,
      policies: { ...c.current.policies, signInRisk: { ...c.current.policies.signInRisk, mfaAt: 'medium' } },
      reason: 'Pilot: MFA from medium sign-in risk',
    }),
  },
  {
    name: 'preview the impact of a policy change',
    method: 'post',
    path: '/policies/preview',
    body: (c) => ({ policies: c.current.policies, days: 30 }),
    changesState: false,
  },
  // Listed by hand (not read from src/admin/actionTable.ts): a new action needs a row saying what it takes.
  action('users', 'confirm-compromised', 'riskyUser'),
  action('users', 'dismiss-risk', 'riskyUser'),
  action('users', 'temporary-password', 'riskyUser'),
  action('users', 'require-password-reset', 'riskyUser'),
  action('users', 'reset-mfa', 'riskyUser'),
  action('users', 'block', 'riskyUser'),
  action('users', 'unblock', 'blockedUser'),
  action('users', 'revoke-sessions', 'riskyUser'),
  action('users', 'exclude-from-policy', 'riskyUser', { policy: 'signInRisk' }),
  action('sign-ins', 'confirm-safe', 'riskySignIn'),
  action('sign-ins', 'confirm-compromised', 'riskySignIn'),
  action('detections', 'close', 'activeDetection', { how: 'falsePositive' }),
  action('detections', 'reactivate', 'closedDetection'),
];

/**
 * Every field of a body by dotted path, objects included (replacing a whole object is type confusion
 * too): `policies`, `policies.signInRisk`, `policies.signInRisk.mode`… Arrays are single fields.
 */
export function fieldPaths(body: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(body).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    const nested =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? fieldPaths(value as Record<string, unknown>, `${path}.`)
        : [];
    return [path, ...nested];
  });
}

export const MISSING = Symbol('missing');
/** The whole body as one field: replaced by a string, a number, an array, null, or sent empty. */
export const ROOT = '(the whole body)';

/** A copy of `body` with the field at `path` replaced (or removed, for MISSING); ROOT replaces it all. */
export function withField(body: Record<string, unknown>, path: string, value: unknown): unknown {
  if (path === ROOT) return value;
  const copy = structuredClone(body);
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === MISSING) delete node[last];
  else node[last] = value;
  return copy;
}

export async function apiContext(s: LiveServer, target: string): Promise<ApiContext> {
  return { target, current: await s.riskgate.policies.current() };
}
