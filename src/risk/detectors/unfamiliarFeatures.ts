/**
 * Unfamiliar sign-in properties, scored by the Freeman et al. (NDSS 2016) model in src/risk/model:
 * how much likelier this sign-in's IP, user agent and device are under an attacker than under this
 * user's own history. The pipeline supplies population statistics; the user's history is `familiar`.
 */
import type { DetectionConfig, Detector } from '../detector.js';
import {
  DEFAULT_MODEL_CONFIG,
  modelFeaturesOf,
  scoreSignIn,
  unfamiliarFeaturesDraft,
  userStatsFrom,
  type ModelConfig,
} from '../model/index.js';

/** The model's configuration from the detection config's `familiarity` (its defaults when absent). */
export function modelConfigOf(familiarity: DetectionConfig['familiarity']): ModelConfig {
  if (!familiarity) return DEFAULT_MODEL_CONFIG;
  const { low, medium, high, minUserSignIns, minPopulationUsers } = familiarity;
  return {
    ...DEFAULT_MODEL_CONFIG,
    thresholds: { low, medium, high },
    minUserSignIns: minUserSignIns ?? DEFAULT_MODEL_CONFIG.minUserSignIns,
    minPopulationUsers: minPopulationUsers ?? DEFAULT_MODEL_CONFIG.minPopulationUsers,
  };
}

export const unfamiliarFeatures: Detector = {
  type: 'unfamiliarFeatures',
  detect({ context, history, population, config }) {
    if (!population) return [];
    const model = modelConfigOf(config.familiarity);
    const user = userStatsFrom(history.familiar, context.at, {
      windowDays: model.windowDays,
      capPerFeature: model.capPerFeature,
    });
    const draft = unfamiliarFeaturesDraft(scoreSignIn(modelFeaturesOf(context), user, population, model));
    return draft ? [draft] : [];
  },
};
