/**
 * The counts the familiarity model reads, built from what the stores return. The pipeline fetches
 * them before scoring, so the model itself does no I/O and tests can hand it plain numbers.
 */
import type { FamiliarFeature } from '../../storage/types.js';
import { MODEL_FEATURES, type ModelFeature } from './features.js';

const DAY_MS = 86_400_000;

/** Global counts over all users' legitimate sign-ins (PopulationStore). */
export interface PopulationStats {
  totalSignIns: number;
  numberOfUsers: number;
  /** How many legitimate sign-ins had this value (0 when never seen). */
  count(feature: ModelFeature, value: string): number;
  /**
   * How many different values the feature has had, for the smoothing denominators. The joint count
   * of a value and its parent value (for p(child | parent)) is not asked for: the model approximates
   * it from the two marginal counts (see freeman.ts), so the store need not track pairs.
   */
  distinctValues(feature: ModelFeature): number;
}

/** One user's legitimate sign-in history, aged and capped (userStatsFrom). */
export interface UserStats {
  /** The user's legitimate sign-ins in the window: the prior p(u | legit) is built on it. */
  totalSignIns: number;
  /** How many of them had this value (0 when never, or only longer ago than the window). */
  count(feature: ModelFeature, value: string): number;
  /** How many had any value for the feature (null values are not learned, so this can be less). */
  featureTotal(feature: ModelFeature): number;
  /** How many different values of the feature the user has used: how much they roam. */
  distinctValues(feature: ModelFeature): number;
}

export interface UserStatsOptions {
  /** Values last used longer ago than this are forgotten (default 180 days). */
  windowDays?: number;
  /** At most this many values per feature are kept, the most recently used first (default 50). */
  capPerFeature?: number;
}

const MODEL_FEATURE_SET: ReadonlySet<string> = new Set(MODEL_FEATURES);

/**
 * The user's view from their FamiliarFeature rows. Ageing drops a network the user left long ago,
 * so returning to it later counts as new again; the cap keeps a roaming user (hundreds of mobile
 * IPs) from growing an unbounded history and bounds the work per sign-in. A kept row contributes its
 * whole count: the rows hold no per-sign-in timestamps, so "used in the window" is judged by
 * lastSeen alone. Rows of features the model does not score (city, ...) are ignored.
 */
export function userStatsFrom(
  rows: FamiliarFeature[],
  now: number,
  options: UserStatsOptions = {},
): UserStats {
  const windowDays = options.windowDays ?? 180;
  const cap = Math.max(0, Math.floor(options.capPerFeature ?? 50));
  const oldest = now - windowDays * DAY_MS;
  const byFeature = new Map<ModelFeature, FamiliarFeature[]>();
  for (const row of rows) {
    if (!MODEL_FEATURE_SET.has(row.feature) || row.lastSeen < oldest || !(row.count > 0)) continue;
    const feature = row.feature as ModelFeature;
    const list = byFeature.get(feature) ?? [];
    list.push(row);
    byFeature.set(feature, list);
  }
  const counts = new Map<string, number>();
  const totals = new Map<ModelFeature, number>();
  const distinct = new Map<ModelFeature, number>();
  for (const [feature, list] of byFeature) {
    // Most recent first; ties by count then value, so the same rows always give the same view.
    list.sort((a, b) => b.lastSeen - a.lastSeen || b.count - a.count || a.value.localeCompare(b.value));
    const kept = list.slice(0, cap);
    for (const row of kept) counts.set(key(feature, row.value), row.count);
    totals.set(
      feature,
      kept.reduce((sum, row) => sum + row.count, 0),
    );
    distinct.set(feature, kept.length);
  }
  // Every learned sign-in has an IP, and countries rarely hit the cap, so the largest per-feature
  // total is the best estimate of how many sign-ins the window holds.
  const totalSignIns = Math.max(0, ...totals.values());
  return {
    totalSignIns,
    count: (feature, value) => counts.get(key(feature, value)) ?? 0,
    featureTotal: (feature) => totals.get(feature) ?? 0,
    distinctValues: (feature) => distinct.get(feature) ?? 0,
  };
}

/** The shape PopulationStore.populationSnapshot() answers (storage/types.ts PopulationSnapshot). */
export interface PopulationSnapshotInput {
  totalSignIns: number;
  numberOfUsers: number;
  /** Counts keyed `${feature}=${value}`; a value absent from the map was never seen. */
  counts: Record<string, number>;
  /** Distinct-value counts keyed by feature name. */
  distinct: Record<string, number>;
}

/**
 * The population view from a snapshot. The snapshot only needs the counts of this sign-in's own
 * values (ask populationSnapshot(modelFeaturesOf(context))): parents are values of the same sign-in.
 * Negative or non-numeric entries (a corrupt row) read as 0 so the score stays finite.
 */
export function populationStatsFrom(snapshot: PopulationSnapshotInput): PopulationStats {
  return {
    totalSignIns: nonNegative(snapshot.totalSignIns),
    numberOfUsers: nonNegative(snapshot.numberOfUsers),
    count: (feature, value) => nonNegative(snapshot.counts[key(feature, value)]),
    distinctValues: (feature) => nonNegative(snapshot.distinct[feature]),
  };
}

function key(feature: ModelFeature, value: string): string {
  return `${feature}=${value}`;
}

function nonNegative(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}
