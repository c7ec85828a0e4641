/**
 * Detection quality from the replayed sign-ins: per attacker model, the share challenged (any decision
 * but allow); for legitimate users, the re-authentication rate (median over users, overall, by number
 * of past logins as in Wiefling et al., and for users with 10+ past logins), where it happened, and
 * which detections fired on each side.
 */
import { ATTACK_MODELS, type AttackModel } from './attacks.js';
import type { Variant } from './config.js';
import type { SignInRow } from './replay.js';

export const BUCKETS = [
  { label: '0-4', min: 0, max: 4 },
  { label: '5-9', min: 5, max: 9 },
  { label: '10-19', min: 10, max: 19 },
  { label: '20+', min: 20, max: Infinity },
] as const;

export interface Tally {
  n: number;
  challenged: number;
}

export interface Summary {
  variant: Variant;
  /** learned: attacks on victims past the model's learning period (3+ learned sign-ins). */
  attacks: Record<AttackModel, Tally & { byBucket: Tally[]; learned: Tally }>;
  legit: Tally & {
    decisions: Record<string, number>;
    users: number;
    medianUserRate: number;
    byBucket: Tally[];
    settledUsers: number;
    settledMedian: number;
    settledMean: number;
    bySituation: Record<string, Tally>;
    byDeviceNote: Record<string, Tally>;
    /** Allowed legitimate sign-ins that left a detection active (admins see these users at risk). */
    allowedWithDetections: number;
    /** Users by risk level at the end of the replay (attack detections were closed: all from owners). */
    usersAtRiskAtEnd: Record<string, number>;
  };
  /** Sign-ins on which each "type:level" fired. */
  legitDetections: Record<string, number>;
  /** ... and the same among challenged legitimate sign-ins only. */
  legitChallengeDetections: Record<string, number>;
  attackDetections: Record<AttackModel, Record<string, number>>;
  /** Familiarity log10 scores per class: sign-ins still in the learning period, and percentiles. */
  scores: { label: string; n: number; learning: number; percentiles: number[] }[];
  /** Estimated from the scores (see whatIf): the headline figures at other thresholds. */
  whatIf: { policy: WhatIfPolicy; threshold: number; figures: Headline }[];
  scoreMismatches: number;
}

/** The figures the goals are about, for one way of deciding who is challenged. */
export interface Headline {
  attacks: Record<AttackModel, number>;
  legitOverall: number;
  medianUser: number;
  settledMedian: number;
}

export const SCORE_PERCENTILES = [5, 25, 50, 75, 95] as const;
export const WHAT_IF_THRESHOLDS = [-2, -1.5, -1, -0.5, 0, 1, 2, 3] as const;
/** What-if policies: which threshold T is the MFA trigger, and whether the learning period applies. */
export type WhatIfPolicy = 'medium' | 'low' | 'lowLearnFromOne';

const empty = (): Tally => ({ n: 0, challenged: 0 });
const add = (t: Tally, challenged: boolean) => {
  t.n++;
  if (challenged) t.challenged++;
};
export const rate = (t: Tally): number => (t.n === 0 ? 0 : t.challenged / t.n);
const bucketOf = (past: number) => BUCKETS.findIndex((b) => past >= b.min && past <= b.max);

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function count(into: Record<string, number>, keys: string[]): void {
  for (const key of new Set(keys)) into[key] = (into[key] ?? 0) + 1;
}

export function summarize(
  rows: readonly SignInRow[],
  variant: Variant,
  usersAtRiskAtEnd: Record<string, number>,
): Summary {
  const attacks = Object.fromEntries(
    ATTACK_MODELS.map((m) => [m, { ...empty(), byBucket: BUCKETS.map(empty), learned: empty() }]),
  ) as Summary['attacks'];
  const attackDetections = Object.fromEntries(
    ATTACK_MODELS.map((m) => [m, {}]),
  ) as Summary['attackDetections'];
  const legit: Summary['legit'] = {
    ...empty(),
    decisions: {},
    users: 0,
    medianUserRate: 0,
    byBucket: BUCKETS.map(empty),
    settledUsers: 0,
    settledMedian: 0,
    settledMean: 0,
    bySituation: {},
    byDeviceNote: {},
    allowedWithDetections: 0,
    usersAtRiskAtEnd,
  };
  const legitDetections: Record<string, number> = {};
  const legitChallengeDetections: Record<string, number> = {};
  const perUser = new Map<number, { all: Tally; settled: Tally }>();

  for (const row of rows) {
    const challenged = row.decision !== 'allow';
    if (row.kind === 'attack') {
      const model = row.label as AttackModel;
      add(attacks[model], challenged);
      add(attacks[model].byBucket[bucketOf(row.past)]!, challenged);
      if (row.logScore !== null) add(attacks[model].learned, challenged);
      count(attackDetections[model], row.detections);
      continue;
    }
    add(legit, challenged);
    legit.decisions[row.decision] = (legit.decisions[row.decision] ?? 0) + 1;
    add(legit.byBucket[bucketOf(row.past)]!, challenged);
    add((legit.bySituation[row.label] ??= empty()), challenged);
    add((legit.byDeviceNote[row.deviceNote ?? 'knownCookie'] ??= empty()), challenged);
    count(legitDetections, row.detections);
    if (challenged) count(legitChallengeDetections, row.detections);
    else if (row.detections.length > 0) legit.allowedWithDetections++;
    const user = perUser.get(row.user) ?? { all: empty(), settled: empty() };
    add(user.all, challenged);
    if (row.past >= 10) add(user.settled, challenged);
    perUser.set(row.user, user);
  }
  const users = [...perUser.values()];
  legit.users = users.length;
  legit.medianUserRate = median(users.map((u) => rate(u.all)));
  const settled = users.filter((u) => u.settled.n > 0).map((u) => rate(u.settled));
  legit.settledUsers = settled.length;
  legit.settledMedian = median(settled);
  legit.settledMean = settled.length ? settled.reduce((a, b) => a + b, 0) / settled.length : 0;
  return {
    variant,
    attacks,
    legit,
    legitDetections,
    legitChallengeDetections,
    attackDetections,
    scores: scoreClasses(rows),
    whatIf: whatIf(rows),
    scoreMismatches: rows.filter((r) => r.scoreMismatch).length,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))));
  return sorted[i]!;
}

function scoreClasses(rows: readonly SignInRow[]): Summary['scores'] {
  const classes: [string, (r: SignInRow) => boolean][] = [
    ['legitimate', (r) => r.kind === 'legit'],
    ['legitimate, 10+ past', (r) => r.kind === 'legit' && r.past >= 10],
    ...ATTACK_MODELS.map((m): [string, (r: SignInRow) => boolean] => [
      m,
      (r) => r.kind === 'attack' && r.label === m,
    ]),
  ];
  return classes.map(([label, test]) => {
    const members = rows.filter(test);
    const scores = members
      .map((r) => r.logScore)
      .filter((x): x is number => x !== null)
      .sort((a, b) => a - b);
    return {
      label,
      n: members.length,
      learning: members.length - scores.length,
      percentiles: SCORE_PERCENTILES.map((p) => percentile(scores, p)),
    };
  });
}

export function headline(rows: readonly SignInRow[], challenged: (r: SignInRow) => boolean): Headline {
  const attacks = Object.fromEntries(ATTACK_MODELS.map((m) => [m, empty()])) as Record<AttackModel, Tally>;
  const all = empty();
  const perUser = new Map<number, { all: Tally; settled: Tally }>();
  for (const row of rows) {
    const c = challenged(row);
    if (row.kind === 'attack') {
      add(attacks[row.label as AttackModel], c);
      continue;
    }
    add(all, c);
    const user = perUser.get(row.user) ?? { all: empty(), settled: empty() };
    add(user.all, c);
    if (row.past >= 10) add(user.settled, c);
    perUser.set(row.user, user);
  }
  const users = [...perUser.values()];
  return {
    attacks: Object.fromEntries(ATTACK_MODELS.map((m) => [m, rate(attacks[m])])) as Record<
      AttackModel,
      number
    >,
    legitOverall: rate(all),
    medianUser: median(users.map((u) => rate(u.all))),
    settledMedian: median(users.filter((u) => u.settled.n > 0).map((u) => rate(u.settled))),
  };
}

/**
 * What other thresholds would have done, from the recorded scores: a sign-in is challenged when its
 * familiarity score reaches the threshold that triggers MFA, or another detection reaches the policy
 * level, or user risk asked for more. Exact for this replay as long as decisions do not change what
 * the engine learns; they barely do here (owners pass every challenge and learn either way, attacks
 * are isolated), which --sweep checks with real replays.
 */
function whatIf(rows: readonly SignInRow[]): Summary['whatIf'] {
  const other = (r: SignInRow, policy: WhatIfPolicy) =>
    r.decision === 'block' ||
    r.decision === 'requirePasswordChange' ||
    r.detections.some(
      (d) => !d.startsWith('unfamiliarFeatures:') && (policy !== 'medium' || !d.endsWith(':low')),
    );
  // minUserSignIns = 1: scored from the second sign-in on (every replayed legitimate sign-in is learned).
  const score = (r: SignInRow, policy: WhatIfPolicy) =>
    policy === 'lowLearnFromOne' ? (r.past >= 1 ? r.rawScore : null) : r.logScore;
  return (['medium', 'low', 'lowLearnFromOne'] as const).flatMap((policy) =>
    WHAT_IF_THRESHOLDS.map((threshold) => ({
      policy,
      threshold,
      figures: headline(rows, (r) => (score(r, policy) ?? -Infinity) >= threshold || other(r, policy)),
    })),
  );
}
