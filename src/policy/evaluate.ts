/**
 * Pure policy evaluation: (risk, user, policies, what is already satisfied, now) -> Decision.
 * Each policy proposes a decision; the strictest wins. Report-only policies are evaluated the same way
 * and recorded, but never change the outcome.
 */
import type { Decision } from '../domain/decision.js';
import { reaches, type RiskLevel } from '../domain/risk.js';
import type { Policies, PolicyMode } from './schema.js';
import { inScope, type PolicySubject } from './scope.js';
import type { ReportOnlyResult } from '../domain/signIn.js';

export interface PolicyUser extends PolicySubject {
  hasMfa: boolean;
  mfaPromptedAt: number | null;
  mustChangePassword: boolean;
  passwordResetRequired: boolean;
  blocked: boolean;
  /** Whether mail can reach the user (for registration after an email code). */
  hasEmail?: boolean;
}

/** Requirements this sign-in already met in a flow (evaluation is re-run after each flow). */
export interface Satisfied {
  mfa: boolean;
  passwordChanged: boolean;
  registrationSkipped: boolean;
}

export const NOTHING_SATISFIED: Satisfied = {
  mfa: false,
  passwordChanged: false,
  registrationSkipped: false,
};

export interface PolicyInput {
  signInRisk: RiskLevel;
  userRisk: RiskLevel;
  user: PolicyUser;
  policies: Policies;
  satisfied: Satisfied;
  now: number;
}

export interface Evaluation {
  decision: Decision;
  reportOnly: ReportOnlyResult[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

// Higher is stricter. A password change after MFA also satisfies a sign-in MFA requirement.
function strictness(decision: Decision): number {
  switch (decision.kind) {
    case 'allow':
      return 0;
    case 'requireMfaRegistration':
      return 1;
    case 'requireMfa':
      return 2;
    case 'requirePasswordChange':
      return decision.mfaFirst ? 4 : 3;
    case 'block':
      return 5;
  }
}

/** The strictest wins, but a password change combined with an MFA requirement keeps the MFA step. */
function combine(a: Decision, b: Decision): Decision {
  const winner = strictness(b) > strictness(a) ? b : a;
  const other = winner === a ? b : a;
  if (winner.kind === 'requirePasswordChange' && !winner.mfaFirst && other.kind === 'requireMfa') {
    return { ...winner, mfaFirst: true };
  }
  return winner;
}

const ALLOW: Decision = { kind: 'allow' };

function signInRiskDecision(input: PolicyInput): Decision {
  const { signInRisk, policies, satisfied } = input;
  const policy = policies.signInRisk;
  if (reaches(signInRisk, policy.blockAt)) return { kind: 'block', reason: 'signInRisk' };
  if (reaches(signInRisk, policy.mfaAt) && !satisfied.mfa) return { kind: 'requireMfa' };
  return ALLOW;
}

function userRiskDecision(input: PolicyInput): Decision {
  const { userRisk, policies, satisfied } = input;
  const policy = policies.userRisk;
  if (reaches(userRisk, policy.blockAt)) return { kind: 'block', reason: 'userRisk' };
  if (reaches(userRisk, policy.passwordChangeAt) && !satisfied.passwordChanged) {
    return { kind: 'requirePasswordChange', reason: 'userRisk', mfaFirst: !satisfied.mfa };
  }
  return ALLOW;
}

function mfaRegistrationDecision(input: PolicyInput): Decision {
  const { user, policies, now, satisfied } = input;
  if (user.hasMfa || satisfied.registrationSkipped) return ALLOW;
  const promptedAt = user.mfaPromptedAt ?? now;
  const deadline = promptedAt + policies.mfaRegistration.graceDays * DAY_MS;
  return { kind: 'requireMfaRegistration', skippableUntil: now < deadline ? deadline : null };
}

/** Admin-set requirements are not policies: they apply whatever the policy modes are. */
function adminDecision(input: PolicyInput): Decision {
  const { user, satisfied } = input;
  if (user.blocked) return { kind: 'block', reason: 'admin' };
  if (satisfied.passwordChanged) return ALLOW;
  if (user.passwordResetRequired)
    return { kind: 'requirePasswordChange', reason: 'adminReset', mfaFirst: !satisfied.mfa };
  if (user.mustChangePassword)
    return { kind: 'requirePasswordChange', reason: 'temporaryPassword', mfaFirst: false };
  return ALLOW;
}

/**
 * MFA cannot be asked of a user without an authenticator: block, per the unregistered-users rule, or
 * (when policies allow it and mail reaches the user) registration that starts with an email code.
 */
function withoutUnregisteredMfa(decision: Decision, input: PolicyInput): Decision {
  const { user, policies } = input;
  const needsMfa =
    decision.kind === 'requireMfa' || (decision.kind === 'requirePasswordChange' && decision.mfaFirst);
  if (!needsMfa || user.hasMfa) return decision;
  if (policies.unregisteredUsers === 'registerWithEmailCode' && user.hasEmail)
    return { kind: 'requireMfaRegistration', skippableUntil: null, emailCodeFirst: true };
  return { kind: 'block', reason: 'mfaNotRegistered' };
}

type PolicyName = ReportOnlyResult['policy'];
const POLICY_RULES: [PolicyName, (input: PolicyInput) => Decision][] = [
  ['signInRisk', signInRiskDecision],
  ['userRisk', userRiskDecision],
  ['mfaRegistration', mfaRegistrationDecision],
];

export function evaluatePolicies(input: PolicyInput): Evaluation {
  let decision = adminDecision(input);
  const reportOnly: ReportOnlyResult[] = [];
  for (const [name, rule] of POLICY_RULES) {
    const policy = input.policies[name];
    const mode: PolicyMode = policy.mode;
    if (mode === 'off' || !inScope(policy.scope, input.user)) continue;
    const proposed = rule(input);
    if (mode === 'on') decision = combine(decision, proposed);
    else if (proposed.kind !== 'allow') {
      reportOnly.push({ policy: name, wouldHave: withoutUnregisteredMfa(proposed, input).kind });
    }
  }
  return { decision: withoutUnregisteredMfa(decision, input), reportOnly };
}
