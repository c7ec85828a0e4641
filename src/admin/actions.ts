/**
 * Every admin action, with the semantics and refusals of the reference docs (000, 001, 003), each
 * recorded in the audit log (who, when, what, why, result; refusals too). Console, API and CLI all call
 * these, so the three behave the same.
 */
import type { AccountNotices } from '../notify/userNotices.js';
import type { DirectoryUser, UserDirectory } from '../domain/identity.js';
import { hasMfa } from '../domain/identity.js';
import { REACTIVATABLE, type ClosedBy } from '../domain/risk.js';
import type { ActorRef } from '../storage/adminTypes.js';
import type { Store } from '../storage/types.js';
import type { RiskService } from '../remediation/riskService.js';
import {
  issueTemporaryPassword,
  RemediationRefused,
  requirePasswordReset,
} from '../remediation/passwordActions.js';
import type { AuditLog } from './audit.js';
import type { AuditInput, PolicyExclusions } from './types.js';

/** An action that cannot be taken, with a stable code for the API and a sentence for people. */
export class ActionRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 409,
  ) {
    super(message);
    this.name = 'ActionRefused';
  }
}

export const MANUAL_CLOSURES = ['resolved', 'falsePositive', 'ignored'] as const;
export type ManualClosure = (typeof MANUAL_CLOSURES)[number];
export const EXCLUDABLE_POLICIES = ['signInRisk', 'userRisk', 'mfaRegistration'] as const;
export type ExcludablePolicy = (typeof EXCLUDABLE_POLICIES)[number];

export interface AdminActionDeps {
  store: Store;
  directory: UserDirectory;
  risk: RiskService;
  audit: AuditLog;
  revokeSessions: (userId: string) => Promise<number>;
  policyExclusions?: PolicyExclusions;
  /** Mails the owner when an admin changes their password or authenticator. */
  notify?: Pick<AccountNotices, 'passwordChanged' | 'mfaChanged'>;
  now: () => number;
}

type Target = AuditInput['target'];
type Outcome<T> = { value: T; detail?: Record<string, unknown> };

export class AdminActions {
  constructor(private readonly deps: AdminActionDeps) {}

  /** Runs `work`, then audits what happened; a refusal is audited as "refused" and rethrown. */
  private async audited<T>(
    actor: ActorRef,
    action: string,
    target: Target,
    reason: string | null,
    work: () => Promise<Outcome<T>>,
  ): Promise<T> {
    let outcome: Outcome<T>;
    try {
      outcome = await work();
    } catch (error) {
      const refused =
        error instanceof ActionRefused
          ? error
          : error instanceof RemediationRefused
            ? new ActionRefused('noAuthenticator', error.message)
            : null;
      await this.deps.audit.record(actor, {
        action,
        target,
        reason,
        result: refused ? 'refused' : 'failed',
        detail: refused ? { code: refused.code, message: refused.message } : { message: 'unexpected error' },
      });
      throw refused ?? error;
    }
    await this.deps.audit.record(actor, { action, target, reason, detail: outcome.detail ?? {} });
    return outcome.value;
  }

  private async user(userId: string): Promise<DirectoryUser> {
    const user = await this.deps.directory.findById(userId);
    if (!user) throw new ActionRefused('notFound', 'There is no user with that id.', 404);
    return user;
  }

  private async userTarget(userId: string): Promise<Target> {
    const user = await this.deps.directory.findById(userId);
    return { type: 'user', id: userId, label: user?.username ?? null };
  }

  private notSelf(actor: ActorRef, userId: string, what: string): void {
    if (actor.kind === 'user' && actor.id === userId)
      throw new ActionRefused('selfAction', `You cannot ${what} your own account: ask another admin.`);
  }

  async confirmUserCompromised(actor: ActorRef, userId: string, reason: string): Promise<void> {
    return this.audited(actor, 'user.confirmCompromised', await this.userTarget(userId), reason, async () => {
      await this.user(userId);
      const identity = await this.deps.store.identities.getIdentity(userId);
      if (identity.riskState === 'confirmedCompromised')
        throw new ActionRefused('alreadyConfirmed', 'This user is already confirmed compromised.');
      await this.deps.risk.confirmUserCompromised(userId, actor, this.deps.now());
      return { value: undefined, detail: { riskLevel: 'high' } };
    });
  }

  /** Closes every active detection (final) without touching the password: works for deleted users too. */
  async dismissUserRisk(actor: ActorRef, userId: string, reason: string): Promise<number> {
    return this.audited(actor, 'user.dismissRisk', await this.userTarget(userId), reason, async () => {
      const identity = await this.deps.store.identities.getIdentity(userId);
      const risky =
        identity.riskLevel !== 'none' ||
        identity.riskState === 'atRisk' ||
        identity.riskState === 'confirmedCompromised';
      if (!risky)
        throw new ActionRefused('notAtRisk', 'This user is not at risk: there is nothing to dismiss.');
      const closed = await this.deps.risk.dismissUserRisk(userId, actor, this.deps.now());
      return { value: closed, detail: { detectionsClosed: closed } };
    });
  }

  private async signInOf(signInId: string) {
    const signIn = await this.deps.store.signIns.getSignIn(signInId);
    if (!signIn) throw new ActionRefused('notFound', 'There is no sign-in with that id.', 404);
    if (!signIn.userId)
      throw new ActionRefused(
        'unknownUser',
        'This sign-in was for an unknown username: there is no user to give feedback on.',
      );
    return signIn;
  }

  async confirmSignInSafe(actor: ActorRef, signInId: string, reason: string): Promise<void> {
    const target = { type: 'signIn', id: signInId };
    return this.audited(actor, 'signIn.confirmSafe', target, reason, async () => {
      const signIn = await this.signInOf(signInId);
      if (signIn.riskState === 'confirmedSafe')
        throw new ActionRefused('alreadyConfirmed', 'This sign-in is already confirmed safe.');
      await this.deps.risk.confirmSignInSafe(signInId, this.deps.now(), actor);
      return { value: undefined, detail: { userId: signIn.userId } };
    });
  }

  async confirmSignInCompromised(actor: ActorRef, signInId: string, reason: string): Promise<void> {
    const target = { type: 'signIn', id: signInId };
    return this.audited(actor, 'signIn.confirmCompromised', target, reason, async () => {
      const signIn = await this.signInOf(signInId);
      if (signIn.riskState === 'confirmedCompromised')
        throw new ActionRefused('alreadyConfirmed', 'This sign-in is already confirmed compromised.');
      await this.deps.risk.confirmSignInCompromised(signInId, this.deps.now(), actor);
      return { value: undefined, detail: { userId: signIn.userId } };
    });
  }

  /** Resolve / false positive / ignore (reference 001): only an active detection can be closed. */
  async closeDetection(
    actor: ActorRef,
    detectionId: string,
    how: ManualClosure,
    reason: string,
  ): Promise<void> {
    const target = { type: 'detection', id: detectionId };
    return this.audited(
      actor,
      `detection.${how === 'resolved' ? 'resolve' : how === 'ignored' ? 'ignore' : 'falsePositive'}`,
      target,
      reason,
      async () => {
        const existing = await this.deps.store.detectionActions.getDetection(detectionId);
        if (!existing) throw new ActionRefused('notFound', 'There is no detection with that id.', 404);
        const now = this.deps.now();
        const closed = await this.deps.store.detectionActions.closeDetection(detectionId, how, now);
        if (!closed) throw new ActionRefused('notActive', 'This detection is already closed.');
        const level = await this.deps.risk.detectionChanged(
          closed.userId,
          `closeDetection:${how}`,
          actor,
          how,
          now,
        );
        return {
          value: undefined,
          detail: { userId: closed.userId, type: closed.type, userRiskLevel: level },
        };
      },
    );
  }

  /** Only manually closed detections come back; remediated and dismissed ones are final (reference 001). */
  async reactivateDetection(actor: ActorRef, detectionId: string, reason: string): Promise<void> {
    const target = { type: 'detection', id: detectionId };
    return this.audited(actor, 'detection.reactivate', target, reason, async () => {
      const existing = await this.deps.store.detectionActions.getDetection(detectionId);
      if (!existing) throw new ActionRefused('notFound', 'There is no detection with that id.', 404);
      if (existing.status === 'active')
        throw new ActionRefused('notClosed', 'This detection is active already.');
      if (!REACTIVATABLE.has(existing.closedBy as ClosedBy))
        throw new ActionRefused(
          'finalClosure',
          `This detection was closed by ${existing.closedBy === 'remediated' ? 'remediation' : 'dismissing the user risk'}, which is final: it cannot be reactivated.`,
        );
      const now = this.deps.now();
      const reactivated = await this.deps.store.detectionActions.reactivateDetection(
        detectionId,
        [...REACTIVATABLE],
        now,
      );
      if (!reactivated)
        throw new ActionRefused('notClosed', 'This detection changed meanwhile: reload and try again.');
      const level = await this.deps.risk.detectionChanged(
        reactivated.userId,
        'reactivateDetection',
        actor,
        null,
        now,
      );
      return {
        value: undefined,
        detail: { userId: reactivated.userId, type: reactivated.type, userRiskLevel: level },
      };
    });
  }

  /** Shown once to the admin; never audited or stored in clear. Remediates the user and ends their sessions. */
  async temporaryPassword(actor: ActorRef, userId: string, reason: string): Promise<string> {
    return this.audited(actor, 'user.temporaryPassword', await this.userTarget(userId), reason, async () => {
      await this.user(userId);
      const password = await issueTemporaryPassword(
        {
          store: this.deps.store,
          directory: this.deps.directory,
          risk: this.deps.risk,
          revokeSessions: this.deps.revokeSessions,
          ...(this.deps.notify ? { notify: this.deps.notify } : {}),
        },
        userId,
        this.deps.now(),
        actor,
      );
      return { value: password, detail: { remediated: true } };
    });
  }

  /** Only for users with MFA, who can prove who they are at the next sign-in (reference 000). */
  async requirePasswordReset(actor: ActorRef, userId: string, reason: string): Promise<void> {
    return this.audited(
      actor,
      'user.requirePasswordReset',
      await this.userTarget(userId),
      reason,
      async () => {
        await this.user(userId);
        await requirePasswordReset(
          {
            store: this.deps.store,
            directory: this.deps.directory,
            risk: this.deps.risk,
            revokeSessions: this.deps.revokeSessions,
          },
          userId,
          this.deps.now(),
        );
        return { value: undefined };
      },
    );
  }

  /** Removes the authenticator and recovery codes: the user registers again (the MFA registration policy applies). */
  async resetMfa(actor: ActorRef, userId: string, reason: string): Promise<void> {
    return this.audited(actor, 'user.resetMfa', await this.userTarget(userId), reason, async () => {
      await this.user(userId);
      this.notSelf(actor, userId, 'reset MFA on');
      const identity = await this.deps.store.identities.getIdentity(userId);
      if (!hasMfa(identity))
        throw new ActionRefused('noAuthenticator', 'This user has no authenticator to reset.');
      await this.deps.store.identities.updateIdentity(
        userId,
        { totpSecret: null, mfaPromptedAt: null },
        this.deps.now(),
      );
      await this.deps.store.identities.replaceRecoveryCodes(userId, []);
      this.deps.notify?.mfaChanged(userId, 'reset');
      return { value: undefined };
    });
  }

  /** Blocked users cannot sign in (the block is enforced where a session becomes authenticated); their sessions end now. */
  async block(actor: ActorRef, userId: string, reason: string): Promise<number> {
    return this.audited(actor, 'user.block', await this.userTarget(userId), reason, async () => {
      await this.user(userId);
      this.notSelf(actor, userId, 'block');
      const identity = await this.deps.store.identities.getIdentity(userId);
      if (identity.blocked) throw new ActionRefused('alreadyBlocked', 'This user is already blocked.');
      await this.deps.store.identities.updateIdentity(userId, { blocked: true }, this.deps.now());
      const sessions = await this.deps.revokeSessions(userId);
      return { value: sessions, detail: { sessionsRevoked: sessions } };
    });
  }

  async unblock(actor: ActorRef, userId: string, reason: string): Promise<void> {
    return this.audited(actor, 'user.unblock', await this.userTarget(userId), reason, async () => {
      await this.user(userId);
      const identity = await this.deps.store.identities.getIdentity(userId);
      if (!identity.blocked) throw new ActionRefused('notBlocked', 'This user is not blocked.');
      await this.deps.store.identities.updateIdentity(userId, { blocked: false }, this.deps.now());
      return { value: undefined };
    });
  }

  async revokeSessions(actor: ActorRef, userId: string, reason: string): Promise<number> {
    return this.audited(actor, 'user.revokeSessions', await this.userTarget(userId), reason, async () => {
      await this.user(userId);
      const sessions = await this.deps.revokeSessions(userId);
      return { value: sessions, detail: { sessionsRevoked: sessions } };
    });
  }

  /** Dismisses each user's risk (each audited on its own); users not at risk are reported, not failed. */
  async bulkDismiss(
    actor: ActorRef,
    userIds: string[],
    reason: string,
  ): Promise<{ dismissed: string[]; refused: { userId: string; code: string; message: string }[] }> {
    const dismissed: string[] = [];
    const refused: { userId: string; code: string; message: string }[] = [];
    for (const userId of new Set(userIds)) {
      try {
        await this.dismissUserRisk(actor, userId, reason);
        dismissed.push(userId);
      } catch (error) {
        if (!(error instanceof ActionRefused)) throw error;
        refused.push({ userId, code: error.code, message: error.message });
      }
    }
    return { dismissed, refused };
  }

  get canExcludeFromPolicies(): boolean {
    return this.deps.policyExclusions !== undefined;
  }

  /** "Exclude the user from policy" (reference 000): the policy store adds the user to the scope's exclude list. */
  async excludeFromPolicy(
    actor: ActorRef,
    userId: string,
    policy: ExcludablePolicy,
    reason: string,
  ): Promise<void> {
    return this.audited(actor, 'user.excludeFromPolicy', await this.userTarget(userId), reason, async () => {
      await this.user(userId);
      const exclusions = this.deps.policyExclusions;
      if (!exclusions)
        throw new ActionRefused(
          'unavailable',
          'Policies are not stored yet, so exclusions cannot be saved.',
          501,
        );
      if (!(await exclusions.excludeUser(policy, userId, actor, reason)))
        throw new ActionRefused('alreadyExcluded', 'This user is already excluded from that policy.');
      return { value: undefined, detail: { policy } };
    });
  }
}
