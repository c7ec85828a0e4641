/** The policy endpoints in the admin API's OpenAPI document, described with the service's own schemas. */
import type { Operation } from '../api/openapi.js';
import { reportOnlyQuery } from '../../policy/service/reportOnly.js';
import { policyHistoryQuery, policyPreviewBody, policySaveBody } from './apiRoutes.js';

export const POLICY_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/policies',
    tag: 'policies',
    summary: 'The policies in force, with their version and who saved them, when and why',
  },
  {
    method: 'put',
    path: '/policies',
    tag: 'policies',
    summary: 'Save the three policies as the version after `version`',
    description:
      'The whole document is required (nothing is reset by leaving it out). 409 `versionConflict` (with `current`) when someone saved since `version`; 400 `invalidPolicies` names every bad field in `issues`. Audited.',
    body: policySaveBody,
    conflict: true,
  },
  {
    method: 'post',
    path: '/policies/preview',
    tag: 'policies',
    summary: 'Impact preview: replay the last `days` days of sign-ins through proposed policies',
    description:
      'Counts per outcome (sign-ins and distinct users) under the current and the proposed policies, what changes, and recent examples of each kind of change. Saves nothing.',
    body: policyPreviewBody,
  },
  {
    method: 'get',
    path: '/policies/report-only',
    tag: 'policies',
    summary:
      'Sign-ins where a report-only policy recorded what it would have done (newest first, `nextCursor` pages)',
    query: reportOnlyQuery,
  },
  {
    method: 'get',
    path: '/policies/history',
    tag: 'policies',
    summary: 'Saved versions of the policies, newest first',
    query: policyHistoryQuery,
  },
];
