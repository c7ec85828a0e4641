/**
 * The impact preview's arithmetic, pure: stored sign-ins go in one user at a time (the store hands
 * them out ordered by user, then time), each is evaluated under the current and the proposed
 * policies, and only counts, the user being replayed and a few examples are kept, so memory does not
 * grow with history.
 */
import type { Decision } from '../../domain/decision.js';
import type { PolicyInputs, SignInRecord } from '../../domain/signIn.js';
import type { RiskLevel } from '../../domain/risk.js';
import { evaluatePolicies, NOTHING_SATISFIED } from '../evaluate.js';
import type { Policies } from '../schema.js';
import { POLICY_NAMES, type PolicyName } from './edit.js';

export const OUTCOMES = [
  'allow',
  'requireMfa',
  'requirePasswordChange',
  'requireMfaRegistration',
  'block',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Count {
  signIns: number;
  users: number;
}

export interface PreviewSide {
  /** Enforced decisions: what users would have been asked to do. */
  outcomes: Record<Outcome, Count>;
  /** Sign-ins where a report-only policy would have acted (changes nothing for the user). */
  reportOnly: Record<PolicyName, Count>;
}

export interface PreviewExample {
  signInId: string;
  userId: string;
  username: string;
  at: number;
  ip: string;
  city: string | null;
  country: string | null;
  signInRisk: RiskLevel;
  userRisk: RiskLevel;
  current: string;
  proposed: string;
}

export interface ReplayTotals {
  signIns: number;
  users: number;
  /** Sign-ins recorded before Riskgate kept what the policies saw: replayed with the user as now. */
  approximated: number;
  /** Sign-ins, and distinct users, whose decision differs between the current and proposed policies. */
  changed: Count;
  current: PreviewSide;
  proposed: PreviewSide;
  examples: PreviewExample[];
}

/** Kept per kind of change (e.g. requireMfa -> block), the most recent ones. */
const EXAMPLES_PER_CHANGE = 3;

const zero = (): Count => ({ signIns: 0, users: 0 });
const emptySide = (): PreviewSide => ({
  outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, zero()])) as Record<Outcome, Count>,
  reportOnly: Object.fromEntries(POLICY_NAMES.map((p) => [p, zero()])) as Record<PolicyName, Count>,
});

/** "block (signInRisk)": the decision with what an admin needs to tell two of a kind apart. */
export function describeDecision(decision: Decision): string {
  switch (decision.kind) {
    case 'block':
    case 'requirePasswordChange':
      return `${decision.kind} (${decision.reason})`;
    case 'requireMfaRegistration':
      return `${decision.kind} (${decision.skippableUntil === null ? 'no more skipping' : 'skippable'})`;
    case 'allow':
    case 'requireMfa':
      return decision.kind;
  }
}

/** One policy set's view of the user being replayed. */
class SideReplay {
  readonly side = emptySide();
  private outcomesSeen = new Set<Outcome>();
  private reportOnlySeen = new Set<PolicyName>();
  /** When this policy set would first have prompted the user to register MFA, if the store has no date. */
  private promptedAt: number | null = null;

  constructor(private readonly policies: Policies) {}

  evaluate(record: SignInRecord, inputs: PolicyInputs): Decision {
    const at = record.context.at;
    const mfaPromptedAt = inputs.mfaPromptedAt ?? this.promptedAt;
    const { decision, reportOnly } = evaluatePolicies({
      signInRisk: record.riskLevel,
      userRisk: record.userRiskLevel,
      user: { userId: record.userId!, username: record.username, ...inputs, mfaPromptedAt },
      policies: this.policies,
      satisfied: NOTHING_SATISFIED,
      now: at,
    });
    // The registration flow records its first prompt; a replayed grace period starts the same way.
    if (mfaPromptedAt === null && decision.kind === 'requireMfaRegistration') this.promptedAt = at;
    this.side.outcomes[decision.kind].signIns++;
    this.outcomesSeen.add(decision.kind);
    // The evaluator lists a report-only policy only when it would have done something.
    for (const result of reportOnly) {
      this.side.reportOnly[result.policy].signIns++;
      this.reportOnlySeen.add(result.policy);
    }
    return decision;
  }

  endUser(): void {
    for (const outcome of this.outcomesSeen) this.side.outcomes[outcome].users++;
    for (const policy of this.reportOnlySeen) this.side.reportOnly[policy].users++;
    this.outcomesSeen = new Set();
    this.reportOnlySeen = new Set();
    this.promptedAt = null;
  }
}

export class ImpactReplay {
  private readonly current: SideReplay;
  private readonly proposed: SideReplay;
  private readonly totals = { signIns: 0, users: 0, approximated: 0, changed: zero() };
  private readonly examples = new Map<string, PreviewExample[]>();
  private user: string | null = null;
  private userChanged = false;

  constructor(current: Policies, proposed: Policies) {
    this.current = new SideReplay(current);
    this.proposed = new SideReplay(proposed);
  }

  /** `inputs` is the record's own policyInputs, or (approximated) the user's present state. */
  add(record: SignInRecord, inputs: PolicyInputs, approximated: boolean): void {
    if (record.userId !== this.user) {
      this.endUser();
      this.user = record.userId;
      this.totals.users++;
    }
    this.totals.signIns++;
    if (approximated) this.totals.approximated++;
    const before = describeDecision(this.current.evaluate(record, inputs));
    const after = describeDecision(this.proposed.evaluate(record, inputs));
    if (before === after) return;
    this.totals.changed.signIns++;
    this.userChanged = true;
    this.keepExample(record, before, after);
  }

  finish(): ReplayTotals {
    this.endUser();
    const examples = [...this.examples.values()].flat().sort((a, b) => b.at - a.at);
    return { ...this.totals, current: this.current.side, proposed: this.proposed.side, examples };
  }

  private endUser(): void {
    if (this.user === null) return;
    this.current.endUser();
    this.proposed.endUser();
    if (this.userChanged) this.totals.changed.users++;
    this.userChanged = false;
  }

  private keepExample(record: SignInRecord, current: string, proposed: string): void {
    const key = `${current} -> ${proposed}`;
    const kept = this.examples.get(key) ?? [];
    const { context } = record;
    kept.push({
      signInId: record.id,
      userId: record.userId!,
      username: record.username,
      at: context.at,
      ip: context.ip,
      city: context.geo.city,
      country: context.geo.country,
      signInRisk: record.riskLevel,
      userRisk: record.userRiskLevel,
      current,
      proposed,
    });
    kept.sort((a, b) => b.at - a.at);
    this.examples.set(key, kept.slice(0, EXAMPLES_PER_CHANGE));
  }
}
