/**
 * The contract every real-time detection module implements. Detectors are pure and synchronous:
 * the pipeline gathers the context, history and credential verdict first, so a detector can be
 * tested with a table of plain objects and can never block or fail a sign-in on I/O.
 */
import type { DetectionDraft, DetectionLevel, DetectionType } from '../domain/risk.js';
import type { PastSignIn, SignInContext } from '../domain/signIn.js';
import type { IpLookup } from '../signals/feeds/feeds.js';
import type { IpActivity } from './detectors/maliciousIp.js';
import type { FailuresBeforeSuccess } from './detectors/bruteForce.js';
import type { PopulationStats } from './model/stats.js';
import type { FamiliarFeature } from '../storage/types.js';

/** Every threshold is a named config value (DESIGN.md "Detections"). */
export interface DetectionConfig {
  impossibleTravel: { minSpeedKmh: number; minDistanceKm: number };
  newCountry: { level: DetectionLevel };
  /**
   * The familiarity model's log10 score thresholds and learning periods (fewer learned sign-ins than
   * minUserSignIns, or fewer users than minPopulationUsers: no level); its defaults when absent.
   */
  familiarity?: {
    low: number;
    medium: number;
    high: number;
    minUserSignIns?: number;
    minPopulationUsers?: number;
  };
}

export const DEFAULT_DETECTION_CONFIG: DetectionConfig = {
  // Faster than an airliner, over a distance where geo-IP error (~tens of km) cannot explain it.
  impossibleTravel: { minSpeedKmh: 900, minDistanceKm: 500 },
  newCountry: { level: 'low' },
};

export interface DetectorInput {
  context: SignInContext;
  history: { lastSuccess: PastSignIn | null; familiar: FamiliarFeature[] };
  /** Computed outside; detectors never see the password itself. */
  /** Verdicts about the password, computed outside: `sprayed` = seen in a password-spray attack. */
  credential: { breached: boolean; sprayed?: boolean };
  /** What the pipeline gathered about the address and the account (feeds, shared counters). */
  signals?: SignInSignals;
  /** Population statistics for this sign-in's feature values (the familiarity model's p(x)). */
  population?: PopulationStats;
  config: DetectionConfig;
}

export interface SignInSignals {
  ip: IpLookup;
  ipActivity: IpActivity;
  accountFailures: FailuresBeforeSuccess;
}

export interface Detector {
  readonly type: DetectionType;
  detect(input: DetectorInput): DetectionDraft[];
}
