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
import type { EvaluationReads, Store } from '../storage/types.js';
import type { PrimaryResult } from '../auth/strategy.js';
import type { GeoIp } from '../signals/geo.js';
import { buildSignInContext } from '../signals/context.js';
import { isCommonPassword } from '../auth/commonPasswords.js';
import { normalizeUsername } from '../auth/username.js';
import type { Detector, DetectionConfig } from '../risk/detector.js';
import { assessSignIn } from '../risk/assess.js';
import { modelFeaturesOf, populationStatsFrom } from '../risk/model/index.js';
import { lessonOf } from '../risk/learn.js';
import type { RiskService } from '../remediation/riskService.js';
import type { Policies } from '../policy/schema.js';
import { NOTHING_SATISFIED } from '../policy/evaluate.js';
import { decideKnowing } from './decide.js';
import type { LockoutBucket, SignInLimits } from './limits.js';
import { CounterBatch } from './counterBatch.js';
import type { PasswordSprayWatch } from '../jobs/passwordSpray.js';
import type { ActivityCounts, SignInActivity } from './activity.js';
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
      /** Allowed at once, and learned in the same write that stored it: completing it learns nothing more. */
      learned: boolean;
    };

/** The counters the detectors read for one sign-in. */
interface CounterReads extends ActivityCounts {
  sprayed: boolean;
}

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
    const { store, limits } = this.deps;
    const now = this.deps.now();
    const username = normalizeUsername(attempt.username);
    const context = buildSignInContext(
      { ip: attempt.ip, userAgent: attempt.userAgent, deviceId: attempt.deviceId, at: now },
      this.deps.geo,
    );
    const signInId = randomUUID();
    // A known user's evaluation reads, once and before the password check: the familiar features
    // pick the lockout bucket, and everything feeds the detectors if the password is right. Reading
    // it all now costs one round trip where the familiar features alone would cost one too; with the
    // built-in directory the user comes in the same one.
    const { knownUser, reads } = await this.findForSignIn(username, now, modelFeaturesOf(context));
    const record = (outcome: SignInOutcome, userId: string | null) =>
      store.signIns.recordSignIn(failedRecord(signInId, userId, username, context, outcome, now));
    const bucket = limits.bucketFor(username, reads?.familiar ?? [], attempt.deviceId, context.network);
    // Throttle counts, the lockout check and the evaluation's counter reads: one round trip, so the
    // batch after a correct password only writes.
    const gate = new CounterBatch();
    const verdict = limits.check(gate, attempt.ip, username, bucket);
    const counts = knownUser ? this.readCounts(gate, attempt, username) : null;
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
    // An app's strategy may sign in someone the directory did not name: then nothing was read for them.
    const read = reads && counts && primary.user.id === knownUser?.id ? { reads, counts } : null;
    return this.evaluate(primary.user, username, context, attempt, signInId, now, bucket, read);
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
    const username = normalizeUsername(user.username);
    return this.evaluate(user, username, context, attempt, randomUUID(), now, null, null);
  }

  private async findForSignIn(
    username: string,
    now: number,
    features: Record<string, string | null>,
  ): Promise<{ knownUser: DirectoryUser | null; reads: EvaluationReads | null }> {
    const { directory, store } = this.deps;
    if (directory.findForSignIn) {
      const found = await directory.findForSignIn(username, now, features);
      return { knownUser: found?.user ?? null, reads: found?.reads ?? null };
    }
    const knownUser = await directory.findByUsername(username);
    const reads = knownUser ? await store.evaluation.readForEvaluation(knownUser.id, now, features) : null;
    return { knownUser, reads };
  }

  /** In `batch`: the counters the detectors read (spray, IP activity, the account's failures). */
  private readCounts(
    batch: CounterBatch,
    attempt: Omit<SignInAttempt, 'username'>,
    username: string,
  ): () => CounterReads {
    const sprayed = this.deps.spray.isSprayed(batch, attempt.password);
    const activity = this.deps.activity.read(batch, attempt.ip, username);
    return () => ({ sprayed: sprayed(), ...activity() });
  }

  /**
   * Each store read happens once (the user's familiar features, history, identity, active
   * detections and the population in one call: one round trip on PostgreSQL), read before the
   * password check by `run`, with the counters the detectors need. The policies are pure, so the
   * decision is known before anything is written: the sign-in is stored once, complete, and learned
   * in the same write when it is allowed at once; then its detections and the user's risk, all
   * before the caller answers.
   */
  private async evaluate(
    user: DirectoryUser,
    username: string,
    context: SignInContext,
    attempt: Omit<SignInAttempt, 'username'>,
    signInId: string,
    now: number,
    bucket: LockoutBucket | null,
    known: { reads: EvaluationReads; counts: () => CounterReads } | null,
  ): Promise<EvaluatedSignIn> {
    const { store } = this.deps;
    // Only when `run` has not read them before the password check: the detectors' counters.
    const reading = new CounterBatch();
    const counts = known?.counts ?? this.readCounts(reading, attempt, username);
    const [reads, breached] = await Promise.all([
      known?.reads ?? store.evaluation.readForEvaluation(user.id, now, modelFeaturesOf(context)),
      this.isBreached(attempt.password),
      reading.run(store.counters, now),
    ]);
    const { familiar, lastSuccess, population, identity, active } = reads;
    const { sprayed, ...activity } = counts();
    const assessment = assessSignIn(this.deps.detectors, {
      context,
      history: { lastSuccess, familiar },
      credential: { breached, sprayed },
      population: populationStatsFrom(population),
      signals: { ip: this.deps.feeds.lookup(attempt.ip), ...activity },
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
    const allowed = decision.kind === 'allow';
    // Its detections and what they change in the user's risk, written with it.
    const risk = this.deps.risk.planDetections({ identity, active }, signInId, drafts, now);
    // A good sign-in's counter writes: the account's failures start again, the IP has one more success.
    const successes = new CounterBatch();
    if (bucket) this.deps.limits.recordSuccess(successes, bucket);
    this.deps.activity.recordSuccess(successes, attempt.ip, username);
    // One write, before the answer: the sign-in, complete with its decision; allowed at once, it is a
    // good sign-in and its lesson is learned with it; the counters; its detections (which reference
    // it) and the user's new risk level.
    await store.evaluation.recordEvaluated({
      record: {
        ...failedRecord(signInId, user.id, username, context, 'interrupted', now),
        riskLevel: signInRisk,
        riskState: signInRisk === 'none' ? 'none' : 'atRisk',
        userRiskLevel: userRisk,
        decision: decision.kind,
        reportOnly,
        policyInputs,
        outcome: allowed ? 'allowed' : decision.kind === 'block' ? 'blocked' : 'interrupted',
      },
      lesson: allowed ? { userId: user.id, lesson: lessonOf(context, familiar.length === 0) } : null,
      counters: successes.operations,
      risk,
      at: now,
    });
    // Notifications of the user's new risk, once it is stored.
    await this.deps.risk.announce(risk?.change ?? null);
    return {
      kind: 'evaluated',
      user,
      signInId,
      signInRisk,
      decision,
      context,
      drafts,
      learned: allowed,
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
