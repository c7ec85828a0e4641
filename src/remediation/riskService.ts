/**
 * Every change of risk goes through here so detections, user risk level and risk states agree, and
 * so every change of level or state lands in the user's risk history with its cause: new detections
 * raise user risk; MFA on a risky sign-in remediates that sign-in; a secure password change remediates
 * the user; "This wasn't me" confirms the sign-in compromised and raises user risk; admin feedback and
 * actions (confirm, dismiss, close, reactivate) carry the admin who took them.
 */
import type { ClosedBy, Detection, DetectionDraft, RiskLevel, RiskState } from '../domain/risk.js';
import type { Identity } from '../domain/identity.js';
import type { RiskWrite, Store } from '../storage/types.js';
import type { ActorRef, RiskCause } from '../storage/adminTypes.js';
import { userRisk } from '../risk/assess.js';
import { userReportedSuspicious } from '../risk/detectors/userReportedSuspicious.js';
import { learnFromSignIn } from '../risk/learn.js';
import { adminConfirmedCompromised } from '../risk/detectors/adminConfirmedCompromised.js';

/** Application code calling the public `remediation` API directly (no admin signed in). */
export const APP_ACTOR: ActorRef = { kind: 'app', id: 'app', name: 'application' };

/** A user's risk level or state changed (stored already). */
export interface RiskChange {
  userId: string;
  before: { riskLevel: RiskLevel; riskState: RiskState };
  after: { riskLevel: RiskLevel; riskState: RiskState };
  at: number;
}

/** Observers (notifications) are awaited, so they must handle their own failures. */
export type RiskChangeListener = (change: RiskChange) => void | Promise<void>;

const adminCause = (action: string, actor: ActorRef): RiskCause => ({ kind: 'admin', action, actor });

/** The state a user is left in when its last active detection closes, by how it closed. */
const CLEARED_STATE: Record<ClosedBy, RiskState> = {
  remediated: 'remediated',
  resolved: 'remediated',
  system: 'remediated',
  falsePositive: 'confirmedSafe',
  ignored: 'dismissed',
  dismissed: 'dismissed',
};

/** The level and state a user takes from the level of their active detections. */
function riskFrom(level: RiskLevel, cleared: RiskState) {
  return ({ state }: { state: RiskState }): { level: RiskLevel; state: RiskState } => {
    if (level !== 'none') return { level, state: state === 'confirmedCompromised' ? state : 'atRisk' };
    const wasRisky = state === 'atRisk' || state === 'confirmedCompromised';
    return { level, state: wasRisky ? cleared : state };
  };
}

export class RiskService {
  private readonly listeners: RiskChangeListener[] = [];

  constructor(private readonly store: Store) {}

  onRiskChange(listener: RiskChangeListener): void {
    this.listeners.push(listener);
  }

  /**
   * The one place a user's level or state changes: what to store and record for `next`, or null when
   * the level and state stay (nothing is written then).
   */
  private planChange(
    identity: Identity,
    next: (current: { level: RiskLevel; state: RiskState }) => { level: RiskLevel; state: RiskState },
    cause: RiskCause,
    now: number,
  ): { level: RiskLevel; change: RiskWrite['change'] } {
    const from = { level: identity.riskLevel, state: identity.riskState };
    const to = next(from);
    if (to.level === from.level && to.state === from.state) return { level: to.level, change: null };
    const patch = { riskLevel: to.level, riskState: to.state };
    return {
      level: to.level,
      change: { patch, history: { userId: identity.userId, at: now, from, to, cause } },
    };
  }

  /** Tells the listeners (notifications) of a change already stored. */
  async announce(change: RiskWrite['change']): Promise<void> {
    if (!change) return;
    const { userId, at, from, to } = change.history;
    const event: RiskChange = {
      userId,
      before: { riskLevel: from.level, riskState: from.state },
      after: { riskLevel: to.level, riskState: to.state },
      at,
    };
    for (const listener of this.listeners) await listener(event);
  }

  /** Stores a change of level or state, records it in the history, and announces it. */
  private async setUserRisk(
    userId: string,
    next: (current: { level: RiskLevel; state: RiskState }) => { level: RiskLevel; state: RiskState },
    cause: RiskCause,
    now: number,
    known?: Identity,
  ): Promise<RiskLevel> {
    const identity = known ?? (await this.store.identities.getIdentity(userId));
    const { level, change } = this.planChange(identity, next, cause, now);
    if (!change) return level;
    await this.store.identities.updateIdentity(userId, change.patch, now);
    await this.store.riskHistory.appendRiskHistory(change.history);
    await this.announce(change);
    return level;
  }

  /**
   * Recomputes the user's risk level from active detections and stores it. While risky, a confirmed
   * compromise stays confirmed; once nothing is active, an at-risk user takes the state `cleared`.
   */
  async recomputeUserRisk(
    userId: string,
    now: number,
    cause: RiskCause = { kind: 'system', job: 'recompute' },
    cleared: RiskState = 'remediated',
  ): Promise<RiskLevel> {
    const [active, identity] = await Promise.all([
      this.store.detections.activeDetections(userId),
      this.store.identities.getIdentity(userId),
    ]);
    return this.setUserRisk(userId, riskFrom(userRisk(active), cleared), cause, now, identity);
  }

  async addDetections(
    userId: string,
    signInId: string | null,
    drafts: DetectionDraft[],
    now: number,
    cause: RiskCause = { kind: 'detection', types: [...new Set(drafts.map((d) => d.type))] },
  ): Promise<RiskLevel> {
    if (drafts.length > 0) await this.store.detections.addDetections(userId, signInId, drafts, now);
    return this.recomputeUserRisk(userId, now, cause);
  }

  /**
   * What a sign-in's detections write, for a caller that has just read the identity and the active
   * detections (the sign-in pipeline, which stores it with the sign-in in one write and then calls
   * announce): the same as addDetections, planned, not written. Null when there is nothing to write.
   */
  planDetections(
    known: { identity: Identity; active: readonly Pick<Detection, 'level'>[] },
    signInId: string,
    drafts: DetectionDraft[],
    now: number,
  ): RiskWrite | null {
    const { identity } = known;
    const level = userRisk([...known.active, ...drafts]);
    const cause: RiskCause = { kind: 'detection', types: [...new Set(drafts.map((d) => d.type))] };
    const { change } = this.planChange(identity, riskFrom(level, 'remediated'), cause, now);
    if (drafts.length === 0 && !change) return null;
    return { userId: identity.userId, signInId, drafts, change };
  }

  /** MFA passed on a risky sign-in: its detections are remediated (they cannot be reactivated). */
  async remediateSignIn(userId: string, signInId: string, now: number): Promise<void> {
    const signIn = await this.store.signIns.getSignIn(signInId);
    if (signIn && signIn.riskLevel !== 'none')
      await this.store.signIns.updateSignInRiskState(signInId, 'remediated', now);
    await this.store.detections.closeDetections({ userId, signInId }, 'remediated', now);
    await this.recomputeUserRisk(userId, now, { kind: 'selfRemediation', how: 'mfa' });
  }

  /**
   * Secure password change (the user's own, or an admin's temporary password): closes every active
   * detection and brings the identity back to safe.
   */
  async remediateUser(
    userId: string,
    now: number,
    cause: RiskCause = { kind: 'selfRemediation', how: 'passwordChange' },
  ): Promise<void> {
    await this.store.detections.closeDetections({ userId }, 'remediated', now);
    await this.setUserRisk(
      userId,
      ({ level, state }) => ({
        level: 'none',
        state:
          level !== 'none' || state === 'atRisk' || state === 'confirmedCompromised' ? 'remediated' : state,
      }),
      cause,
      now,
    );
  }

  /**
   * "Dismiss user risk" (reference 000): every active detection closes as dismissed (final) and the
   * user is no longer at risk, without touching the password, so the identity is not made safe.
   * Returns how many detections closed.
   */
  async dismissUserRisk(userId: string, actor: ActorRef, now: number): Promise<number> {
    const closed = await this.store.detections.closeDetections({ userId }, 'dismissed', now);
    await this.setUserRisk(
      userId,
      () => ({ level: 'none', state: 'dismissed' }),
      adminCause('dismissUserRisk', actor),
      now,
    );
    return closed;
  }

  /** "Confirm user compromised": user risk high (an adminConfirmedCompromised detection), state confirmed. */
  async confirmUserCompromised(userId: string, actor: ActorRef, now: number): Promise<void> {
    const cause = adminCause('confirmUserCompromised', actor);
    await this.addDetections(userId, null, [adminConfirmedCompromised(null)], now, cause);
    await this.setUserRisk(userId, ({ level }) => ({ level, state: 'confirmedCompromised' }), cause, now);
  }

  /** An admin closed or reactivated one detection: the user's risk follows, caused by that admin. */
  async detectionChanged(
    userId: string,
    action: string,
    actor: ActorRef,
    closedBy: ClosedBy | null,
    now: number,
  ): Promise<RiskLevel> {
    return this.recomputeUserRisk(
      userId,
      now,
      adminCause(action, actor),
      CLEARED_STATE[closedBy ?? 'resolved'],
    );
  }

  /**
   * Admin feedback "confirm sign-in safe" (reference 000): the sign-in's detections were false
   * positives; its properties become familiar, so the model learns from the feedback.
   */
  async confirmSignInSafe(signInId: string, now: number, actor: ActorRef = APP_ACTOR): Promise<void> {
    const signIn = await this.store.signIns.getSignIn(signInId);
    if (!signIn?.userId) throw new Error(`no sign-in ${signInId} of a known user`);
    await this.store.detections.closeDetections({ userId: signIn.userId, signInId }, 'falsePositive', now);
    await this.store.signIns.updateSignInRiskState(signInId, 'confirmedSafe', now);
    await learnFromSignIn(this.store, signIn.userId, signIn.context, now);
    await this.recomputeUserRisk(signIn.userId, now, adminCause('confirmSignInSafe', actor), 'confirmedSafe');
  }

  /**
   * Admin feedback "confirm sign-in compromised": user risk goes to high (an adminConfirmedCompromised
   * detection) and the identity is confirmed compromised. Nothing is learned from the sign-in.
   */
  async confirmSignInCompromised(signInId: string, now: number, actor: ActorRef = APP_ACTOR): Promise<void> {
    const signIn = await this.store.signIns.getSignIn(signInId);
    if (!signIn?.userId) throw new Error(`no sign-in ${signInId} of a known user`);
    const cause = adminCause('confirmSignInCompromised', actor);
    await this.store.signIns.updateSignInRiskState(signInId, 'confirmedCompromised', now);
    await this.addDetections(signIn.userId, signInId, [adminConfirmedCompromised(signInId)], now, cause);
    await this.setUserRisk(
      signIn.userId,
      ({ level }) => ({ level, state: 'confirmedCompromised' }),
      cause,
      now,
    );
  }

  /** The user says a sign-in was not theirs. */
  async reportNotMe(userId: string, signInId: string, now: number): Promise<void> {
    await this.store.signIns.updateSignInRiskState(signInId, 'confirmedCompromised', now);
    await this.store.signIns.updateSignInOutcome(signInId, 'reportedNotMe', now);
    await this.addDetections(userId, signInId, [userReportedSuspicious(signInId)], now, {
      kind: 'user',
      action: 'reportedNotMe',
    });
  }
}
