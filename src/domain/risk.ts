/** Risk vocabulary shared by detectors, policies, storage and pages. No I/O here. */

export const RISK_LEVELS = ['none', 'low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
/** A detection always carries a real level; "none" only describes the absence of detections. */
export type DetectionLevel = Exclude<RiskLevel, 'none'>;
export const DETECTION_LEVELS = ['low', 'medium', 'high'] as const satisfies readonly DetectionLevel[];

export function levelRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

export function maxLevel(levels: Iterable<RiskLevel>): RiskLevel {
  let best: RiskLevel = 'none';
  for (const level of levels) if (levelRank(level) > levelRank(best)) best = level;
  return best;
}

/** True when `level` reaches `threshold`; a threshold of "off" is never reached. */
export function reaches(level: RiskLevel, threshold: DetectionLevel | 'off'): boolean {
  return threshold !== 'off' && levelRank(level) >= levelRank(threshold);
}

export const RISK_STATES = [
  'none',
  'atRisk',
  'remediated',
  'dismissed',
  'confirmedCompromised',
  'confirmedSafe',
] as const;
export type RiskState = (typeof RISK_STATES)[number];

export const DETECTION_TYPES = [
  'leakedCredentials',
  'unfamiliarFeatures',
  'impossibleTravel',
  'newCountry',
  'anonymousIp',
  'maliciousIp',
  'passwordSpray',
  'bruteForce',
  'userReportedSuspicious',
  'sessionAnomaly',
  'reusedOtp',
  'adminConfirmedCompromised',
] as const;
export type DetectionType = (typeof DETECTION_TYPES)[number];

export type DetectionTiming = 'realtime' | 'offline';
export type DetectionStatus = 'active' | 'closed';

/**
 * How a detection was closed. resolved / falsePositive / ignored are manual and may be reactivated;
 * remediated and dismissed are final (reference 001); system is ageing.
 */
export const CLOSED_BY = [
  'resolved',
  'falsePositive',
  'ignored',
  'remediated',
  'dismissed',
  'system',
] as const;
export type ClosedBy = (typeof CLOSED_BY)[number];
export const REACTIVATABLE: ReadonlySet<ClosedBy> = new Set([
  'resolved',
  'falsePositive',
  'ignored',
  'system',
]);

/**
 * Whether a detection describes one sign-in (and so counts toward that sign-in's risk) or the user
 * only (e.g. leaked credentials). Both kinds count toward user risk while active.
 */
export type DetectionScope = 'signIn' | 'user';

/** What a detector produces; the pipeline adds ids, user, sign-in and timestamps when it stores it. */
export interface DetectionDraft {
  type: DetectionType;
  level: DetectionLevel;
  timing: DetectionTiming;
  scope: DetectionScope;
  /** Plain-language reason shown to admins ("first sign-in from Germany"). */
  reason: string;
  /** Structured evidence (distances, speeds, feature values); never secrets. */
  evidence?: Record<string, unknown>;
}

export interface Detection extends DetectionDraft {
  id: string;
  userId: string;
  signInId: string | null;
  status: DetectionStatus;
  closedBy: ClosedBy | null;
  createdAt: number;
  updatedAt: number;
}
