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
import { decideKnowing } from './decide.js';
import type { LockoutBucket, SignInLimits } from './limits.js';
import { CounterBatch } from './counterBatch.js';
import type { PasswordSprayWatch } from '../jobs/passwordSpray.js';
import type { SignInActivity } from './activity.js';
import type { IpFeeds } from '../signals/feeds/feeds.js';
import type { BreachCorpus } from '../signals/breach/corpus.js';
import { inBreachCorpus } from '../signals/breach/check.js';
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
      /** The user's familiar features before this sign-in, as read for it (learning reuses them). */
      familiar: FamiliarFeature[];
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
    return inBreachCorpus(this.deps.breach, this.deps.logger, password);
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

    // Familiar features pick the lockout bucket and later feed the detectors: read once.
    const familiar = knownUser ? await store.familiarity.familiarFeatures(knownUser.id) : [];
    const bucket = limits.bucketFor(username, familiar, attempt.deviceId, context.network);
    // Throttle counts and the lockout check: one round trip.
    const gate = new CounterBatch();
    const verdict = limits.check(gate, attempt.ip, username, bucket);
    await gate.run(store.counters, now);
    const { throttled, locked } = verdict();
    if (throttled) {
      await record('throttled', knownUser?.id ?? null);
      return { kind: 'rejected', reason: 'throttled', outcome: 'throttled', signInId };
    }
    if (locked) {
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
    return this.evaluate(primary.user, username, context, attempt, familiar, signInId, now, bucket);
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
    const username = normalizeUsername(user.username);
    return this.evaluate(user, username, context, attempt, familiar, randomUUID(), now, null);
  }

  /**
   * Each store read happens once (the user's history, identity, active detections and the population
   * in one call: one round trip on PostgreSQL) and independent reads run together; the counters this sign-in
   * reads and writes go in one batch. The policies are pure, so the decision is known before
   * anything is written: the sign-in is stored once, complete, then its detections and the user's
   * risk, all before the caller answers.
   */
  private async evaluate(
    user: DirectoryUser,
    username: string,
    context: SignInContext,
    attempt: Omit<SignInAttempt, 'username'>,
    familiar: FamiliarFeature[],
    signInId: string,
    now: number,
    bucket: LockoutBucket | null,
  ): Promise<EvaluatedSignIn> {
    const { store } = this.deps;
    const counters = new CounterBatch();
    // Reads first: a batch's counts see the counters before its writes.
    const sprayed = this.deps.spray.isSprayed(counters, attempt.password);
    const activity = this.deps.activity.read(counters, attempt.ip, username);
    if (bucket) this.deps.limits.recordSuccess(counters, bucket);
    this.deps.activity.recordSuccess(counters, attempt.ip, username);
    const [{ lastSuccess, population, identity, active }, breached] = await Promise.all([
      store.evaluation.readForEvaluation(user.id, now, modelFeaturesOf(context)),
      this.isBreached(attempt.password),
      counters.run(store.counters, now),
    ]);
    const assessment = assessSignIn(this.deps.detectors, {
      context,
      history: { lastSuccess, familiar },
      credential: { breached, sprayed: sprayed() },
      population: populationStatsFrom(population),
      signals: { ip: this.deps.feeds.lookup(attempt.ip), ...activity() },
      config: this.deps.detectionConfig,
    });
    const { drafts, signInRisk } = assessment;
    // This sign-in's detections count as active for the decision (decideKnowing leaves out its
    // sign-in-scoped ones, which the sign-in risk policy handles).
    const activeNow = [...active, ...drafts.map((draft) => ({ ...draft, signInId }))];
    const { decision, reportOnly, userRisk, policyInputs } = decideKnowing(
      await this.deps.policies(),
      { user, signInId, signInRisk, satisfied: NOTHING_SATISFIED, now },
      identity,
      activeNow,
    );
    // The sign-in row goes first so detections can reference it; both are stored before we answer.
    await store.signIns.recordSignIn({
      ...failedRecord(signInId, user.id, username, context, 'interrupted', now),
      riskLevel: signInRisk,
      riskState: signInRisk === 'none' ? 'none' : 'atRisk',
      userRiskLevel: userRisk,
      decision: decision.kind,
      reportOnly,
      policyInputs,
      outcome: decision.kind === 'allow' ? 'allowed' : decision.kind === 'block' ? 'blocked' : 'interrupted',
    });
    await this.deps.risk.addDetectionsKnowing({ identity, active }, signInId, drafts, now);
    return { kind: 'evaluated', user, signInId, signInRisk, decision, context, drafts, familiar };
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
