/** Builds the policy view of a user and evaluates the policies; used at sign-in and after each flow. */
import type { DirectoryUser } from '../domain/identity.js';
import { hasMfa } from '../domain/identity.js';
import type { RiskLevel } from '../domain/risk.js';
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

/**
 * User risk as the user risk policy sees it during one sign-in: every active detection except this
 * sign-in's own sign-in detections, which the sign-in risk policy handles (MFA remediates them). If
 * they are not remediated they stay active and count toward user risk from the next sign-in on.
 */
export async function userRiskForSignIn(store: Store, userId: string, signInId: string): Promise<RiskLevel> {
  const active = await store.detections.activeDetections(userId);
  return userRisk(active.filter((d) => !(d.signInId === signInId && d.scope === 'signIn')));
}

export async function decide(
  store: Store,
  policies: Policies,
  input: DecisionInput,
): Promise<Evaluation & { userRisk: RiskLevel; policyInputs: PolicyInputs }> {
  const { user } = input;
  const identity = await store.identities.getIdentity(user.id);
  const risk = await userRiskForSignIn(store, user.id, input.signInId);
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
