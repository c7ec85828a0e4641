/**
 * The admin console's state-changing forms, for the CSRF suite and the fuzzer (STATE_CHANGING_ROUTES
 * in routes.ts includes them): the MFA step-up, API tokens, the policy edit form, bulk dismiss, and
 * every admin action of the user, sign-in and detection pages, one row each. Each is reached by an
 * admin journey (adminJourneys.ts): signed in, past the TOTP step-up, with a target in the state the
 * action needs. `:target` in a path is the journey's target.
 */
import { csrfField, mfaCodeField, returnToField, textWhere, type FieldSpec } from './fields.js';
import { decoded, type FormValue } from './forms.js';
import { adminJourneyTo, type AdminTarget } from './adminJourneys.js';
import type { Journey } from './journeys.js';
import type { StateChangingRoute } from './routes.js';

// eslint-disable-next-line no-control-regex -- src/admin/schemas.ts refuses exactly these
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ID = /^[A-Za-z0-9._:-]{1,100}$/;
const single = (v: FormValue) => v.kind !== 'repeated';

/** Reasons kept in the audit log: 3 to 500 characters once trimmed, no control characters left. */
const reasonField: FieldSpec = {
  name: 'reason',
  mayAct: textWhere((t) => t.trim().length >= 3 && t.trim().length <= 500 && !CONTROL.test(t.trim())),
};
const optionalReasonField: FieldSpec = {
  name: 'reason',
  mayAct: (v) =>
    v.kind === 'missing' || textWhere((t) => t.trim().length <= 500 && !CONTROL.test(t.trim()))(v),
};
const tokenNameField: FieldSpec = {
  name: 'name',
  mayAct: textWhere((t) => t.trim().length >= 1 && t.trim().length <= 80 && !CONTROL.test(t.trim())),
};
/** Checkboxes: one id, or the field repeated (several users ticked), each a well-formed id. */
const userIdsField: FieldSpec = {
  name: 'userIds',
  mayAct: (v) =>
    v.kind === 'repeated'
      ? v.values.length <= 500 && v.values.every((x) => ID.test(x))
      : textWhere((t) => ID.test(t))(v),
};
const oneOf = (name: string, allowed: string[]): FieldSpec => ({
  name,
  mayAct: textWhere((t) => allowed.includes(t)),
});
const confirmField = oneOf('confirm', ['yes']);

/** What each action's confirmation page asks besides the reason, and the field's allowed values. */
const ACTION_CHOICES: Record<string, { field: string; value: string; allowed: string[] }> = {
  'detections/close': {
    field: 'how',
    value: 'falsePositive',
    allowed: ['resolved', 'falsePositive', 'ignored'],
  },
  'users/exclude-from-policy': {
    field: 'policy',
    value: 'signInRisk',
    allowed: ['signInRisk', 'userRisk', 'mfaRegistration'],
  },
};
/** The target each action acts on (anything not named: the collection's usual one). */
const ACTION_TARGETS: Record<string, AdminTarget> = {
  users: 'riskyUser',
  'users/unblock': 'blockedUser',
  'sign-ins': 'riskySignIn',
  detections: 'activeDetection',
  'detections/reactivate': 'closedDetection',
};

function actionRows(collection: 'users' | 'sign-ins' | 'detections', names: string[]): StateChangingRoute[] {
  return names.map((name) => {
    const key = `${collection}/${name}`;
    const choice = ACTION_CHOICES[key];
    const path = `/admin/${collection}/:target/actions/${name}`;
    return {
      name: `admin console: ${collection} action ${name}`,
      server: 'default',
      journey: adminJourneyTo(path, ACTION_TARGETS[key] ?? ACTION_TARGETS[collection]!),
      page: path,
      action: path,
      fields: () => ({
        reason: 'Confirmed with the user by phone',
        ...(choice ? { [choice.field]: choice.value } : {}),
      }),
      inputs: [csrfField, reasonField, ...(choice ? [oneOf(choice.field, choice.allowed)] : [])],
    };
  });
}

// ---- The policy edit form: every field, its rule stated here independently of src/admin/policies.
const POLICIES = ['signInRisk', 'userRisk', 'mfaRegistration'];
const THRESHOLDS = [
  'signInRisk.mfaAt',
  'signInRisk.blockAt',
  'userRisk.passwordChangeAt',
  'userRisk.blockAt',
];
/** One entry per line (or comma); each at most 200 characters once trimmed, at most 1000 of them. */
const entriesFit = (t: string) => {
  const entries = t
    .split(/[\n,]/)
    .map((e) => e.trim())
    .filter((e) => e !== '');
  return entries.length <= 1000 && entries.every((e) => e.length <= 200);
};
const listField = (policy: string, list: string): FieldSpec => ({
  name: `${policy}.${list}`,
  // "All users" ignores the include list; otherwise every entry must fit.
  mayAct: (v, j) =>
    v.kind === 'missing' ||
    (single(v) &&
      ((list === 'includeUsers' && j.fields?.[`${policy}.include`] === 'all') || entriesFit(decoded(v)!))),
});
const policyFields: FieldSpec[] = [
  csrfField,
  ...POLICIES.flatMap((p) => [
    oneOf(`${p}.mode`, ['on', 'reportOnly', 'off']),
    // Anything but "all" means "the listed users and groups" (the lists shown are valid).
    { name: `${p}.include`, mayAct: single },
    ...['includeUsers', 'includeGroups', 'excludeUsers', 'excludeGroups'].map((l) => listField(p, l)),
  ]),
  ...THRESHOLDS.map((t) => oneOf(t, ['low', 'medium', 'high', 'off'])),
  {
    name: 'mfaRegistration.graceDays',
    mayAct: textWhere((t) => /^\s*\d{1,6}\s*$/.test(t) && Number(t) <= 30),
  },
  {
    // Any other version is a conflict, which is refused but audited; a negative one is refused unaudited.
    name: 'version',
    mayAct: (v) => {
      if (v.kind === 'missing') return true;
      const n = Number(decoded(v));
      return single(v) && !(Number.isInteger(n) && n < 0);
    },
  },
  reasonField,
  // The replay window matters to a preview only: a save ignores it.
  { name: 'days', mayAct: single },
  // A preview changes nothing.
  oneOf('action', ['save']),
];

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
    name: 'admin console: bulk dismiss',
    server: 'default',
    journey: 'adminRiskyUsers',
    page: '/admin/users',
    action: '/admin/users/bulk-dismiss',
    fields: (j) => ({ userIds: j.target!, reason: 'Known test accounts', confirm: 'yes' }),
    inputs: [csrfField, userIdsField, reasonField, confirmField],
  },
  {
    name: 'admin console: save the policies',
    server: 'default',
    journey: 'adminPolicies',
    page: '/admin/policies',
    action: '/admin/policies',
    fields: (j: Journey) => ({
      ...j.fields,
      'signInRisk.mfaAt': 'medium',
      days: '30',
      reason: 'Pilot: MFA from medium sign-in risk',
      action: 'save',
    }),
    inputs: policyFields,
  },
  // Listed by hand, not read from src/admin/actionTable.ts: a new action makes the route-enumeration
  // test fail until someone writes its row (and says what its form sends).
  ...actionRows('users', [
    'confirm-compromised',
    'dismiss-risk',
    'temporary-password',
    'require-password-reset',
    'reset-mfa',
    'block',
    'unblock',
    'revoke-sessions',
    'exclude-from-policy',
  ]),
  ...actionRows('sign-ins', ['confirm-safe', 'confirm-compromised']),
  ...actionRows('detections', ['close', 'reactivate']),
];
