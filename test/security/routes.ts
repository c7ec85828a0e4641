/**
 * The route tables every adversarial suite iterates. Adding a route, page or displayed field (the admin
 * console, for instance) means adding an entry here; the CSRF, fuzzing, injection, XSS and browser
 * suites then cover it without further changes.
 *
 * - STATE_CHANGING_ROUTES: every POST a person (or an attacker) can make, with how to reach the form
 *   that makes it, what a legitimate post sends, and, per field, an independent statement of which
 *   values may get past validation (the fuzzer's oracle: anything else must change nothing).
 *   routeCoverage.test.ts fails when the mounted app serves a POST/PUT/PATCH/DELETE without a row
 *   here or, for the admin JSON API, in API_WRITES (apiRoutes.ts).
 * - END_USER_PAGES (test/browser/pages.ts): every page, for the browser and accessibility suites.
 * - DISPLAYED_FIELDS (displayed.ts): every value a page shows that someone else can choose.
 */
import { decoded } from './forms.js';
import { NEW_PASSWORD, type Journey, type JourneyFn, type JourneyName, type ServerKind } from './journeys.js';
import {
  FORBIDDEN_IN_NAMES,
  csrfField,
  mfaCodeField,
  returnToField,
  textWhere,
  type FieldSpec,
} from './fields.js';
import { ADMIN_CONSOLE_ROUTES } from './adminRoutes.js';

export interface StateChangingRoute {
  name: string;
  server: ServerKind;
  /** How a person reaches the form: a named journey, or one made for this row (startJourney). */
  journey: JourneyName | JourneyFn;
  /** The page holding the form (reloading it renders fresh hidden fields); `:target` is the journey's. */
  page: string;
  /** The form on that page: its action, and hidden fields that pick it among several. */
  action: string;
  match?: Record<string, string>;
  /** What a person types; hidden fields (CSRF token, flow version, button values) come from the page. */
  fields(journey: Journey): Record<string, string>;
  /** Every field the post carries that a client controls, hidden ones included. */
  inputs: FieldSpec[];
}

const versionField: FieldSpec = {
  name: 'v',
  mayAct: (value, _j, hidden) => {
    const text = decoded(value);
    return text !== null && Number(text) === Number(hidden.v);
  },
};
const usernameField: FieldSpec = {
  name: 'username',
  mayAct: textWhere((t) => {
    const trimmed = t.trim();
    return trimmed.length >= 1 && trimmed.length <= 254 && !FORBIDDEN_IN_NAMES.test(trimmed);
  }),
};
const passwordField: FieldSpec = {
  name: 'password',
  mayAct: textWhere((t) => t.length >= 1 && t.length <= 1024),
};
const oneOf = (name: string, allowed: string[]): FieldSpec => ({
  name,
  mayAct: textWhere((t) => allowed.includes(t)),
});
/** Registration changes state only when the code is the right one (six digits at least). */
const registrationCodeField: FieldSpec = { name: 'code', mayAct: textWhere((t) => /^\d{6}$/.test(t.trim())) };
/** A password change acts only when both fields agree: one fuzzed field acts only if it equals the other. */
const passwordChangeField = (name: string): FieldSpec => ({
  name,
  mayAct: textWhere((t) => t === NEW_PASSWORD),
});

/** Any current password zod lets through is checked, and a wrong one counts toward the cap (a change). */
const currentPasswordField: FieldSpec = {
  name: 'currentPassword',
  mayAct: textWhere((t) => t.length >= 1 && t.length <= 1024),
};

const flowPost = (extra: FieldSpec[]): FieldSpec[] => [csrfField, versionField, ...extra];

const END_USER_ROUTES: StateChangingRoute[] = [
  {
    name: 'sign-in',
    server: 'default',
    journey: 'signInPage',
    page: '/auth/sign-in',
    action: '/auth/sign-in',
    fields: (j) => ({ username: j.username, password: j.password }),
    inputs: [csrfField, usernameField, passwordField, returnToField],
  },
  {
    name: 'sign-out',
    server: 'default',
    journey: 'signedIn',
    page: '/',
    action: '/auth/sign-out',
    fields: () => ({}),
    inputs: [
      csrfField,
      {
        name: 'scope',
        mayAct: (v) => v.kind === 'missing' || textWhere((t) => ['here', 'everywhere'].includes(t))(v),
      },
    ],
  },
  {
    name: 'sign-out everywhere',
    server: 'default',
    journey: 'signedIn',
    page: '/',
    action: '/auth/sign-out',
    match: { scope: 'everywhere' },
    fields: () => ({}),
    inputs: [csrfField],
  },
  {
    name: 'risky sign-in notice: verify',
    server: 'default',
    journey: 'riskyNotice',
    page: '/auth/flow',
    action: '/auth/flow/notice',
    match: { action: 'continue' },
    fields: () => ({}),
    inputs: flowPost([oneOf('action', ['continue', 'notMe'])]),
  },
  {
    name: "risky sign-in notice: this wasn't me",
    server: 'default',
    journey: 'riskyNotice',
    page: '/auth/flow',
    action: '/auth/flow/notice',
    match: { action: 'notMe' },
    fields: () => ({}),
    inputs: flowPost([]),
  },
  {
    name: 'MFA challenge',
    server: 'default',
    journey: 'riskyMfa',
    page: '/auth/flow',
    action: '/auth/flow/mfa',
    fields: (j) => ({ code: j.code() }),
    inputs: flowPost([mfaCodeField]),
  },
  {
    name: 'compromised account notice',
    server: 'default',
    journey: 'compromisedNotice',
    page: '/auth/flow',
    action: '/auth/flow/notice',
    fields: () => ({}),
    inputs: flowPost([oneOf('action', ['continue'])]),
  },
  {
    name: 'compromised account MFA',
    server: 'default',
    journey: 'compromisedMfa',
    page: '/auth/flow',
    action: '/auth/flow/mfa',
    fields: (j) => ({ code: j.code() }),
    inputs: flowPost([]),
  },
  {
    name: 'forced password change',
    server: 'default',
    journey: 'compromisedChangePassword',
    page: '/auth/flow',
    action: '/auth/flow/change-password',
    fields: () => ({ newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
    inputs: flowPost([passwordChangeField('newPassword'), passwordChangeField('confirmPassword')]),
  },
  {
    name: 'temporary password change',
    server: 'default',
    journey: 'temporaryChangePassword',
    page: '/auth/flow',
    action: '/auth/flow/change-password',
    fields: () => ({ newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
    inputs: flowPost([]),
  },
  {
    name: 'MFA registration: set it up',
    server: 'registration',
    journey: 'registerIntro',
    page: '/auth/flow',
    action: '/auth/flow/register',
    match: { action: 'start' },
    fields: () => ({}),
    inputs: flowPost([oneOf('action', ['start', 'skip'])]),
  },
  {
    name: 'MFA registration: skip for now',
    server: 'registration',
    journey: 'registerIntro',
    page: '/auth/flow',
    action: '/auth/flow/register',
    match: { action: 'skip' },
    fields: () => ({}),
    inputs: flowPost([]),
  },
  {
    name: 'MFA registration: verify the first code',
    server: 'registration',
    journey: 'registerVerify',
    page: '/auth/flow',
    action: '/auth/flow/register-verify',
    fields: (j) => ({ code: j.code() }),
    inputs: flowPost([registrationCodeField]),
  },
  {
    name: 'MFA registration: recovery codes saved',
    server: 'registration',
    journey: 'recoveryCodes',
    page: '/auth/flow',
    action: '/auth/flow/recovery-codes',
    fields: () => ({}),
    inputs: flowPost([]),
  },
  {
    name: 'email code: send a code',
    server: 'emailCode',
    journey: 'emailCodeSend',
    page: '/auth/flow',
    action: '/auth/flow/email-code',
    match: { action: 'send' },
    fields: () => ({}),
    // "verify" without a code is refused; sends are also capped and spaced (refused, nothing changes).
    inputs: flowPost([oneOf('action', ['send'])]),
  },
  {
    name: 'email code: verify the code',
    server: 'emailCode',
    journey: 'emailCodeVerify',
    page: '/auth/flow',
    action: '/auth/flow/email-code',
    match: { action: 'verify' },
    fields: (j) => ({ code: j.code() }),
    // Any six digits use an attempt; "send" may send a new code.
    inputs: flowPost([oneOf('action', ['verify', 'send']), registrationCodeField]),
  },
  {
    name: '"This wasn\'t me" mail link',
    server: 'default',
    journey: 'notMeLink',
    page: '/auth/not-me/:target',
    action: '/auth/not-me/:target',
    fields: () => ({}),
    inputs: [csrfField],
  },
  {
    name: 'forgot password: ask for a link',
    server: 'default',
    journey: 'forgotPasswordPage',
    page: '/auth/forgot-password',
    action: '/auth/forgot-password',
    fields: (j) => ({ username: j.username }),
    // Any valid name is counted against the limits (and may get a link mailed).
    inputs: [csrfField, usernameField],
  },
  {
    name: 'reset link: verification code',
    server: 'default',
    journey: 'resetLinkCode',
    page: '/auth/reset/:target',
    action: '/auth/reset/:target/code',
    fields: (j) => ({ code: j.code() }),
    // Any code zod lets through takes an attempt.
    inputs: [csrfField, mfaCodeField],
  },
  {
    name: 'reset link: new password',
    server: 'default',
    journey: 'resetLinkPassword',
    page: '/auth/reset/:target',
    action: '/auth/reset/:target/password',
    fields: () => ({ newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }),
    inputs: [csrfField, passwordChangeField('newPassword'), passwordChangeField('confirmPassword')],
  },
  {
    name: 'account: change password',
    server: 'default',
    journey: 'accountPassword',
    page: '/auth/account/password',
    action: '/auth/account/password',
    fields: (j) => ({
      currentPassword: j.password,
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    }),
    inputs: [
      csrfField,
      currentPasswordField,
      passwordChangeField('newPassword'),
      passwordChangeField('confirmPassword'),
    ],
  },
  {
    name: 'account: end a session',
    server: 'default',
    journey: 'accountPage',
    page: '/auth/account',
    action: '/auth/account/sessions/end',
    fields: () => ({}),
    inputs: [
      csrfField,
      { name: 'session', mayAct: (value, _j, hidden) => textWhere((t) => t === hidden.session)(value) },
    ],
  },
  {
    name: 'account: end the other sessions',
    server: 'default',
    journey: 'accountPage',
    page: '/auth/account',
    action: '/auth/account/sessions/end-others',
    fields: () => ({}),
    inputs: [csrfField],
  },
];

export const STATE_CHANGING_ROUTES: StateChangingRoute[] = [...END_USER_ROUTES, ...ADMIN_CONSOLE_ROUTES];

export type { FieldSpec };
export { JOURNEYS, startJourney } from './journeys.js';
export { at, encodeForm, hiddenFieldsFor, legitimateBody, type FormValue } from './forms.js';
