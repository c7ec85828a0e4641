/** The context of one primary authentication attempt, as detectors and storage see it. */
import type { RiskLevel, RiskState } from './risk.js';

export interface GeoLocation {
  country: string | null; // ISO 3166-1 alpha-2
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  /**
   * Radius in km around the coordinates within which the address most likely is, when the database
   * gives one (MaxMind-style `accuracy_radius`); absent or null: unknown (DB-IP lite has none).
   */
  accuracyKm?: number | null;
}

export interface DeviceInfo {
  userAgent: string;
  browser: string | null; // "Chrome 120"
  browserFamily: string | null; // "Chrome"
  os: string | null; // "Windows 10"
  deviceType: string; // desktop | mobile | tablet | other
  /** Random id from the long-lived device cookie; null for a browser that has none yet. */
  deviceId: string | null;
}

export interface SignInContext {
  at: number; // ms since epoch
  ip: string;
  /** ASN when configured, else the IP prefix (/24 IPv4, /48 IPv6). */
  network: string;
  geo: GeoLocation;
  device: DeviceInfo;
}

/** What happened to an attempt. Updated as the user walks through a flow. */
export const SIGN_IN_OUTCOMES = [
  'unknownUser',
  'wrongPassword',
  'throttled',
  'locked',
  'allowed',
  'interrupted', // a flow was started; its end updates the outcome
  'mfaPassed',
  'mfaFailed',
  'blocked',
  'reportedNotMe',
  'abandoned',
] as const;
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

export interface ReportOnlyResult {
  policy: 'signInRisk' | 'userRisk' | 'mfaRegistration';
  wouldHave: string; // a Decision kind
}

/**
 * What the policies saw about the user when this sign-in was evaluated, kept so the impact preview
 * replays the sign-in as it was (MFA state and groups change later). Absent on failed attempts and on
 * sign-ins recorded before Riskgate kept it.
 */
export interface PolicyInputs {
  groups: string[];
  hasMfa: boolean;
  mfaPromptedAt: number | null;
  blocked: boolean;
  mustChangePassword: boolean;
  passwordResetRequired: boolean;
}

export interface SignInRecord {
  id: string;
  userId: string | null;
  username: string;
  context: SignInContext;
  outcome: SignInOutcome;
  riskLevel: RiskLevel; // sign-in risk at evaluation time
  riskState: RiskState;
  userRiskLevel: RiskLevel; // user risk at evaluation time
  decision: string | null; // Decision kind, null before evaluation (failed password)
  reportOnly: ReportOnlyResult[];
  policyInputs?: PolicyInputs;
  updatedAt: number;
}

/** A past successful sign-in, as detectors read it. */
export interface PastSignIn {
  at: number;
  ip: string;
  network: string;
  geo: GeoLocation;
  browserFamily: string | null;
  deviceId: string | null;
}
