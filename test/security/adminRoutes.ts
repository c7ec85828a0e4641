/**
 * The admin console's state-changing forms, for the CSRF suite and the fuzzer (STATE_CHANGING_ROUTES
 * in routes.ts includes them). Each is reached by an admin journey (adminJourneys.ts): signed in, past
 * the TOTP step-up. `:target` in a path is the journey's risky user or API token.
 */
import { csrfField, mfaCodeField, returnToField, textWhere, type FieldSpec } from './fields.js';
import type { StateChangingRoute } from './routes.js';

// eslint-disable-next-line no-control-regex -- src/admin/schemas.ts refuses exactly these
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Reasons kept in the audit log: 3 to 500 characters once trimmed, no control characters. */
const reasonField: FieldSpec = {
  name: 'reason',
  mayAct: textWhere((t) => t.trim().length >= 3 && t.trim().length <= 500 && !CONTROL.test(t)),
};
const optionalReasonField: FieldSpec = {
  name: 'reason',
  mayAct: (v) => v.kind === 'missing' || textWhere((t) => t.trim().length <= 500 && !CONTROL.test(t))(v),
};
const tokenNameField: FieldSpec = {
  name: 'name',
  mayAct: textWhere((t) => t.trim().length >= 1 && t.trim().length <= 80 && !CONTROL.test(t)),
};
/** Checkboxes: one id, or the field repeated (several users ticked), each a well-formed id. */
const userIdsField: FieldSpec = {
  name: 'userIds',
  mayAct: (v) =>
    v.kind === 'repeated'
      ? v.values.length <= 500 && v.values.every((x) => ID.test(x))
      : textWhere((t) => ID.test(t))(v),
};
const confirmField: FieldSpec = { name: 'confirm', mayAct: textWhere((t) => t === 'yes') };

export const ADMIN_CONSOLE_ROUTES: StateChangingRoute[] = [
  {
    name: 'admin console: MFA step-up',
    server: 'default',
    journey: 'adminStepUp',
    page: '/admin/mfa',
    action: '/admin/mfa',
    fields: (j) => ({ code: j.code() }),
    inputs: [csrfField, mfaCodeField, returnToField],
  },
  {
    name: 'admin console: create an API token',
    server: 'default',
    journey: 'adminTokens',
    page: '/admin/tokens',
    action: '/admin/tokens',
    fields: () => ({ name: 'SIEM export', reason: 'nightly export' }),
    inputs: [csrfField, tokenNameField, optionalReasonField],
  },
  {
    name: 'admin console: revoke an API token',
    server: 'default',
    journey: 'adminTokens',
    page: '/admin/tokens',
    action: '/admin/tokens/:target/revoke',
    fields: () => ({}),
    inputs: [csrfField, optionalReasonField],
  },
  {
    name: 'admin console: a user action (dismiss user risk)',
    server: 'default',
    journey: 'adminUserAction',
    page: '/admin/users/:target/actions/dismiss-risk',
    action: '/admin/users/:target/actions/dismiss-risk',
    fields: () => ({ reason: 'Confirmed with the user by phone' }),
    inputs: [csrfField, reasonField],
  },
  {
    name: 'admin console: bulk dismiss',
    server: 'default',
    journey: 'adminRiskyUsers',
    page: '/admin/users',
    action: '/admin/users/bulk-dismiss',
    fields: (j) => ({ userIds: j.target!, reason: 'Known test accounts', confirm: 'yes' }),
    inputs: [csrfField, userIdsField, reasonField, confirmField],
  },
];
