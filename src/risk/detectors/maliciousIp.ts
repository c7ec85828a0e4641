/**
 * Malicious IP: the address is on a reputation feed, or its recent traffic looks like an attack
 * tool's: many failed sign-ins spread over many accounts and almost none succeeding. Both thresholds
 * are needed: a shared office NAT has many accounts but few failures, one forgetful user has many
 * failures on one account. High: a success from such an address is likely a guessed credential.
 */
import type { DetectionDraft } from '../../domain/risk.js';
import type { Detector } from '../detector.js';

/** Sign-in attempts from this IP in the look-back window, gathered by the caller from storage. */
export interface IpActivity {
  failures: number;
  distinctUsers: number;
  successes: number;
}

export interface MaliciousIpConfig {
  minFailures: number;
  minDistinctUsers: number;
  /** successes / (successes + failures) must be below this (0..1). */
  maxSuccessRate: number;
}

export const DEFAULT_MALICIOUS_IP_CONFIG: MaliciousIpConfig = {
  minFailures: 20,
  minDistinctUsers: 10,
  maxSuccessRate: 0.1,
};

function successRate(activity: IpActivity): number {
  const attempts = activity.successes + activity.failures;
  return attempts === 0 ? 0 : activity.successes / attempts;
}

function attackPattern(activity: IpActivity, config: MaliciousIpConfig): boolean {
  return (
    activity.failures >= config.minFailures &&
    activity.distinctUsers >= config.minDistinctUsers &&
    successRate(activity) < config.maxSuccessRate
  );
}

export function detectMaliciousIp(
  reputation: { malicious: boolean },
  activity: IpActivity,
  config: MaliciousIpConfig = DEFAULT_MALICIOUS_IP_CONFIG,
): DetectionDraft | null {
  const pattern = attackPattern(activity, config);
  if (!reputation.malicious && !pattern) return null;
  const failures = `${activity.failures} failed sign-ins across ${activity.distinctUsers} accounts`;
  const reason = reputation.malicious
    ? `Signed in from an IP address on a malicious-IP reputation list${pattern ? ` that also made ${failures}` : ''}`
    : `Signed in from an IP address that made ${failures} recently`;
  return {
    type: 'maliciousIp',
    level: 'high',
    timing: 'realtime',
    scope: 'signIn',
    reason,
    evidence: {
      onReputationList: reputation.malicious,
      failurePattern: pattern,
      failures: activity.failures,
      distinctUsers: activity.distinctUsers,
      successes: activity.successes,
      successRate: Math.round(successRate(activity) * 1000) / 1000,
    },
  };
}

/** The real-time detector: reputation feed and the address's failures across accounts. */
export const maliciousIp: Detector = {
  type: 'maliciousIp',
  detect({ signals }) {
    const draft = signals ? detectMaliciousIp(signals.ip, signals.ipActivity) : null;
    return draft ? [draft] : [];
  },
};
