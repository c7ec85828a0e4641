/**
 * The console's policy form: flat fields (`signInRisk.mode`, lists one entry per line) to a policies
 * document and back. This only shapes the input; the policy service validates the document, so the
 * console and the API refuse exactly the same things.
 */
import { z } from 'zod';
import type { Policies, PolicyScope } from '../../policy/schema.js';
import { POLICY_NAMES, type PolicyName } from '../../policy/service/edit.js';

const text = z.string().max(16_000).optional();
const FIELDS = ['mode', 'include', 'includeUsers', 'includeGroups', 'excludeUsers', 'excludeGroups'] as const;
const THRESHOLDS = [
  'signInRisk.mfaAt',
  'signInRisk.blockAt',
  'userRisk.passwordChangeAt',
  'userRisk.blockAt',
];

export const policyFormInput = z.object({
  ...Object.fromEntries(POLICY_NAMES.flatMap((p) => FIELDS.map((f) => [`${p}.${f}`, text]))),
  ...Object.fromEntries(THRESHOLDS.map((name) => [name, text])),
  'mfaRegistration.graceDays': text,
  version: text,
  reason: text,
  days: text,
  action: z.enum(['preview', 'save'], { message: 'Choose Preview impact or Save policies.' }),
}) as z.ZodType<Record<string, string | undefined> & { action: 'preview' | 'save' }>;

export type PolicyForm = Record<string, string | undefined>;

/** One entry per line (commas also separate), blanks dropped. */
function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** A whole number stays a number; anything else stays as typed, for the validator to name. */
function wholeNumber(value: string | undefined): number | string | undefined {
  return value !== undefined && /^\s*\d{1,6}\s*$/.test(value) ? Number(value) : value;
}

function scopeFrom(form: PolicyForm, policy: PolicyName): Record<string, unknown> {
  const include = form[`${policy}.include`];
  return {
    includeUsers: include === 'all' ? 'all' : lines(form[`${policy}.includeUsers`]),
    includeGroups: lines(form[`${policy}.includeGroups`]),
    excludeUsers: lines(form[`${policy}.excludeUsers`]),
    excludeGroups: lines(form[`${policy}.excludeGroups`]),
  };
}

/** The document the form describes (not yet validated). */
export function policiesFromForm(form: PolicyForm): Record<string, unknown> {
  const base = (policy: PolicyName) => ({ mode: form[`${policy}.mode`], scope: scopeFrom(form, policy) });
  return {
    signInRisk: {
      ...base('signInRisk'),
      mfaAt: form['signInRisk.mfaAt'],
      blockAt: form['signInRisk.blockAt'],
    },
    userRisk: {
      ...base('userRisk'),
      passwordChangeAt: form['userRisk.passwordChangeAt'],
      blockAt: form['userRisk.blockAt'],
    },
    mfaRegistration: {
      ...base('mfaRegistration'),
      graceDays: wholeNumber(form['mfaRegistration.graceDays']),
    },
    unregisteredUsers: 'block',
  };
}

function scopeFields(policy: PolicyName, scope: PolicyScope): PolicyForm {
  return {
    [`${policy}.include`]: scope.includeUsers === 'all' ? 'all' : 'selected',
    [`${policy}.includeUsers`]: scope.includeUsers === 'all' ? '' : scope.includeUsers.join('\n'),
    [`${policy}.includeGroups`]: scope.includeGroups.join('\n'),
    [`${policy}.excludeUsers`]: scope.excludeUsers.join('\n'),
    [`${policy}.excludeGroups`]: scope.excludeGroups.join('\n'),
  };
}

/** Form values showing `policies`, for the first render of the edit page. */
export function formFromPolicies(policies: Policies): PolicyForm {
  const fields: PolicyForm = {};
  for (const name of POLICY_NAMES) {
    Object.assign(fields, { [`${name}.mode`]: policies[name].mode }, scopeFields(name, policies[name].scope));
  }
  return {
    ...fields,
    'signInRisk.mfaAt': policies.signInRisk.mfaAt,
    'signInRisk.blockAt': policies.signInRisk.blockAt,
    'userRisk.passwordChangeAt': policies.userRisk.passwordChangeAt,
    'userRisk.blockAt': policies.userRisk.blockAt,
    'mfaRegistration.graceDays': String(policies.mfaRegistration.graceDays),
  };
}
