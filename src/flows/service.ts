/**
 * Starts the flow a Decision calls for, advances flows by their transition tables (compare-and-set on
 * the version, so stale or replayed posts change nothing), and when a flow is done re-evaluates the
 * policies with what has been satisfied: either the sign-in completes or the next flow starts.
 */
import { randomUUID } from 'node:crypto';
import type { Decision } from '../domain/decision.js';
import { assertNever } from '../domain/decision.js';
import type { FlowKind, FlowRecord } from '../domain/flow.js';
import type { DirectoryUser } from '../domain/identity.js';
import type { DetectionDraft, RiskLevel } from '../domain/risk.js';
import type { Store } from '../storage/types.js';
import type { SignInContext } from '../domain/signIn.js';
import type { Policies } from '../policy/schema.js';
import type { Satisfied } from '../policy/evaluate.js';
import { decide } from '../signin/decide.js';
import { learnFromSignIn } from '../risk/learn.js';
import { FLOW_MACHINES } from './index.js';
import { nextState, DONE, type FlowEvent, type StepName } from './machine.js';
import { flowData, type FlowData } from './flowData.js';

export interface FlowStart {
  user: DirectoryUser;
  signInId: string;
  signInRisk: RiskLevel;
  returnTo: string;
  satisfied: Satisfied;
  reasons: string[];
  /**
   * Set by the sign-in route (and the engine API): the pipeline has just stored this sign-in with
   * this context and these detections, and `learned` it when it was allowed at once (one write).
   * Completing an allowed one then needs no read, no update and no learning.
   */
  recorded?: {
    context: SignInContext;
    drafts: readonly DetectionDraft[];
    learned: boolean;
  };
}

export type FlowOutcome =
  { kind: 'signedIn'; user: DirectoryUser; returnTo: string } | { kind: 'flow'; flow: FlowRecord };

export type FlowOutcomeName = 'completed' | 'mfaFailed' | 'reportedNotMe' | 'expired' | 'blocked';

/** A sign-in got in; `recorded` when it was allowed at once (its context and detections are known). */
export interface SignedInEvent {
  userId: string;
  signInId: string;
  mfaPassed: boolean;
  recorded?: { context: SignInContext; drafts: readonly DetectionDraft[] };
}

export interface FlowServiceDeps {
  /** Told of each sign-in that got in (allowed, or after MFA): unfamiliar sign-in mails. */
  onSignedIn?: (event: SignedInEvent) => void;
  /** Told how each flow ended (metrics). */
  onOutcome?: (kind: FlowKind, outcome: FlowOutcomeName) => void;
  store: Store;
  policies: () => Promise<Policies>;
  flowTtlMs: number;
  now: () => number;
}

export class FlowService {
  constructor(private readonly deps: FlowServiceDeps) {}

  /** Maps a Decision to the flow that satisfies it (exhaustive). */
  private flowFor(
    decision: Exclude<Decision, { kind: 'allow' }>,
    start: FlowStart,
  ): { kind: FlowKind; extra: Partial<FlowData>; initial?: StepName } {
    switch (decision.kind) {
      case 'requireMfa':
        return { kind: 'riskySignIn', extra: { reasons: start.reasons } };
      case 'requirePasswordChange':
        if (decision.reason === 'temporaryPassword' && !decision.mfaFirst) {
          return { kind: 'temporaryPassword', extra: { passwordReason: decision.reason } };
        }
        return { kind: 'compromisedAccount', extra: { passwordReason: decision.reason } };
      case 'requireMfaRegistration':
        if (decision.emailCodeFirst)
          return {
            kind: 'mfaRegistration',
            extra: { skippableUntil: null, emailCode: true },
            initial: 'email-code',
          };
        return { kind: 'mfaRegistration', extra: { skippableUntil: decision.skippableUntil } };
      case 'block':
        return { kind: 'blocked', extra: { blockReason: decision.reason } };
      default:
        return assertNever(decision);
    }
  }

  /** Completes the sign-in or starts the flow for a non-allow decision. */
  async resolve(decision: Decision, start: FlowStart): Promise<FlowOutcome> {
    const { store } = this.deps;
    const now = this.deps.now();
    if (decision.kind === 'allow') {
      await this.completeSignIn(start, now);
      return { kind: 'signedIn', user: start.user, returnTo: start.returnTo };
    }
    const { kind, extra, initial } = this.flowFor(decision, start);
    if (kind === 'mfaRegistration') {
      const identity = await store.identities.getIdentity(start.user.id);
      if (identity.mfaPromptedAt === null)
        await store.identities.updateIdentity(start.user.id, { mfaPromptedAt: now }, now);
    }
    const data: FlowData = {
      returnTo: start.returnTo,
      signInRisk: start.signInRisk,
      satisfied: start.satisfied,
      ...extra,
    };
    const flow: FlowRecord = {
      id: randomUUID(),
      kind,
      userId: start.user.id,
      signInId: start.signInId,
      state: initial ?? FLOW_MACHINES[kind].initial,
      version: 1,
      data: data as unknown as Record<string, unknown>,
      attempts: 0,
      createdAt: now,
      expiresAt: now + this.deps.flowTtlMs,
    };
    await store.flows.createFlow(flow);
    if (kind === 'blocked') {
      await store.signIns.updateSignInOutcome(start.signInId, 'blocked', now);
      this.deps.onOutcome?.('blocked', 'blocked');
    }
    return { kind: 'flow', flow };
  }

  /** A live flow, or "expired" (then removed), or null when there is none. */
  async load(flowId: string | undefined): Promise<FlowRecord | 'expired' | null> {
    if (!flowId) return null;
    const flow = await this.deps.store.flows.getFlow(flowId);
    // A reset link's record is keyed by the link, never by a session: it is not a sign-in flow.
    if (!flow || flow.kind === 'passwordReset') return 'expired';
    if (flow.expiresAt <= this.deps.now()) {
      await this.deps.store.flows.deleteFlow(flow.id);
      if (flow.kind !== 'blocked') {
        await this.deps.store.signIns.updateSignInOutcome(flow.signInId, 'abandoned', this.deps.now());
        this.deps.onOutcome?.(flow.kind, 'expired');
      }
      return 'expired';
    }
    return flow;
  }

  /**
   * Applies an event. Returns the new step, DONE, or null when the flow moved on meanwhile (a stale or
   * parallel post): the caller then just shows the current step.
   */
  async advance(
    flow: FlowRecord,
    event: FlowEvent,
    patch: Partial<FlowData> = {},
  ): Promise<StepName | typeof DONE | null> {
    const target = nextState(FLOW_MACHINES[flow.kind], flow.state, event);
    const data = { ...flow.data, ...patch };
    const moved = await this.deps.store.flows.transitionFlow(flow.id, flow.version, {
      state: target === DONE ? 'done' : target,
      data,
    });
    if (!moved) return null;
    flow.data = data;
    if (target === 'locked') this.deps.onOutcome?.(flow.kind, 'mfaFailed');
    if (target === 'reported') this.deps.onOutcome?.(flow.kind, 'reportedNotMe');
    return target;
  }

  /** The flow reached "done": re-evaluate with what is now satisfied. */
  async finish(flow: FlowRecord, user: DirectoryUser): Promise<FlowOutcome> {
    const data = flowData(flow);
    await this.deps.store.flows.deleteFlow(flow.id);
    this.deps.onOutcome?.(flow.kind, 'completed');
    const { decision } = await decide(this.deps.store, await this.deps.policies(), {
      user,
      signInId: flow.signInId,
      signInRisk: data.signInRisk,
      satisfied: data.satisfied,
      now: this.deps.now(),
    });
    return this.resolve(decision, {
      user,
      signInId: flow.signInId,
      signInRisk: data.signInRisk,
      returnTo: data.returnTo,
      satisfied: data.satisfied,
      reasons: data.reasons ?? [],
    });
  }

  /** Good sign-ins (allowed, or risk remediated by MFA) teach Riskgate the user's familiar properties. */
  async completeSignIn(
    start: Pick<FlowStart, 'user' | 'signInId' | 'satisfied' | 'recorded'>,
    now: number,
  ): Promise<void> {
    const { store } = this.deps;
    const outcome = start.satisfied.mfa ? 'mfaPassed' : 'allowed';
    if (start.recorded?.learned) {
      // Allowed at once: stored complete and learned in one write. Only an MFA passed on top (an app
      // asking for it anyway, through the engine API) changes its outcome.
      if (outcome !== 'allowed') await store.signIns.updateSignInOutcome(start.signInId, outcome, now);
    } else {
      const signIn = await store.signIns.getSignIn(start.signInId);
      await store.signIns.updateSignInOutcome(start.signInId, outcome, now);
      if (signIn) await learnFromSignIn(store, start.user.id, signIn.context, now);
    }
    this.deps.onSignedIn?.({
      userId: start.user.id,
      signInId: start.signInId,
      mfaPassed: start.satisfied.mfa,
      ...(start.recorded?.learned && outcome === 'allowed'
        ? { recorded: { context: start.recorded.context, drafts: start.recorded.drafts } }
        : {}),
    });
  }
}
