import { expect } from 'chai';
import {
  evaluatePolicies,
  NOTHING_SATISFIED,
  type PolicyUser,
  type Satisfied,
} from '../../src/policy/evaluate.js';
import { policiesSchema, type PoliciesInput } from '../../src/policy/schema.js';
import type { RiskLevel } from '../../src/domain/risk.js';

const NOW = Date.UTC(2026, 10, 22);
const DAY = 86_400_000;

const baseUser: PolicyUser = {
  userId: 'u1',
  username: 'alice',
  groups: [],
  hasMfa: true,
  mfaPromptedAt: null,
  mustChangePassword: false,
  passwordResetRequired: false,
  blocked: false,
};

interface Case {
  name: string;
  signInRisk?: RiskLevel;
  userRisk?: RiskLevel;
  user?: Partial<PolicyUser>;
  policies?: PoliciesInput;
  satisfied?: Partial<Satisfied>;
  expect: unknown;
  reportOnly?: unknown[];
}

const cases: Case[] = [
  { name: 'no risk is allowed', expect: { kind: 'allow' } },
  {
    name: 'low sign-in risk asks for MFA at the default (mfaAt low)',
    signInRisk: 'low',
    expect: { kind: 'requireMfa' },
  },
  {
    name: 'low sign-in risk is allowed when mfaAt is medium (Microsoft-style levels)',
    signInRisk: 'low',
    policies: { signInRisk: { mfaAt: 'medium' } },
    expect: { kind: 'allow' },
  },
  { name: 'medium sign-in risk asks for MFA', signInRisk: 'medium', expect: { kind: 'requireMfa' } },
  { name: 'high sign-in risk asks for MFA', signInRisk: 'high', expect: { kind: 'requireMfa' } },
  {
    name: 'MFA already passed satisfies the sign-in risk policy',
    signInRisk: 'high',
    satisfied: { mfa: true },
    expect: { kind: 'allow' },
  },
  {
    name: 'sign-in risk at the block threshold blocks',
    signInRisk: 'high',
    policies: { signInRisk: { blockAt: 'high' } },
    expect: { kind: 'block', reason: 'signInRisk' },
  },
  {
    name: 'sign-in risk policy off ignores risk',
    signInRisk: 'high',
    policies: { signInRisk: { mode: 'off' } },
    expect: { kind: 'allow' },
  },
  {
    name: 'MFA needed without an authenticator blocks',
    signInRisk: 'high',
    user: { hasMfa: false },
    expect: { kind: 'block', reason: 'mfaNotRegistered' },
  },
  {
    name: 'MFA needed without an authenticator, email codes allowed and an address: registration after an email code',
    signInRisk: 'high',
    user: { hasMfa: false, hasEmail: true },
    policies: { unregisteredUsers: 'registerWithEmailCode' },
    expect: { kind: 'requireMfaRegistration', skippableUntil: null, emailCodeFirst: true },
  },
  {
    name: 'MFA needed without an authenticator, email codes allowed but no address: blocks',
    userRisk: 'high',
    user: { hasMfa: false, hasEmail: false },
    policies: { unregisteredUsers: 'registerWithEmailCode' },
    expect: { kind: 'block', reason: 'mfaNotRegistered' },
  },
  {
    name: 'high user risk requires MFA then a password change',
    userRisk: 'high',
    expect: { kind: 'requirePasswordChange', reason: 'userRisk', mfaFirst: true },
  },
  {
    name: 'medium user risk is allowed at the default high threshold',
    userRisk: 'medium',
    expect: { kind: 'allow' },
  },
  {
    name: 'user risk at the block threshold blocks',
    userRisk: 'high',
    policies: { userRisk: { blockAt: 'high' } },
    expect: { kind: 'block', reason: 'userRisk' },
  },
  {
    name: 'password change after MFA satisfies both risk policies',
    userRisk: 'high',
    signInRisk: 'high',
    satisfied: { mfa: true, passwordChanged: true },
    expect: { kind: 'allow' },
  },
  {
    name: 'user risk after MFA asks only for the password change',
    userRisk: 'high',
    satisfied: { mfa: true },
    expect: { kind: 'requirePasswordChange', reason: 'userRisk', mfaFirst: false },
  },
  {
    name: 'the strictest decision wins: password change over MFA',
    userRisk: 'high',
    signInRisk: 'medium',
    expect: { kind: 'requirePasswordChange', reason: 'userRisk', mfaFirst: true },
  },
  {
    name: 'the strictest decision wins: block over password change',
    userRisk: 'high',
    signInRisk: 'high',
    policies: { signInRisk: { blockAt: 'high' } },
    expect: { kind: 'block', reason: 'signInRisk' },
  },
  {
    name: 'a temporary password must be changed, without MFA when nothing is risky',
    user: { mustChangePassword: true },
    expect: { kind: 'requirePasswordChange', reason: 'temporaryPassword', mfaFirst: false },
  },
  {
    name: 'a temporary password on a risky sign-in keeps the MFA step',
    signInRisk: 'high',
    user: { mustChangePassword: true },
    expect: { kind: 'requirePasswordChange', reason: 'temporaryPassword', mfaFirst: true },
  },
  {
    name: 'an admin-required reset needs MFA then a password change',
    user: { passwordResetRequired: true },
    expect: { kind: 'requirePasswordChange', reason: 'adminReset', mfaFirst: true },
  },
  {
    name: 'an admin block applies whatever the policies',
    user: { blocked: true },
    policies: { signInRisk: { mode: 'off' }, userRisk: { mode: 'off' } },
    expect: { kind: 'block', reason: 'admin' },
  },
  { name: 'MFA registration is off by default', user: { hasMfa: false }, expect: { kind: 'allow' } },
  {
    name: 'MFA registration on: first prompt is skippable for the grace period',
    user: { hasMfa: false },
    policies: { mfaRegistration: { mode: 'on' } },
    expect: { kind: 'requireMfaRegistration', skippableUntil: NOW + 14 * DAY },
  },
  {
    name: 'MFA registration on: grace counts from the first prompt',
    user: { hasMfa: false, mfaPromptedAt: NOW - 10 * DAY },
    policies: { mfaRegistration: { mode: 'on' } },
    expect: { kind: 'requireMfaRegistration', skippableUntil: NOW + 4 * DAY },
  },
  {
    name: 'MFA registration on: after the grace period it is mandatory',
    user: { hasMfa: false, mfaPromptedAt: NOW - 15 * DAY },
    policies: { mfaRegistration: { mode: 'on' } },
    expect: { kind: 'requireMfaRegistration', skippableUntil: null },
  },
  {
    name: 'MFA registration with zero grace days is mandatory at once',
    user: { hasMfa: false },
    policies: { mfaRegistration: { mode: 'on', graceDays: 0 } },
    expect: { kind: 'requireMfaRegistration', skippableUntil: null },
  },
  {
    name: 'a skipped registration is satisfied for this sign-in',
    user: { hasMfa: false },
    satisfied: { registrationSkipped: true },
    policies: { mfaRegistration: { mode: 'on' } },
    expect: { kind: 'allow' },
  },
  {
    name: 'registered users are never asked to register',
    policies: { mfaRegistration: { mode: 'on' } },
    expect: { kind: 'allow' },
  },
  {
    name: 'an excluded user is outside the sign-in risk policy',
    signInRisk: 'high',
    policies: { signInRisk: { scope: { excludeUsers: ['alice'] } } },
    expect: { kind: 'allow' },
  },
  {
    name: 'an excluded group wins over an included group',
    signInRisk: 'high',
    user: { groups: ['staff', 'break-glass'] },
    policies: {
      signInRisk: { scope: { includeUsers: [], includeGroups: ['staff'], excludeGroups: ['break-glass'] } },
    },
    expect: { kind: 'allow' },
  },
  {
    name: 'an included group brings the user into scope',
    signInRisk: 'high',
    user: { groups: ['staff'] },
    policies: { signInRisk: { scope: { includeUsers: [], includeGroups: ['staff'] } } },
    expect: { kind: 'requireMfa' },
  },
  {
    name: 'a user in no included group is out of scope',
    signInRisk: 'high',
    policies: { signInRisk: { scope: { includeUsers: ['someone-else'] } } },
    expect: { kind: 'allow' },
  },
  {
    name: 'users can be named by id',
    signInRisk: 'high',
    policies: { signInRisk: { scope: { excludeUsers: ['u1'] } } },
    expect: { kind: 'allow' },
  },
  {
    name: 'report-only records what it would have done and changes nothing',
    signInRisk: 'high',
    userRisk: 'high',
    policies: { signInRisk: { mode: 'reportOnly' }, userRisk: { mode: 'reportOnly' } },
    expect: { kind: 'allow' },
    reportOnly: [
      { policy: 'signInRisk', wouldHave: 'requireMfa' },
      { policy: 'userRisk', wouldHave: 'requirePasswordChange' },
    ],
  },
  {
    name: 'report-only says "block" when the user could not have done MFA',
    signInRisk: 'high',
    user: { hasMfa: false },
    policies: { signInRisk: { mode: 'reportOnly' } },
    expect: { kind: 'allow' },
    reportOnly: [{ policy: 'signInRisk', wouldHave: 'block' }],
  },
];

describe('policy evaluation', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = evaluatePolicies({
        signInRisk: c.signInRisk ?? 'none',
        userRisk: c.userRisk ?? 'none',
        user: { ...baseUser, ...c.user },
        policies: policiesSchema.parse(c.policies ?? {}),
        satisfied: { ...NOTHING_SATISFIED, ...c.satisfied },
        now: NOW,
      });
      expect(result.decision).to.deep.equal(c.expect);
      expect(result.reportOnly).to.deep.equal(c.reportOnly ?? []);
    });
  }

  it('policy documents with unknown fields or bad values are refused', () => {
    expect(policiesSchema.safeParse({ signInRisk: { mfaAt: 'extreme' } }).success).to.equal(false);
    expect(policiesSchema.safeParse({ mfaRegistration: { graceDays: 31 } }).success).to.equal(false);
    expect(policiesSchema.safeParse({ userRisk: { passwordChangeAt: 'high', typo: 1 } }).success).to.equal(
      false,
    );
  });

  it('defaults follow the recommended settings', () => {
    const defaults = policiesSchema.parse({});
    // MFA at low: Riskgate's levels put targeted attackers at low (docs/policies.md, "Why MFA at low").
    expect(defaults.signInRisk).to.include({ mode: 'on', mfaAt: 'low', blockAt: 'off' });
    expect(defaults.userRisk).to.include({ mode: 'on', passwordChangeAt: 'high', blockAt: 'off' });
    expect(defaults.mfaRegistration).to.include({ mode: 'off', graceDays: 14 });
    expect(defaults.unregisteredUsers).to.equal('block');
  });
});
