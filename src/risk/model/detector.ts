/**
 * The unfamiliarFeatures detection from a model score. The pipeline scores the sign-in (it fetches
 * the user's and the population's counts first) and turns the score into a draft here, so the
 * detection carries the same level, reason and evidence wherever it is produced.
 */
import type { DetectionDraft } from '../../domain/risk.js';
import type { ModelScore } from './freeman.js';

export function unfamiliarFeaturesDraft(result: ModelScore): DetectionDraft | null {
  if (result.level === 'none') return null;
  return {
    type: 'unfamiliarFeatures',
    level: result.level,
    timing: 'realtime',
    scope: 'signIn',
    reason: `Unfamiliar sign-in properties: ${result.explanation}`,
    evidence: {
      logScore: round(result.logScore),
      logPrior: round(result.logPrior),
      contributions: result.contributions.map((c) => ({
        ...c,
        // IPs and user agents are what admins investigate with. The device id is not shown: whoever
        // reads it could set that cookie and pass for the user's familiar device.
        value: c.feature === 'device' && c.value !== null ? 'redacted' : c.value,
        ratio: Number(c.ratio.toPrecision(4)),
      })),
    },
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
