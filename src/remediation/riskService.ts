/**
 * Every change of risk goes through here so detections, user risk level and risk states agree:
 * new detections raise user risk; MFA on a risky sign-in remediates that sign-in; a secure password
 * change remediates the user; "This wasn't me" confirms the sign-in compromised and raises user risk.
 */
import type { Detection, DetectionDraft, RiskLevel } from '../domain/risk.js';
import type { Identity } from '../domain/identity.js';
import type { Store } from '../storage/types.js';
import { userRisk } from '../risk/assess.js';
import { userReportedSuspicious } from '../risk/detectors/userReportedSuspicious.js';
import { learnFromSignIn } from '../risk/learn.js';
import { adminConfirmedCompromised } from '../risk/detectors/adminConfirmedCompromised.js';

export class RiskService {
  constructor(private readonly store: Store) {}

  /** Recomputes the user's risk level from active detections and stores it. */
  async recomputeUserRisk(userId: string, now: number): Promise<RiskLevel> {
    const [active, identity] = await Promise.all([
      this.store.detections.activeDetections(userId),
      this.store.identities.getIdentity(userId),
    ]);
    return this.storeUserRisk(identity, userRisk(active), now);
  }

  /** Writes the level (and the risk state it implies) only when it changed. */
  private async storeUserRisk(identity: Identity, level: RiskLevel, now: number): Promise<RiskLevel> {
    const riskState =
      level !== 'none' ? 'atRisk' : identity.riskState === 'atRisk' ? 'remediated' : identity.riskState;
    if (identity.riskLevel !== level || identity.riskState !== riskState) {
      await this.store.identities.updateIdentity(identity.userId, { riskLevel: level, riskState }, now);
    }
    return level;
  }

  async addDetections(
    userId: string,
    signInId: string | null,
    drafts: DetectionDraft[],
    now: number,
  ): Promise<RiskLevel> {
    if (drafts.length > 0) await this.store.detections.addDetections(userId, signInId, drafts, now);
    return this.recomputeUserRisk(userId, now);
  }

  /**
   * addDetections for a caller that has just read the identity and the active detections (the
   * sign-in pipeline): the same writes, without reading them again.
   */
  async addDetectionsKnowing(
    known: { identity: Identity; active: readonly Pick<Detection, 'level'>[] },
    signInId: string,
    drafts: DetectionDraft[],
    now: number,
  ): Promise<RiskLevel> {
    const { identity } = known;
    if (drafts.length > 0) await this.store.detections.addDetections(identity.userId, signInId, drafts, now);
    return this.storeUserRisk(identity, userRisk([...known.active, ...drafts]), now);
  }

  /** MFA passed on a risky sign-in: its detections are remediated (they cannot be reactivated). */
  async remediateSignIn(userId: string, signInId: string, now: number): Promise<void> {
    const signIn = await this.store.signIns.getSignIn(signInId);
    if (signIn && signIn.riskLevel !== 'none')
      await this.store.signIns.updateSignInRiskState(signInId, 'remediated', now);
    await this.store.detections.closeDetections({ userId, signInId }, 'remediated', now);
    await this.recomputeUserRisk(userId, now);
  }

  /** Secure password change: closes every active detection and brings the identity back to safe. */
  async remediateUser(userId: string, now: number): Promise<void> {
    await this.store.detections.closeDetections({ userId }, 'remediated', now);
    const identity = await this.store.identities.getIdentity(userId);
    const wasRisky = identity.riskLevel !== 'none' || identity.riskState === 'atRisk';
    await this.store.identities.updateIdentity(
      userId,
      { riskLevel: 'none', riskState: wasRisky ? 'remediated' : identity.riskState },
      now,
    );
  }

  /**
   * Admin feedback "confirm sign-in safe" (reference 000): the sign-in's detections were false
   * positives; its properties become familiar, so the model learns from the feedback.
   */
  async confirmSignInSafe(signInId: string, now: number): Promise<void> {
    const signIn = await this.store.signIns.getSignIn(signInId);
    if (!signIn?.userId) throw new Error(`no sign-in ${signInId} of a known user`);
    await this.store.detections.closeDetections({ userId: signIn.userId, signInId }, 'falsePositive', now);
    await this.store.signIns.updateSignInRiskState(signInId, 'confirmedSafe', now);
    await learnFromSignIn(this.store, signIn.userId, signIn.context, now);
    await this.recomputeUserRisk(signIn.userId, now);
  }

  /**
   * Admin feedback "confirm sign-in compromised": user risk goes to high (an adminConfirmedCompromised
   * detection) and the identity is confirmed compromised. Nothing is learned from the sign-in.
   */
  async confirmSignInCompromised(signInId: string, now: number): Promise<void> {
    const signIn = await this.store.signIns.getSignIn(signInId);
    if (!signIn?.userId) throw new Error(`no sign-in ${signInId} of a known user`);
    await this.store.signIns.updateSignInRiskState(signInId, 'confirmedCompromised', now);
    await this.addDetections(signIn.userId, signInId, [adminConfirmedCompromised(signInId)], now);
    await this.store.identities.updateIdentity(signIn.userId, { riskState: 'confirmedCompromised' }, now);
  }

  /** The user says a sign-in was not theirs. */
  async reportNotMe(userId: string, signInId: string, now: number): Promise<void> {
    await this.store.signIns.updateSignInRiskState(signInId, 'confirmedCompromised', now);
    await this.store.signIns.updateSignInOutcome(signInId, 'reportedNotMe', now);
    await this.addDetections(userId, signInId, [userReportedSuspicious(signInId)], now);
  }
}
