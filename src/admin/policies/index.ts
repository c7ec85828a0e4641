/** The policy pages and API endpoints, plugged into the admin console and API routers. */
import type { AdminPlugins } from '../types.js';
import type { PolicyService } from '../../policy/service/service.js';
import { policyApiRoutes } from './apiRoutes.js';
import { policyConsoleRoutes } from './consoleRoutes.js';
import { policyExclusions } from './exclusions.js';

export { policyExclusions, PolicyExclusionError } from './exclusions.js';

/** `plugins` with the policy pages, API routes and navigation entry added first, and exclusions wired. */
export function withPolicyPages(service: PolicyService, plugins: AdminPlugins): AdminPlugins {
  return {
    consoleRoutes: [policyConsoleRoutes(service), ...(plugins.consoleRoutes ?? [])],
    apiRoutes: [policyApiRoutes(service), ...(plugins.apiRoutes ?? [])],
    nav: [{ href: '/policies', label: 'Policies' }, ...(plugins.nav ?? [])],
    policyExclusions: plugins.policyExclusions ?? policyExclusions(service),
  };
}
