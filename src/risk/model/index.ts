/** The statistical familiarity model (Freeman et al., NDSS 2016): features, counts, score, detection. */
export { FEATURE_PARENT, MODEL_FEATURES, modelFeaturesOf } from './features.js';
export type { ModelFeature, ModelFeatures } from './features.js';
export { populationStatsFrom, userStatsFrom } from './stats.js';
export type { PopulationSnapshotInput, PopulationStats, UserStats, UserStatsOptions } from './stats.js';
export { DEFAULT_MODEL_CONFIG, scoreSignIn } from './freeman.js';
export type { FeatureContribution, ModelConfig, ModelScore } from './freeman.js';
export { unfamiliarFeaturesDraft } from './detector.js';
