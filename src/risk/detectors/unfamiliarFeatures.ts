/**
 * Unfamiliar sign-in properties, scored by the Freeman et al. (NDSS 2016) model in src/risk/model:
 * how much likelier this sign-in's IP, user agent and device are under an attacker than under this
 * user's own history. The pipeline supplies population statistics; the user's history is `familiar`.
 */
import type { Detector } from '../detector.js';
import {
  DEFAULT_MODEL_CONFIG,
  modelFeaturesOf,
  scoreSignIn,
  unfamiliarFeaturesDraft,
  userStatsFrom,
} from '../model/index.js';

export const unfamiliarFeatures: Detector = {
  type: 'unfamiliarFeatures',
  detect({ context, history, population, config }) {
    if (!population) return [];
    const model = {
      ...DEFAULT_MODEL_CONFIG,
      ...(config.familiarity ? { thresholds: config.familiarity } : {}),
    };
    const user = userStatsFrom(history.familiar, context.at, {
      windowDays: model.windowDays,
      capPerFeature: model.capPerFeature,
    });
    const draft = unfamiliarFeaturesDraft(scoreSignIn(modelFeaturesOf(context), user, population, model));
    return draft ? [draft] : [];
  },
};
