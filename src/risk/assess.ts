/** Detectors -> sign-in risk; active detections -> user risk; a good sign-in -> features to learn. */
import {
  levelRank,
  maxLevel,
  RISK_LEVELS,
  type Detection,
  type DetectionDraft,
  type RiskLevel,
} from '../domain/risk.js';
import type { SignInContext } from '../domain/signIn.js';
import type { Detector, DetectorInput } from './detector.js';

export interface SignInAssessment {
  drafts: DetectionDraft[];
  /** Highest level among the sign-in-scoped drafts; user-scoped ones (leaked password) feed user risk. */
  signInRisk: RiskLevel;
}

export function assessSignIn(detectors: readonly Detector[], input: DetectorInput): SignInAssessment {
  const drafts = detectors.flatMap((detector) => detector.detect(input));
  const signInRisk = maxLevel(drafts.filter((d) => d.scope === 'signIn').map((d) => d.level));
  return { drafts, signInRisk };
}

/**
 * User risk: the highest active level, one step higher when two or more detections sit at that
 * level. Several independent medium signals together are stronger evidence of compromise than any
 * one of them (DESIGN.md "Risk levels"); high is already the top.
 */
export function userRisk(active: readonly Pick<Detection, 'level'>[]): RiskLevel {
  const top = maxLevel(active.map((d) => d.level));
  if (top === 'none' || top === 'high') return top;
  const atTop = active.filter((d) => d.level === top).length;
  return atTop >= 2 ? RISK_LEVELS[levelRank(top) + 1]! : top;
}

/**
 * The familiar properties to learn after a sign-in that got in. Null values are skipped by the store.
 * City carries its country ("DE/Berlin") because city names repeat across countries.
 */
export function familiarFeaturesOf(context: SignInContext): Record<string, string | null> {
  const { geo, device } = context;
  return {
    country: geo.country,
    city: geo.country && geo.city ? `${geo.country}/${geo.city}` : null,
    network: context.network === 'unknown' ? null : context.network,
    browser: device.browserFamily,
    os: device.os,
    device: device.deviceId,
  };
}
