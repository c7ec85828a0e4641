/**
 * Brute force: this successful sign-in followed many failed attempts on the same account, so the
 * password may have just been guessed. Medium: the owner may simply have struggled to remember it.
 * Repeating one wrong password (a phone retrying a stale saved password) is not guessing, so a
 * minimum number of distinct wrong passwords is required as well; the caller counts them by keyed
 * hash, never by the passwords themselves.
 */
import type { DetectionDraft } from '../../domain/risk.js';
import type { Detector } from '../detector.js';

/** Failed attempts on the account in the window before this success, gathered by the caller. */
export interface FailuresBeforeSuccess {
  failures: number;
  distinctPasswords: number;
  windowMinutes: number;
}

export interface BruteForceConfig {
  minFailures: number;
  /** Set to 0 when distinct passwords are not tracked. */
  minDistinctPasswords: number;
}

// Below the lockout threshold (10): a guess that succeeds before lockout must still be noticed.
export const DEFAULT_BRUTE_FORCE_CONFIG: BruteForceConfig = { minFailures: 6, minDistinctPasswords: 2 };

export function detectBruteForce(
  before: FailuresBeforeSuccess,
  config: Partial<BruteForceConfig> = {},
): DetectionDraft | null {
  const { minFailures, minDistinctPasswords } = { ...DEFAULT_BRUTE_FORCE_CONFIG, ...config };
  if (before.failures < minFailures || before.distinctPasswords < minDistinctPasswords) return null;
  return {
    type: 'bruteForce',
    level: 'medium',
    timing: 'realtime',
    scope: 'signIn',
    reason: `Many failed attempts on this account before this sign-in (${before.failures} in ${before.windowMinutes} minutes)`,
    evidence: {
      failures: before.failures,
      distinctPasswords: before.distinctPasswords,
      windowMinutes: before.windowMinutes,
    },
  };
}

/** The real-time detector: many distinct wrong passwords on the account before this success. */
export const bruteForce: Detector = {
  type: 'bruteForce',
  detect({ signals }) {
    const draft = signals ? detectBruteForce(signals.accountFailures) : null;
    return draft ? [draft] : [];
  },
};
