/**
 * The statistical familiarity model of Freeman, Jain, Dürmuth, Biggio and Giacinto, "Who Are You?
 * A Statistical Approach to Measuring User Authenticity" (NDSS 2016), as used in Wiefling et al.'s
 * risk-based authentication studies. It is a likelihood ratio, attack over legitimate:
 *
 *   score(x, u) = Π_k [ p(x_k) / p(x_k | u) ] × p(u | attack) / p(u | legit)
 *
 * p(x_k | attack) is taken to be the population's p(x_k) (no attack data: the attacker looks like
 * everybody), so a value the user often uses and few others do pushes the score down hard, and a
 * value the user never used pushes it up by how settled the user is. Notation: N sign-ins and U users
 * in the population, c(v) a value's count there, D_k the distinct values of feature k; n_k, d_k, c_u(v)
 * the same for the user (aged and capped, stats.ts); α = config.alpha > 0.
 *
 * Population, add-α over the D_k known values plus one bucket for "never seen", so a value nobody
 * has used still gets α / (N + α(D_k + 1)) and an empty population gives 1 (no information):
 *   g(v) = min(1, (c(v) + α) / (N + α(D_k + 1)))
 * Along a hierarchy the probability of a value together with its ancestors (what the sign-in shows)
 * is approximated by the smallest of their marginals, w being the nearest known ancestor value:
 *   P(v) = min(g(v), P(w)),   P(root) = g(root),   r(v | w) = P(v) / P(w) <= 1
 * Exact when the child determines the parent (IP -> network -> country, user agent -> browser,
 * OS -> device type); for browser -> OS it is an upper bound that keeps "a popular browser on a
 * rare OS" from being as common as the browser. It needs only this sign-in's own counts, so the
 * store need not count pairs. P, not g, is the numerator p(x_k).
 *
 * User: Witten–Bell estimate with an additive constant. Each distinct value the user has was new
 * once, so the chance their next sign-in brings a new value ("escape") is
 *   E_k = (d_k + α) / (n_k + d_k + α)
 * high for a user who roams (many networks), low for one who never changes; α keeps it above 0.
 *   used value:  p(v | u) = c_u(v) / (n_k + d_k + α)
 *   new value:   p(v | u) = E_k × p(w | u) × r(v | w)   (w: nearest known ancestor value, recursively)
 *   new root:    p(v | u) = E_k × g(v)                 (country, device type, device: no parent)
 * Backing off through the parent is what makes a new IP in the user's home network weigh little
 * (its ratio is exactly P(network) / (E_ip × p(network | u))) and a new IP in a new network weigh a
 * lot (E_network enters too). Because the backoff uses the population's own r(v | w), how popular a
 * value the user never used is cancels out: the attacker is assumed as likely to show it as the user.
 * A missing device cookie is scored as a device the user never used: a fresh browser is exactly what
 * a stolen password is tried from. Other unknown (null) values are not scored (ratio 1).
 *
 * Prior: attackers pick victims uniformly, p(u | attack) = 1 / U; p(u | legit) is the user's share
 * of legitimate sign-ins, add-α over users so an empty population gives 1:
 *   p(u | legit) = min(1, (n + α) / (N + αU))
 * A user who signs in often is a likelier legitimate source, so the same oddity counts less.
 *
 * Which levels are multiplied: the finest known level of each hierarchy (the IP, the user agent, the
 * device cookie), as the paper scores IP and user agent and uses their hierarchies only to smooth.
 * The coarser levels already act through the backoff; multiplying them too would count one change
 * several times (a new country is also a new network and a new IP), which made a new phone at home
 * look as risky as a stolen password used abroad. Every level's own ratio is still reported.
 *
 * Everything is summed in log10 (products of small probabilities underflow in plain floats) and the
 * thresholds are on logScore = log10(score): 0 means as likely an attack as not, +1 ten times more.
 */
import {
  FEATURE_BRANCHES,
  FEATURE_PARENT,
  MODEL_FEATURES,
  type ModelFeature,
  type ModelFeatures,
} from './features.js';
import { explainContributions } from './explain.js';
import type { PopulationStats, UserStats } from './stats.js';

export interface ModelConfig {
  /** log10(score) at or above which the sign-in is a low, medium, high detection. */
  thresholds: { low: number; medium: number; high: number };
  /** Additive smoothing constant (> 0): pseudo-count of the "never seen" bucket. */
  alpha: number;
  /** Passed to userStatsFrom by the pipeline: history older than this is forgotten. */
  windowDays: number;
  /** Passed to userStatsFrom by the pipeline: most recent values kept per feature. */
  capPerFeature: number;
  /** Below this many legitimate sign-ins in the window the user is still being learned: level none. */
  minUserSignIns: number;
  /**
   * Below this many users in the population the model says nothing either (a new deployment):
   * a value only one user has weighs about log10(1 / users) in their favour, so with a handful of
   * users even someone's usual sign-in cannot score far below zero, and a threshold below zero
   * would challenge everybody every time.
   */
  minPopulationUsers: number;
}

/**
 * Defaults, chosen with the detection benchmark (bench:detection, docs/benchmarks.md) after reasoning
 * from the formula. For a settled user (30 sign-ins from home and office in one country, one laptop,
 * Chrome; population 1000 users, 50,000 sign-ins; prior about +0.2; checked in test/risk/model):
 * - the usual IP, browser and device: about -7.6; a new IP at home, a browser update, a new device
 *   cookie alone, or travelling with the usual laptop: -4.5 .. -1.5;
 * - a new device and a new network in the usual country, same browser: about +1.4, a new phone at
 *   home: about +2.8 (the usual network still speaks for the user);
 * - a new device, network and browser in the usual country: about +4.7;
 * - a new device, country and browser family: about +6.2; an unknown phone abroad: about +9.
 * The first reasoning put low at 1 (ten times likelier an attack than not). The simulator shows why
 * that is too lax: an attacker who knows the victim's country and browser (Wiefling et al.'s
 * "targeted") brings no new country or browser family, and with Chrome's frozen user agent often the
 * very string the victim uses, so only the missing device cookie and the new network speak against
 * him: a median of +0.8, a quarter below +0.1, against -4.8 for the median settled owner (p95 -2.1).
 * The score is a naive-Bayes ratio over correlated features, not a calibrated probability, so the
 * threshold is set where the two populations separate: low = -1.5 challenges 97% of targeted attacks
 * and the median settled user on under 1% of sign-ins. medium = 1 and high = 3 only grade the
 * evidence (user risk, high asks for a password change after MFA when nobody remediated it).
 *
 * minUserSignIns = 1: the model scores from a user's second sign-in on. With one learned sign-in the
 * escape estimate E is 2/3, so a new value costs little on its own, but a value the user already
 * showed and few others do still pulls the score down hard, and the prior p(u | attack) / p(u | legit)
 * is high for a user with little history: an attack on a new account (half of all users sign in
 * weekly or less) is as visible as the population makes it. A learning period of 3 left every attack
 * on those users to newCountry and the VPN feed (10% of attacks, all unseen by the model). The first
 * sign-in is never scored (0 sign-ins: nothing to compare with; the score would be the prior alone).
 *
 * minPopulationUsers = 25: a familiar sign-in scores about log10(1 / users) per feature only the user
 * has (IP, device cookie), so from about 25 users on the usual sign-in of an average user reaches
 * -2.8 or lower, clear of low = -1.5. Before that (the first days of a deployment) the rule-based
 * detections (newCountry, impossible travel, feeds, ...) decide alone.
 */
export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  thresholds: { low: -1.5, medium: 1, high: 3 },
  alpha: 1,
  windowDays: 180,
  capPerFeature: 50,
  minUserSignIns: 1,
  minPopulationUsers: 25,
};

export interface FeatureContribution {
  feature: ModelFeature;
  value: string | null;
  /** The user has used this value in the window. */
  familiar: boolean;
  /** p(x_k) / p(x_k | u) for this level; 1 for an unknown value. */
  ratio: number;
  /** Whether the ratio is a factor of the score (the finest known level of its hierarchy). */
  scored: boolean;
}

export interface ModelScore {
  score: number;
  /** log10(score): what the thresholds compare with. */
  logScore: number;
  /** log10 of p(u | attack) / p(u | legit), the part of logScore that is about the user, not the sign-in. */
  logPrior: number;
  level: 'none' | 'low' | 'medium' | 'high';
  /** In the user's or the population's learning period: level none whatever the score. */
  learning: boolean;
  contributions: FeatureContribution[];
  /** "new network, known country, known browser, known device" */
  explanation: string;
}

export function scoreSignIn(
  features: ModelFeatures,
  user: UserStats,
  population: PopulationStats,
  config: ModelConfig = DEFAULT_MODEL_CONFIG,
): ModelScore {
  const alpha = config.alpha > 0 ? config.alpha : 1e-6;
  const N = population.totalSignIns;

  // log10 g(v): the value on its own.
  const logMarginal = (feature: ModelFeature, value: string | null): number => {
    const count = value === null ? 0 : population.count(feature, value);
    const denominator = N + alpha * (population.distinctValues(feature) + 1);
    return Math.min(0, Math.log10((count + alpha) / denominator));
  };

  // log10 P(v): the value with its known ancestors.
  const logGlobal = (feature: ModelFeature, value: string | null): number => {
    const ancestor = value === null ? undefined : knownAncestor(feature, features);
    const own = logMarginal(feature, value);
    return ancestor === undefined ? own : Math.min(own, logGlobal(ancestor, features[ancestor]!));
  };

  const logUser = (feature: ModelFeature, value: string | null): number => {
    const n = user.featureTotal(feature);
    const d = user.distinctValues(feature);
    const denominator = n + d + alpha;
    const count = value === null ? 0 : user.count(feature, value);
    if (count > 0) return Math.log10(count / (Math.max(n, count) + d + alpha));
    const logEscape = Math.log10((d + alpha) / denominator);
    const parent = value === null ? undefined : knownAncestor(feature, features);
    if (parent === undefined) return logEscape + logGlobal(feature, value);
    const parentValue = features[parent]!;
    const logChildGivenParent = logGlobal(feature, value) - logGlobal(parent, parentValue);
    return logEscape + logUser(parent, parentValue) + logChildGivenParent;
  };

  const scored = scoredLevels(features);
  const contributions: FeatureContribution[] = [];
  let logScore = 0;
  for (const feature of MODEL_FEATURES) {
    const value = features[feature];
    const familiar = value !== null && user.count(feature, value) > 0;
    let logRatio = 0;
    if (value !== null || feature === 'device')
      logRatio = logGlobal(feature, value) - logUser(feature, value);
    const isScored = scored.has(feature);
    if (isScored) logScore += logRatio;
    contributions.push({ feature, value, familiar, ratio: 10 ** logRatio, scored: isScored });
  }

  const users = Math.max(1, population.numberOfUsers);
  const legitShare = Math.min(1, (user.totalSignIns + alpha) / (N + alpha * users));
  const logPrior = -Math.log10(users) - Math.log10(legitShare);
  logScore += logPrior;

  const silence = learningReason(user, population, config);
  return {
    score: Math.min(10 ** logScore, Number.MAX_VALUE),
    logScore,
    logPrior,
    level: silence === null && hasNewValue(contributions) ? levelOf(logScore, config.thresholds) : 'none',
    learning: silence !== null,
    contributions,
    explanation: silence ?? explainContributions(contributions),
  };
}

/** Why the model gives no level yet (the user's or the population's learning period), or null. */
function learningReason(user: UserStats, population: PopulationStats, config: ModelConfig): string | null {
  if (user.totalSignIns < config.minUserSignIns)
    return `too little history to compare with (${user.totalSignIns} sign-ins)`;
  if (population.numberOfUsers < config.minPopulationUsers)
    return `too few users to compare with yet (${population.numberOfUsers} users)`;
  return null;
}

/**
 * Whether a scored value is one the user never used. When every scored value is familiar the score
 * only says how common those values are, not that anything changed: where every user shares one
 * office IP and one managed browser, p(x_k) is close to 1 and an owner with a short history scores
 * near 0 on a sign-in exactly like their last. Such a sign-in is familiar (level none); an attacker
 * who shows the victim's IP, user agent and device cookie is on the victim's machine, which this
 * model cannot see anyway. A missing device cookie is never familiar.
 */
function hasNewValue(contributions: FeatureContribution[]): boolean {
  return contributions.some((c) => c.scored && !c.familiar);
}

/** The finest level with a value in each hierarchy; the device always (a missing cookie is news). */
function scoredLevels(features: ModelFeatures): Set<ModelFeature> {
  const levels = new Set<ModelFeature>(['device']);
  for (const branch of FEATURE_BRANCHES) {
    const finest = branch.find((feature) => features[feature] !== null);
    if (finest !== undefined) levels.add(finest);
  }
  return levels;
}

/** The nearest coarser level with a value (a UA ua-parser cannot name still has an OS, say). */
function knownAncestor(feature: ModelFeature, features: ModelFeatures): ModelFeature | undefined {
  let parent = FEATURE_PARENT[feature];
  while (parent !== undefined && features[parent] === null) parent = FEATURE_PARENT[parent];
  return parent;
}

function levelOf(logScore: number, thresholds: ModelConfig['thresholds']): ModelScore['level'] {
  if (logScore >= thresholds.high) return 'high';
  if (logScore >= thresholds.medium) return 'medium';
  if (logScore >= thresholds.low) return 'low';
  return 'none';
}
