/**
 * Storage for the admin side: the audit log of admin actions, API tokens (hashed), every change of a
 * user's risk (risk history) and the paged report queries. Part of `Store`; every backend implements
 * them and passes the contract suite.
 */
import type { Identity } from '../domain/identity.js';
import type {
  ClosedBy,
  Detection,
  DetectionLevel,
  DetectionType,
  RiskLevel,
  RiskState,
} from '../domain/risk.js';
import type { SignInRecord } from '../domain/signIn.js';

/** Who did something: an admin signed in to the console, an API token, or the command line. */
export interface ActorRef {
  kind: 'user' | 'token' | 'cli' | 'app';
  id: string;
  name: string;
}

export const AUDIT_RESULTS = ['ok', 'refused', 'failed'] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export interface AuditEntry {
  seq: number;
  at: number;
  actor: ActorRef;
  /** What was done, e.g. "user.dismissRisk", "token.create". */
  action: string;
  target: { type: string; id: string | null; label: string | null };
  /** Why the admin did it, as they wrote it. */
  reason: string | null;
  result: AuditResult;
  /** The outcome in a few words ("3 detections closed") or the refusal message; never a secret. */
  detail: Record<string, unknown>;
}

export type NewAuditEntry = Omit<AuditEntry, 'seq'>;

export interface AuditQuery {
  actorId?: string;
  action?: string;
  targetId?: string;
  result?: AuditResult;
  /** Newest first; entries with seq below `before` (keyset paging). */
  before?: number;
  limit: number;
}

export interface AuditStore {
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  /** Keyed hash of the whole token; the token itself is shown once and never stored. */
  tokenHash: string;
  createdBy: ActorRef;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface ApiTokenStore {
  createApiToken(token: ApiTokenRecord): Promise<void>;
  /** The live (not revoked) token with this hash, its last-used time moved to `now`; null otherwise. */
  useApiToken(tokenHash: string, now: number): Promise<ApiTokenRecord | null>;
  getApiToken(id: string): Promise<ApiTokenRecord | null>;
  /** Revokes a live token; false when there is none with that id or it was already revoked. */
  revokeApiToken(id: string, now: number): Promise<boolean>;
  /** Newest first. */
  listApiTokens(): Promise<ApiTokenRecord[]>;
}

/** What changed a user's risk level or state. */
export type RiskCause =
  | { kind: 'detection'; types: DetectionType[] }
  | { kind: 'admin'; action: string; actor: ActorRef }
  | { kind: 'selfRemediation'; how: 'mfa' | 'passwordChange' }
  | { kind: 'user'; action: 'reportedNotMe' }
  | { kind: 'system'; job: string };

export interface RiskHistoryEntry {
  seq: number;
  userId: string;
  at: number;
  from: { level: RiskLevel; state: RiskState };
  to: { level: RiskLevel; state: RiskState };
  cause: RiskCause;
}

export interface RiskHistoryStore {
  appendRiskHistory(entry: Omit<RiskHistoryEntry, 'seq'>): Promise<void>;
  /** Newest first. */
  riskHistory(userId: string, limit: number): Promise<RiskHistoryEntry[]>;
}

/** Matches the generated risk_rank column of migration 6. */
export const LEVEL_RANK: Record<DetectionLevel, number> = { low: 1, medium: 2, high: 3 };

export interface Page<T> {
  total: number;
  rows: T[];
}

export interface PageRequest {
  offset: number;
  limit: number;
  order: 'asc' | 'desc';
}

export interface RiskyUserQuery extends PageRequest {
  levels?: DetectionLevel[];
  states?: RiskState[];
  sort: 'updatedAt' | 'level';
}

export interface SignInQuery extends PageRequest {
  levels?: DetectionLevel[];
  states?: RiskState[];
  userId?: string;
}

export interface DetectionQuery extends PageRequest {
  status?: 'active' | 'closed';
  types?: DetectionType[];
  levels?: DetectionLevel[];
  userId?: string;
}

export const MFA_STATUSES = ['registered', 'inGrace', 'notRegistered'] as const;
export type MfaStatus = (typeof MFA_STATUSES)[number];

export interface MfaRegistrationRow {
  userId: string;
  username: string;
  registered: boolean;
  promptedAt: number | null;
}

export interface MfaRegistrationQuery {
  status?: MfaStatus;
  /** Users prompted after this moment are still in their grace period. */
  graceStartedAfter: number;
  offset: number;
  limit: number;
}

/** Paged, filtered, sorted report queries; each served by an index so they stay fast at 100k users. */
export interface ReportStore {
  riskyUsers(query: RiskyUserQuery): Promise<Page<Identity>>;
  riskySignIns(query: SignInQuery): Promise<Page<SignInRecord>>;
  detectionsPage(query: DetectionQuery): Promise<Page<Detection>>;
  /** Over the built-in user directory (an app's own directory is not in the store). */
  mfaRegistration(
    query: MfaRegistrationQuery,
  ): Promise<Page<MfaRegistrationRow> & { counts: Record<MfaStatus, number> }>;
  /** Ids of built-in users holding `role` (e.g. is there an admin yet?), at most `limit`. */
  usersWithRole(role: string, limit: number): Promise<string[]>;
}

/** Single-detection changes for "close" and "reactivate"; each is one conditional statement. */
export interface DetectionAdminStore {
  getDetection(id: string): Promise<Detection | null>;
  /** Closes the detection if it is active; the closed detection, or null when it was not active. */
  closeDetection(id: string, by: ClosedBy, now: number): Promise<Detection | null>;
  /** Reactivates it if it was closed by one of `reactivatable`; the detection, or null otherwise. */
  reactivateDetection(id: string, reactivatable: readonly ClosedBy[], now: number): Promise<Detection | null>;
}
