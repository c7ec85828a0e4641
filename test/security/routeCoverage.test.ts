/**
 * No state-changing route can be forgotten: every POST, PUT, PATCH and DELETE the mounted app serves
 * (read from Express's own router) must have a row in the CSRF/fuzz table (STATE_CHANGING_ROUTES: the
 * end-user pages and the admin console) or, under the admin API, in the bearer-token table
 * (API_WRITES). Routes that dispatch on a path segment (`/auth/flow/:step`, `.../actions/:action`) are
 * expanded to each value they accept, so each flow step and each admin action needs its own row.
 */
import { expect } from 'chai';
import express from 'express';
import { startRiskgate, type TestRiskgate } from '../helpers/riskgate.js';
import { STEPS } from '../../src/flows/steps/index.js';
import { DETECTION_ACTIONS, SIGN_IN_ACTIONS, USER_ACTIONS } from '../../src/admin/actionTable.js';
import { STATE_CHANGING_ROUTES } from './routes.js';
import { API, API_WRITES } from './apiRoutes.js';
import { stateChangingRoutes, type AppRoute } from './appRoutes.js';

/** Path segments naming one record: any value, so they read the same in the app and in the tables. */
const IDENTIFIERS = new Set(['id', 'token', 'target']);
const normalize = (path: string) =>
  path.replace(/:(\w+)/g, (m, name: string) => (IDENTIFIERS.has(name) ? ':id' : m));

/** The values a dispatching segment accepts, by the route it is in. */
function dispatchValues(rg: TestRiskgate, path: string, param: string): string[] | null {
  if (param === 'step' && path === '/auth/flow/:step')
    return Object.entries(STEPS)
      .filter(([, step]) => step.input && step.submit)
      .map(([name]) => name);
  if (param === 'action') {
    const users: string[] = Object.keys(USER_ACTIONS).filter(
      (a) => a !== 'exclude-from-policy' || rg.riskgate.adminServices.actions.canExcludeFromPolicies,
    );
    const groups: Record<string, string[]> = {
      '/admin/users/:id/actions/:action': users,
      '/admin/sign-ins/:id/actions/:action': Object.keys(SIGN_IN_ACTIONS),
      '/admin/detections/:id/actions/:action': Object.keys(DETECTION_ACTIONS),
    };
    return groups[path] ?? null;
  }
  return null;
}

/** `METHOD /path` for each route, dispatching segments expanded; unknown ones are reported as such. */
function expand(rg: TestRiskgate, routes: AppRoute[]): string[] {
  return routes.flatMap(({ method, path }) => {
    let paths = [normalize(path)];
    for (const [, param] of normalize(path).matchAll(/:(\w+)/g)) {
      if (param === 'id') continue;
      const values = dispatchValues(rg, normalize(path), param!);
      if (!values) return [`${method} ${path} (say what :${param} takes in routeCoverage.test.ts)`];
      paths = paths.flatMap((p) => values.map((v) => p.replace(`:${param}`, v)));
    }
    return paths.map((p) => `${method} ${p}`);
  });
}

const TABLED = new Set([
  ...STATE_CHANGING_ROUTES.map((r) => `POST ${normalize(r.action)}`),
  ...API_WRITES.map((w) => `${w.method.toUpperCase()} ${normalize(`${API}${w.path}`)}`),
]);

const untabled = (rg: TestRiskgate) =>
  [...new Set(expand(rg, stateChangingRoutes(rg.app)))].filter((r) => !TABLED.has(r)).sort();

describe('security: every state-changing route of the mounted app is in the CSRF/fuzz or API tables', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate({ jobs: { enabled: false } });
  });
  afterEach(() => rg.close());

  it('each POST/PUT/PATCH/DELETE route (each flow step, each admin action) has a row', () => {
    const found = expand(rg, stateChangingRoutes(rg.app));
    // The walk reads Express internals: make sure it still sees the routes at all.
    expect(found).to.include.members([
      'POST /auth/sign-in',
      'POST /auth/flow/mfa',
      'POST /admin/policies',
      'POST /admin/users/:id/actions/unblock',
      `PUT ${API}/policies`,
    ]);
    expect(untabled(rg), 'state-changing routes without a CSRF/fuzz or API row').to.deep.equal([]);
  });

  it('no row names a route the app does not serve (a renamed route leaves no stale row behind)', () => {
    const served = new Set(expand(rg, stateChangingRoutes(rg.app)));
    expect([...TABLED].filter((r) => !served.has(r)).sort()).to.deep.equal([]);
  });

  it('a route added to the app without a row is reported', () => {
    const extra = express.Router();
    extra.post('/users/:id/archive', (_req, res) => res.end());
    extra.delete('/tokens/:id', (_req, res) => res.end());
    rg.app.use('/admin', extra);
    expect(untabled(rg)).to.deep.equal(['DELETE /admin/tokens/:id', 'POST /admin/users/:id/archive']);
  });
});
