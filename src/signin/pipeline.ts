/**
 * The sign-in pipeline (DESIGN.md): throttle -> smart lockout -> primary authentication (passport) ->
 * context -> real-time detectors -> persist sign-in and detections -> policies -> Decision.
 * Every attempt, good or bad, is recorded before the caller answers.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Decision } from '../domain/decision.js';
import type { DirectoryUser, UserDirectory } from '../domain/identity.js';
import type { DetectionDraft, RiskLevel } from '../domain/risk.js';
import type { SignInContext, SignInOutcome, SignInRecord } from '../domain/signIn.js';
import type { FamiliarFeature, Store } from '../storage/types.js';
import type { PrimaryResult } from '../auth/strategy.js';
import type { GeoIp } from '../signals/geo.js';
import { buildSignInContext } from '../signals/context.js';
import { isCommonPassword } from '../auth/commonPasswords.js';
import { normalizeUsername } from '../auth/username.js';
import type { Detector, DetectionConfig } from '../risk/detector.js';
import { assessSignIn } from '../risk/assess.js';
import { modelFeaturesOf, populationStatsFrom } from '../risk/model/index.js';
import type { RiskService } from '../remediation/riskService.js';
import type { Policies } from '../policy/schema.js';
import { NOTHING_SATISFIED } from '../policy/evaluate.js';
import { decide } from './decide.js';
import type { SignInLimits } from './limits.js';
import type { PasswordSprayWatch } from '../jobs/passwordSpray.js';
import type { SignInActivity } from './activity.js';
import type { IpFeeds } from '../signals/feeds/feeds.js';
import type { BreachCorpus } from '../signals/breach/corpus.js';
import type { Logger } from 'pino';

export interface SignInAttempt {
  username: string;
  password: string;
  ip: string;
  userAgent: string;
  deviceId: string | null;
}

export type EvaluatedSignIn = Extract<SignInResult, { kind: 'evaluated' }>;

export type SignInResult =
  | {
      kind: 'rejected';
      reason: 'invalidCredentials' | 'throttled' | 'locked';
      outcome: 'unknownUser' | 'wrongPassword' | 'throttled' | 'locked';
      signInId: string;
    }
  | {
      kind: 'evaluated';
      user: DirectoryUser;
      signInId: string;
      signInRisk: RiskLevel;
      decision: Decision;
      context: SignInContext;
      drafts: DetectionDraft[];
    };

export interface PipelineDeps {
  store: Store;
  directory: UserDirectory;
  authenticate: (req: Request, res: Response, knownUser?: DirectoryUser | null) => Promise<PrimaryResult>;
  geo: GeoIp;
  detectors: Detector[];
  detectionConfig: DetectionConfig;
  risk: RiskService;
  limits: SignInLimits;
  spray: PasswordSprayWatch;
  activity: SignInActivity;
  feeds: IpFeeds;
  /** Breached-password corpus on disk, beside the built-in common-password list. */
  breach: BreachCorpus | null;
  logger: Logger;
  /** The policies in force (cached: a sign-in does not read them from the store). */
  policies: () => Promise<Policies>;
  now: () => number;
}

export class SignInPipeline {
  constructor(private readonly deps: PipelineDeps) {}

  /** The built-in list first (in memory); then the on-disk corpus. A corpus read error is logged, not fatal. */
  private async isBreached(password: string): Promise<boolean> {
    if (isCommonPassword(password)) return true;
    if (!this.deps.breach) return false;
    try {
      return (await this.deps.breach.count(password)) > 0;
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'breach corpus unreadable: checked the built-in list only');
      return false;
    }
  }

  async run(req: Request, res: Response, attempt: SignInAttempt): Promise<SignInResult> {
    const { store, directory, limits } = this.deps;
    const now = this.deps.now();
    const username = normalizeUsername(attempt.username);
    const context = buildSignInContext(
      { ip: attempt.ip, userAgent: attempt.userAgent, deviceId: attempt.deviceId, at: now },
      this.deps.geo,
    );
    const signInId = randomUUID();
    const knownUser = await directory.findByUsername(username);
    const record = (outcome: SignInOutcome, userId: string | null) =>
      store.signIns.recordSignIn(failedRecord(signInId, userId, username, context, outcome, now));

    if (await limits.throttled(attempt.ip, username, now)) {
      await record('throttled', knownUser?.id ?? null);
      return { kind: 'rejected', reason: 'throttled', outcome: 'throttled', signInId };
    }
    const familiar = knownUser ? await store.familiarity.familiarFeatures(knownUser.id) : [];
    const bucket = limits.bucketFor(username, familiar, attempt.deviceId, context.network);
    if (await limits.isLocked(bucket, now)) {
      await record('locked', knownUser?.id ?? null);
      return { kind: 'rejected', reason: 'locked', outcome: 'locked', signInId };
    }

    const primary = await this.deps.authenticate(req, res, knownUser);
    if (!primary.ok) {
      await limits.recordFailure(bucket, username, attempt.password, now);
      await this.deps.spray.recordFailure(username, attempt.ip, attempt.password, now);
      await this.deps.activity.recordFailure(attempt.ip, username, attempt.password, now);
      await record(primary.reason, knownUser?.id ?? null);
      return { kind: 'rejected', reason: 'invalidCredentials', outcome: primary.reason, signInId };
    }
    await limits.recordSuccess(bucket);
    return this.evaluate(primary.user, username, context, attempt, familiar, signInId, now);
  }

  /**
   * Everything after a correct password: detectors, persistence, policies. Public so apps with their
   * own primary authentication, and the detection benchmark, can run the same evaluation.
   */
  async assessAuthenticated(
    user: DirectoryUser,
    attempt: Omit<SignInAttempt, 'username'>,
  ): Promise<EvaluatedSignIn> {
    const now = this.deps.now();
    const context = buildSignInContext(
      { ip: attempt.ip, userAgent: attempt.userAgent, deviceId: attempt.deviceId, at: now },
      this.deps.geo,
    );
    const familiar = await this.deps.store.familiarity.familiarFeatures(user.id);
    return this.evaluate(
      user,
      normalizeUsername(user.username),
      context,
      attempt,
      familiar,
      randomUUID(),
      now,
    );
  }

  private async evaluate(
    user: DirectoryUser,
    username: string,
    context: SignInContext,
    attempt: Omit<SignInAttempt, 'username'>,
    familiar: FamiliarFeature[],
    signInId: string,
    now: number,
  ): Promise<EvaluatedSignIn> {
    const { store } = this.deps;
    const assessment = assessSignIn(this.deps.detectors, {
      context,
      history: { lastSuccess: await store.signIns.lastSuccessfulSignIn(user.id, now), familiar },
      credential: {
        breached: await this.isBreached(attempt.password),
        sprayed: await this.deps.spray.isSprayed(attempt.password, now),
      },
      population: populationStatsFrom(await store.population.populationSnapshot(modelFeaturesOf(context))),
      signals: {
        ip: this.deps.feeds.lookup(attempt.ip),
        ipActivity: await this.deps.activity.ipActivity(attempt.ip, now),
        accountFailures: await this.deps.activity.accountFailures(username, now),
      },
      config: this.deps.detectionConfig,
    });
    await this.deps.activity.recordSuccess(attempt.ip, username, now);
    // The sign-in row goes first so detections can reference it; both are stored before we answer.
    const signIn: SignInRecord = {
      ...failedRecord(signInId, user.id, username, context, 'interrupted', now),
      riskLevel: assessment.signInRisk,
      riskState: assessment.signInRisk === 'none' ? 'none' : 'atRisk',
    };
    await store.signIns.recordSignIn(signIn);
    await this.deps.risk.addDetections(user.id, signInId, assessment.drafts, now);
    const { decision, reportOnly, userRisk, policyInputs } = await decide(store, await this.deps.policies(), {
      user,
      signInId,
      signInRisk: assessment.signInRisk,
      satisfied: NOTHING_SATISFIED,
      now,
    });
    // Stored a second time (recordSignIn replaces by id) now that the decision is known.
    await store.signIns.recordSignIn({
      ...signIn,
      userRiskLevel: userRisk,
      decision: decision.kind,
      reportOnly,
      policyInputs,
      outcome: decision.kind === 'allow' ? 'allowed' : decision.kind === 'block' ? 'blocked' : 'interrupted',
    });
    return {
      kind: 'evaluated',
      user,
      signInId,
      signInRisk: assessment.signInRisk,
      decision,
      context,
      drafts: assessment.drafts,
    };
  }
}

function failedRecord(
  id: string,
  userId: string | null,
  username: string,
  context: SignInContext,
  outcome: SignInOutcome,
  now: number,
): SignInRecord {
  return {
    id,
    userId,
    username,
    context,
    outcome,
    riskLevel: 'none',
    riskState: 'none',
    userRiskLevel: 'none',
    decision: null,
    reportOnly: [],
    updatedAt: now,
  };
}
