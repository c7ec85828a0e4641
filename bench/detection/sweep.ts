/**
 * `--sweep`: the same events replayed with other familiarity thresholds (createRiskgate option
 * `detection.familiarity`, log10 score) and sign-in policy levels (`policies.signInRisk.mfaAt`), so the
 * lead can pick defaults from data. Each variant is a full replay in its own process (the engine's
 * state depends on its own decisions: what MFA remediated, which sign-ins got in), two at a time on
 * the 2-core machine. Nothing in src/ changes.
 */
import { fork } from 'node:child_process';
import type { SimConfig, Variant } from './config.js';
import { goalsMet, pct } from './format.js';
import { rate, type Summary } from './report.js';

export const CHILD_FLAG = '--sweep-child';

const variant = (
  low: number,
  medium: number,
  high: number,
  mfaAt: Variant['mfaAt'],
  minUserSignIns: number,
  newCountryLevel: Variant['newCountryLevel'] = 'low',
): Variant => ({
  label: `${low}/${medium}/${high} min ${minUserSignIns} mfaAt ${mfaAt}${newCountryLevel === 'low' ? '' : ` newCountry ${newCountryLevel}`}`,
  familiarity: { low, medium, high, minUserSignIns },
  mfaAt,
  newCountryLevel,
});

/** The defaults come from the main run (the option schema); these are the alternatives. */
export const SWEEP_VARIANTS: readonly Variant[] = [
  // The previous defaults, and the best a 3-sign-in learning period allowed.
  variant(1, 3, 5, 'medium', 3),
  variant(-1, 1, 3, 'low', 3),
  // Microsoft's mfaAt medium kept, the thresholds moved down so medium is the MFA trigger.
  variant(-2.5, -1.5, 1, 'medium', 1, 'medium'),
  // Around the defaults (-1.5 / 1 / 3, learning from one sign-in, mfaAt low).
  variant(-1, 1, 3, 'low', 1),
  variant(-2, 1, 3, 'low', 1),
  variant(-1.5, 1, 3, 'low', 2),
];

function runChild(config: SimConfig, v: Variant): Promise<Summary> {
  return new Promise((resolve, reject) => {
    // Same script, same loader flags (tsx), one variant: see the CHILD_FLAG branch in bench/detection.ts.
    const child = fork(process.argv[1]!, [CHILD_FLAG, JSON.stringify({ config, variant: v })], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: Summary | null = null;
    child.on('message', (message) => (result = message as Summary));
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`sweep variant ${v.label} exited with ${code}`)),
    );
  });
}

export async function runSweep(
  config: SimConfig,
  variants: readonly Variant[],
  parallel: number,
  log: (line: string) => void,
): Promise<Summary[]> {
  const results: Summary[] = new Array<Summary>(variants.length);
  let next = 0;
  const worker = async () => {
    while (next < variants.length) {
      const i = next++;
      results[i] = await runChild(config, variants[i]!);
      log(`  done: ${variants[i]!.label}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, variants.length) }, worker));
  return results;
}

/** "-1/1/3 min 1, mfaAt low" (+ ", newCountry medium"), "(defaults)" for the default run. */
function variantName(v: Variant): string {
  const f = v.familiarity;
  const country = v.newCountryLevel === 'low' ? '' : `, newCountry ${v.newCountryLevel}`;
  return `${f.low}/${f.medium}/${f.high} min ${f.minUserSignIns}, mfaAt ${v.mfaAt}${country}${v.label === 'defaults' ? ' (defaults)' : ''}`;
}

export function formatSweep(summaries: readonly Summary[]): string {
  const head = [
    'familiarity low/med/high, learning, policy',
    'naive',
    'vpn',
    'targeted',
    'tgt learned',
    'v.targeted',
    'legit overall',
    'median user',
    'median 10+',
    'at risk',
    'goals',
  ];
  const widths = [46, 9, 9, 9, 12, 11, 14, 12, 11, 8, 6];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' ');
  const rows = summaries.map((s) => {
    const goals = goalsMet(s);
    const met = Object.values(goals).filter(Boolean).length;
    return line([
      variantName(s.variant),
      pct(rate(s.attacks.naive), 1),
      pct(rate(s.attacks.vpn), 1),
      pct(rate(s.attacks.targeted), 1),
      pct(rate(s.attacks.targeted.learned), 1),
      pct(rate(s.attacks.veryTargeted), 1),
      pct(rate(s.legit), 2),
      pct(s.legit.medianUserRate, 2),
      pct(s.legit.settledMedian, 2),
      String(['low', 'medium', 'high'].reduce((n, k) => n + (s.legit.usersAtRiskAtEnd[k] ?? 0), 0)),
      `${met}/4`,
    ]);
  });
  const situations = [...new Set(summaries.flatMap((s) => Object.keys(s.legit.bySituation)))];
  const notes = [...new Set(summaries.flatMap((s) => Object.keys(s.legit.byDeviceNote)))];
  const cols = [...situations, ...notes];
  const where = (s: Summary, key: string) => s.legit.bySituation[key] ?? s.legit.byDeviceNote[key];
  const line2 = (first: string, cells: string[]) =>
    first.padEnd(46) + ' ' + cells.map((c) => c.padEnd(Math.max(9, c.length + 1))).join('');
  return [
    'Sweep (attack columns: share challenged; tgt learned: targeted attacks on victims past the learning',
    'period; legit columns: re-authentication rates; at risk: users left at risk by allowed detections',
    'at the end; goals met of 4)',
    line(head),
    ...rows,
    '',
    'Legitimate re-authentication by situation and device cookie, per variant',
    line2(
      'familiarity low/med/high, learning, policy',
      cols.map((c) => c.padEnd(Math.max(9, c.length + 1))),
    ),
    ...summaries.map((s) =>
      line2(
        variantName(s.variant),
        cols.map((c, i) => {
          const t = where(s, c);
          return (t ? pct(rate(t), 1) : '-').padEnd(Math.max(9, cols[i]!.length + 1));
        }),
      ),
    ),
  ].join('\n');
}
