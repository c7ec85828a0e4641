/** Builds the policy view of a user and evaluates the policies; used at sign-in and after each flow. */
import type { DirectoryUser, Identity } from '../domain/identity.js';
import { hasMfa } from '../domain/identity.js';
import type { Detection, RiskLevel } from '../domain/risk.js';
import { evaluatePolicies, type Evaluation, type Satisfied } from '../policy/evaluate.js';
import type { Policies } from '../policy/schema.js';
import type { Store } from '../storage/types.js';
import { userRisk } from '../risk/assess.js';
import type { PolicyInputs } from '../domain/signIn.js';

export interface DecisionInput {
  user: DirectoryUser;
  signInId: string;
  signInRisk: RiskLevel;
  satisfied: Satisfied;
  now: number;
}

export type SignInDecision = Evaluation & { userRisk: RiskLevel; policyInputs: PolicyInputs };

/**
 * User risk as the user risk policy sees it during one sign-in: every active detection except this
 * sign-in's own sign-in detections, which the sign-in risk policy handles (MFA remediates them). If
 * they are not remediated they stay active and count toward user risk from the next sign-in on.
 */
export async function userRiskForSignIn(store: Store, userId: string, signInId: string): Promise<RiskLevel> {
  return userRiskExcludingSignIn(await store.detections.activeDetections(userId), signInId);
}

function userRiskExcludingSignIn(
  active: readonly Pick<Detection, 'level' | 'scope' | 'signInId'>[],
  signInId: string,
): RiskLevel {
  return userRisk(active.filter((d) => !(d.signInId === signInId && d.scope === 'signIn')));
}

export async function decide(
  store: Store,
  policies: Policies,
  input: DecisionInput,
): Promise<SignInDecision> {
  const [identity, active] = await Promise.all([
    store.identities.getIdentity(input.user.id),
    store.detections.activeDetections(input.user.id),
  ]);
  return decideKnowing(policies, input, identity, active);
}

/**
 * The same decision from an identity and active detections the caller already read (the sign-in
 * pipeline reads them once for everything it needs). `active` must include this sign-in's detections.
 */
export function decideKnowing(
  policies: Policies,
  input: DecisionInput,
  identity: Identity,
  active: readonly Pick<Detection, 'level' | 'scope' | 'signInId'>[],
): SignInDecision {
  const { user } = input;
  const risk = userRiskExcludingSignIn(active, input.signInId);
  // Kept on the sign-in so the impact preview replays it with what the policies saw then.
  const policyInputs: PolicyInputs = {
    groups: user.groups ?? [],
    hasMfa: hasMfa(identity),
    mfaPromptedAt: identity.mfaPromptedAt,
    mustChangePassword: identity.mustChangePassword,
    passwordResetRequired: identity.passwordResetRequired,
    blocked: identity.blocked,
  };
  const evaluation = evaluatePolicies({
    signInRisk: input.signInRisk,
    userRisk: risk,
    user: { userId: user.id, username: user.username, ...policyInputs, hasEmail: Boolean(user.email) },
    policies,
    satisfied: input.satisfied,
    now: input.now,
  });
  return { ...evaluation, userRisk: risk, policyInputs };
}
