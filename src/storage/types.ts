/**
 * Storage behind narrow interfaces named for what Riskgate does. Every backend (SQLite now, PostgreSQL
 * later) implements all of them and passes the one contract suite in test/storage/contract.ts.
 * Consume-once and guarded increments are atomic so limits hold under concurrency and across instances.
 */
import type { Identity } from '../domain/identity.js';
import type { ClosedBy, Detection, DetectionDraft, DetectionLevel } from '../domain/risk.js';
import type { PastSignIn, ReportOnlyResult, SignInOutcome, SignInRecord } from '../domain/signIn.js';
import type { FlowRecord } from '../domain/flow.js';
import type session from 'express-session';
import type {
  ApiTokenStore,
  AuditStore,
  DetectionAdminStore,
  ReportStore,
  RiskHistoryEntry,
  RiskHistoryStore,
} from './adminTypes.js';

export interface UserRecord {
  id: string;
  username: string; // stored as given: callers normalise (trim, NFKC, lower-case) first
  email: string | null;
  groups: string[];
  roles: string[];
  passwordHash: string;
  createdAt: number;
}

export class DuplicateUsernameError extends Error {
  constructor(username: string) {
    super(`a user named "${username}" already exists`);
    this.name = 'DuplicateUsernameError';
  }
}

/** Persistence for Riskgate's built-in user directory. */
export interface UserStore {
  createUser(input: Omit<UserRecord, 'id' | 'createdAt'> & { createdAt: number }): Promise<UserRecord>;
  findUserByUsername(username: string): Promise<UserRecord | null>;
  findUserById(id: string): Promise<UserRecord | null>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  listUsers(page: { offset: number; limit: number }): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
  /** Users holding `role` (e.g. "admin"), in username order. */
  usersWithRole(role: string): Promise<UserRecord[]>;
}

/** Fields set to undefined are left as they are, in every backend. */
export type IdentityPatch = Partial<Omit<Identity, 'userId' | 'updatedAt' | 'totpLastStep'>>;

export interface IdentityStore {
  /** The identity of a user; a fresh default one (no risk, no MFA) if none was stored yet. */
  getIdentity(userId: string): Promise<Identity>;
  updateIdentity(userId: string, patch: IdentityPatch, now: number): Promise<Identity>;
  /** Single-use TOTP: raises the last accepted step to `step` only if it is higher. False = replay. */
  advanceTotpStep(userId: string, step: number): Promise<boolean>;
  /** Replaces all recovery codes (stored as keyed hashes). */
  replaceRecoveryCodes(userId: string, codeHashes: string[]): Promise<void>;
  /** Atomically removes one matching code; true when it existed (so each works once). */
  consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean>;
  countRecoveryCodes(userId: string): Promise<number>;
}

export interface SignInStore {
  /** Stores a sign-in, replacing any record with the same id (the pipeline writes it again once decided). */
  recordSignIn(record: SignInRecord): Promise<void>;
  updateSignInOutcome(id: string, outcome: SignInOutcome, now: number): Promise<void>;
  updateSignInRiskState(id: string, riskState: SignInRecord['riskState'], now: number): Promise<void>;
  getSignIn(id: string): Promise<SignInRecord | null>;
  /** The most recent sign-in that got in (allowed or MFA passed), for travel checks. */
  lastSuccessfulSignIn(userId: string, before: number): Promise<PastSignIn | null>;
  recentSignIns(userId: string, limit: number): Promise<SignInRecord[]>;
  /** Users whose password was verified (any decision) in a sign-in from one of `ips` since `since`. */
  usersSignedInFrom(ips: string[], since: number): Promise<string[]>;
}

export interface DetectionStore {
  addDetections(
    userId: string,
    signInId: string | null,
    drafts: DetectionDraft[],
    now: number,
  ): Promise<Detection[]>;
  activeDetections(userId: string): Promise<Detection[]>;
  detectionsForSignIn(signInId: string): Promise<Detection[]>;
  detectionsForUser(userId: string): Promise<Detection[]>;
  /**
   * Closes the user's active detections and returns how many. With signInId, only that sign-in's
   * sign-in-scoped detections: MFA or "confirm safe" on one sign-in says nothing about leaked credentials.
   */
  closeDetections(target: { userId: string; signInId?: string }, by: ClosedBy, now: number): Promise<number>;
  /** Risk ageing: closes (by 'system') active detections of `level` created before `createdBefore`; returns the users affected. */
  ageDetections(level: DetectionLevel, createdBefore: number, now: number): Promise<string[]>;
}

/** Per-user familiar sign-in properties ("country=DE", "device=…"), learned from good sign-ins. */
export interface FamiliarFeature {
  feature: string;
  value: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface FamiliarityStore {
  learnFamiliar(userId: string, features: Record<string, string | null>, at: number): Promise<void>;
  familiarFeatures(userId: string): Promise<FamiliarFeature[]>;
}

/** What one good sign-in teaches the model (src/risk/learn.ts). */
export interface SignInLesson {
  /** The user's values to count as familiar (familiarity.learnFamiliar). */
  familiar: Record<string, string | null>;
  /** The values to count in the population (population.recordPopulation). */
  population: Record<string, string | null>;
  /** The user's first learned sign-in: one more user in the population. */
  newUser: boolean;
}

/**
 * familiarity.learnFamiliar and population.recordPopulation in one atomic write (one statement on
 * PostgreSQL, one transaction on SQLite): a crash never leaves one learned without the other.
 */
export interface LearningStore {
  learnSignIn(userId: string, lesson: SignInLesson, at: number): Promise<void>;
}

export interface FailedAttempt {
  /** Keyed fingerprint of the password alone (never the password), so one password tried across accounts matches. */
  fingerprint: string;
  username: string;
  ip: string;
  at: number;
}

export interface SprayCandidate {
  fingerprint: string;
  accounts: number;
  ips: string[];
}

/** Failed password attempts, for password-spray detection; kept for a short retention only. */
export interface AttemptStore {
  recordFailedAttempt(attempt: FailedAttempt): Promise<void>;
  /** Fingerprints tried against at least `minAccounts` distinct usernames since `since`. */
  sprayCandidates(since: number, minAccounts: number): Promise<SprayCandidate[]>;
  /** Deletes attempts older than `before`; returns how many. */
  pruneAttempts(before: number): Promise<number>;
}

export interface LeakedPair {
  id: number;
  username: string;
  /** The leaked password, sealed (AES-256-GCM) until the matching job has checked it. */
  sealedPassword: string;
}

/** Imported leaked username+password pairs waiting to be checked; taken once, then gone. */
export interface LeakStore {
  queueLeakedPairs(pairs: Array<Omit<LeakedPair, 'id'>>): Promise<number>;
  /** Removes and returns up to `limit` pairs, oldest first; parallel takers never get the same pair. */
  takeLeakedPairs(limit: number): Promise<LeakedPair[]>;
  countLeakedPairs(): Promise<number>;
}

/** Population statistics over legitimate sign-ins, for the familiarity model's p(feature value). */
export interface PopulationSnapshot {
  totalSignIns: number;
  numberOfUsers: number;
  /** Counts of the requested values, keyed `${feature}=${value}` (absent = never seen). */
  counts: Record<string, number>;
  /** How many distinct values each feature has had, keyed by feature. */
  distinct: Record<string, number>;
}

export interface PopulationStore {
  /** One more legitimate sign-in with these values; `newUser` on a user's first learned sign-in. Atomic. */
  recordPopulation(features: Record<string, string | null>, newUser: boolean): Promise<void>;
  populationSnapshot(features: Record<string, string | null>): Promise<PopulationSnapshot>;
}

/** Everything the evaluation of one sign-in reads about its user and the population. */
export interface EvaluationReads {
  /** familiarity.familiarFeatures(userId) */
  familiar: FamiliarFeature[];
  /** signIns.lastSuccessfulSignIn(userId, before) */
  lastSuccess: PastSignIn | null;
  /** population.populationSnapshot(features) */
  population: PopulationSnapshot;
  /** identities.getIdentity(userId) */
  identity: Identity;
  /** detections.activeDetections(userId) */
  active: Detection[];
}

/**
 * A sign-in's reads and writes, each in one piece (each round trip costs CPU on every sign-in):
 * - readForEvaluation: the five reads named in EvaluationReads, the same answers as those calls,
 *   from one snapshot; one prepared statement on PostgreSQL, one read transaction on SQLite.
 * - readForSignIn: the same with the user looked up by name first, in the same statement.
 * - recordEvaluated: the evaluated sign-in (signIns.recordSignIn), when it was allowed at once its
 *   lesson (learning.learnSignIn), and its counter writes (counters.apply). The sign-in and lesson
 *   are atomic (one statement, or one immediate transaction); the counters join that transaction
 *   where they live in the same database (SQLite), and go beside it, in parallel, where they do not.
 */
/** What recordEvaluated writes for one sign-in. */
export interface EvaluatedWrite {
  record: SignInRecord;
  /** A sign-in allowed at once: what it teaches (as learning.learnSignIn(userId, lesson, at)). */
  lesson: { userId: string; lesson: SignInLesson } | null;
  /** Increments and resets only (nothing here is read back), as one counters.apply batch. */
  counters: readonly CounterOp[];
  /**
   * The sign-in's detections and what they change in the user's risk (RiskService.planDetections):
   * detections.addDetections, then identities.updateIdentity and riskHistory.appendRiskHistory.
   */
  risk: RiskWrite | null;
  at: number;
}

/** New detections of one sign-in and the user-risk change they make (null: the level and state stay). */
export interface RiskWrite {
  userId: string;
  signInId: string;
  drafts: DetectionDraft[];
  change: { patch: IdentityPatch; history: Omit<RiskHistoryEntry, 'seq'> } | null;
}

export interface EvaluationStore {
  readForEvaluation(
    userId: string,
    before: number,
    features: Record<string, string | null>,
  ): Promise<EvaluationReads>;
  /**
   * users.findUserByUsername and, when the user exists, readForEvaluation for them, in one piece: the
   * built-in directory's users live in the store, so a sign-in needs one read before its password check.
   */
  readForSignIn(
    username: string,
    before: number,
    features: Record<string, string | null>,
  ): Promise<{ user: UserRecord; reads: EvaluationReads } | null>;
  recordEvaluated(write: EvaluatedWrite): Promise<void>;
}

/** One operation of a counter batch (CounterStore.apply). */
export type CounterOp =
  | { op: 'increment'; key: string; windowMs: number }
  | { op: 'count'; key: string }
  | { op: 'reset'; key: string };

export class CounterBatchError extends Error {
  constructor(key: string) {
    super(`counter "${key}" is written more than once in one batch`);
    this.name = 'CounterBatchError';
  }
}

export interface CounterStore {
  /**
   * Several counter operations in one round trip (one Lua script, one SQL statement), for the sign-in
   * path. Every `count` sees the counters as they were before the batch; the writes then apply as one
   * atomic step, each key written at most once (else CounterBatchError, before anything changes).
   * Returns one number per op, in order: the count read, the new count of an increment, 0 for a reset.
   */
  apply(ops: readonly CounterOp[], now: number): Promise<number[]>;
  /** Adds 1 to the counter of the fixed window containing `now` and returns the new count. Atomic. */
  increment(key: string, windowMs: number, now: number): Promise<number>;
  /** The count in the current window (0 when expired or absent). */
  count(key: string, now: number): Promise<number>;
  /** Clears a counter (never a claimOnce claim). */
  reset(key: string): Promise<void>;
  /** True only for the first claim of `key` until it expires. Atomic. */
  claimOnce(key: string, ttlMs: number, now: number): Promise<boolean>;
}

export interface FlowStore {
  createFlow(flow: FlowRecord): Promise<void>;
  getFlow(id: string): Promise<FlowRecord | null>;
  /** Compare-and-set on version: applies the change and bumps the version; false when stale. */
  transitionFlow(
    id: string,
    expectedVersion: number,
    change: { state: string; data: Record<string, unknown> },
  ): Promise<boolean>;
  /** Guarded increment: adds one attempt if below `max`; returns the new count or null when capped. */
  addFlowAttempt(id: string, max: number): Promise<number | null>;
  deleteFlow(id: string): Promise<void>;
}

export interface JobRun {
  job: string;
  holder: string;
  at: number;
  summary: string;
}

/** Offline jobs: a lease per job so that, of many instances, one runs each period; and a run log. */
export interface JobStore {
  /**
   * Takes the lease only when it is free or expired (even its holder waits for expiry, so a periodic
   * job runs once per period across all instances). Atomic.
   */
  tryAcquireLease(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  recordJobRun(run: JobRun): Promise<void>;
  /** Newest first. */
  jobRuns(job: string, limit: number): Promise<JobRun[]>;
}

/** One saved version of the three policies, with who saved it, when and why. */
export interface StoredPolicies {
  version: number;
  /** The policies document as saved; the policy service validates it again when it reads it. */
  document: Record<string, unknown>;
  changedBy: { id: string; name: string };
  reason: string;
  changedAt: number;
}

/** Position after the last row of a page, for keyset paging (no OFFSET scans at large history). */
export interface SignInCursor {
  userId?: string;
  at: number;
  id: string;
}

export interface ReportOnlyFilter {
  policy?: ReportOnlyResult['policy'];
  wouldHave?: string;
  /** Sign-ins at or after this time only. */
  since?: number;
}

/** Persisted policies (versioned, compare-and-set) and the sign-in history queries policy tuning needs. */
export interface PolicyStore {
  latestPolicies(): Promise<StoredPolicies | null>;
  /** First start: stores `document` as version 1 unless a version exists; returns the current one. Atomic. */
  seedPolicies(document: Record<string, unknown>, changedAt: number): Promise<StoredPolicies>;
  /**
   * Compare-and-set: stores version `expectedVersion + 1` only while `expectedVersion` is the latest,
   * so of two admins saving at once one wins and the other gets null (a conflict), on every instance.
   */
  savePolicies(
    change: Omit<StoredPolicies, 'version'> & { expectedVersion: number },
  ): Promise<StoredPolicies | null>;
  /** Newest first. */
  policyHistory(limit: number): Promise<StoredPolicies[]>;
  /**
   * Evaluated sign-ins (password verified, decision recorded) of known users with `since <= at < until`,
   * ordered by user, then time, then id; the page after `after`. Ordered by user so a replay keeps
   * per-user state for one user at a time.
   */
  signInsForReplay(
    window: { since: number; until: number },
    after: SignInCursor | null,
    limit: number,
  ): Promise<SignInRecord[]>;
  /** Sign-ins where a report-only policy recorded a decision, newest first; the page after `after`. */
  reportOnlySignIns(
    filter: ReportOnlyFilter,
    after: SignInCursor | null,
    limit: number,
  ): Promise<SignInRecord[]>;
}

/** A user that reached the alert level, waiting for the next "users at risk detected" mail. */
export interface RiskAlert {
  userId: string;
  level: DetectionLevel;
  at: number;
}

/** What happened in [since, until), for the admins' weekly digest. */
export interface RiskSummary {
  /** Users with a detection raised in the period who are still at risk, highest level first (at most `limit`). */
  riskyUsers: Array<{ userId: string; riskLevel: DetectionLevel }>;
  riskyUserCount: number;
  /** Sign-ins of known users evaluated at low risk or above. */
  riskySignIns: number;
  detectionsByType: Array<{ type: string; count: number }>;
}

/** Notification bookkeeping: pending risk alerts (taken once, across instances) and digest figures. */
export interface NotifyStore {
  queueRiskAlert(alert: RiskAlert): Promise<void>;
  /** Removes and returns up to `limit` pending alerts, oldest first; parallel takers never share one. */
  takeRiskAlerts(limit: number): Promise<RiskAlert[]>;
  countRiskAlerts(): Promise<number>;
  riskSummary(since: number, until: number, limit: number): Promise<RiskSummary>;
}

/** One live session of a user, as the account page lists it. */
export interface UserSession {
  sid: string;
  session: session.SessionData;
  expiresAt: number;
}

/**
 * express-session store indexed by user: drop every session of one user ("sign out everywhere"),
 * list them and end one (the account's session list). All through the index, never a scan.
 */
export interface IndexedSessionStore extends session.Store {
  destroyUserSessions(userId: string, exceptSid?: string): Promise<number>;
  /** The user's live (unexpired) sessions, in no particular order. */
  userSessions(userId: string): Promise<UserSession[]>;
  /** Ends the session only if it is one of the user's (a sid of someone else's session does nothing). */
  destroyUserSession(userId: string, sid: string): Promise<boolean>;
}

export interface Store {
  users: UserStore;
  identities: IdentityStore;
  signIns: SignInStore;
  detections: DetectionStore;
  familiarity: FamiliarityStore;
  population: PopulationStore;
  evaluation: EvaluationStore;
  learning: LearningStore;
  attempts: AttemptStore;
  leaks: LeakStore;
  counters: CounterStore;
  flows: FlowStore;
  jobs: JobStore;
  policies: PolicyStore;
  notify: NotifyStore;
  sessions: IndexedSessionStore;
  /** The admin side: audit log, API tokens, risk history, reports, single-detection close/reactivate. */
  audit: AuditStore;
  apiTokens: ApiTokenStore;
  riskHistory: RiskHistoryStore;
  reports: ReportStore;
  detectionActions: DetectionAdminStore;
  /** Resolves when every backing service answers; rejects otherwise (readiness, fail-closed checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
