/**
 * The printed report of one replay (formatSummary) and the goal verdicts (goalsMet), from a Summary
 * (report.ts). Plain text, fixed-width columns, for the terminal and docs/benchmarks.md.
 */
import { ATTACK_MODELS } from './attacks.js';
import { GOALS } from './config.js';
import { BUCKETS, rate, SCORE_PERCENTILES, type Summary, type Tally } from './report.js';

export const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)}%`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const tallyText = (t: Tally) => `${lpad(pct(rate(t)), 7)} (${t.challenged}/${t.n})`;

export function goalsMet(s: Summary): Record<'naive' | 'vpn' | 'targeted' | 'settled', boolean> {
  return {
    naive: rate(s.attacks.naive) >= GOALS.naive,
    vpn: rate(s.attacks.vpn) >= GOALS.vpn,
    targeted: rate(s.attacks.targeted) >= GOALS.targeted,
    settled: s.legit.settledMedian <= GOALS.settledMedianReauth,
  };
}

function detectionLines(counts: Record<string, number>, total: number): string[] {
  const byType = new Map<string, Record<string, number>>();
  for (const [key, n] of Object.entries(counts)) {
    const [type, level] = key.split(':') as [string, string];
    byType.set(type, { ...(byType.get(type) ?? {}), [level]: n });
  }
  if (byType.size === 0) return ['    (none)'];
  return [...byType]
    .sort((a, b) => sum(b[1]) - sum(a[1]))
    .map(([type, levels]) => {
      const parts = ['low', 'medium', 'high'].filter((l) => levels[l]).map((l) => `${l} ${levels[l]}`);
      return `    ${pad(type, 20)} ${lpad(sum(levels), 6)} sign-ins (${pct(sum(levels) / total, 1)}): ${parts.join(', ')}`;
    });
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

export function formatSummary(s: Summary): string {
  const goals = goalsMet(s);
  const out: string[] = [];
  const v = s.variant;
  out.push(
    `Policy: familiarity thresholds low ${v.familiarity.low} / medium ${v.familiarity.medium} / high ${v.familiarity.high} (log10 score), learning period ${v.familiarity.minUserSignIns} sign-ins, newCountry ${v.newCountryLevel}, sign-in risk policy mfaAt ${v.mfaAt}`,
    '',
    `Attacks (challenged = any decision but allow; "victim learned": the victim had ${v.familiarity.minUserSignIns}+ learned sign-ins, so the`,
    'familiarity model scored the attack; "past N": the victim\'s past legitimate logins)',
    `  ${pad('model', 13)} ${lpad('challenged', 22)}   goal          ${pad('victim learned', 22)}${BUCKETS.map((b) => pad(`past ${b.label}`, 22)).join('')}`,
  );
  for (const model of ATTACK_MODELS) {
    const t = s.attacks[model];
    const goal =
      model === 'veryTargeted' ? pad('(no goal)', 13) : `>= ${pct(GOALS[model], 1)} ${verdict(goals[model])}`;
    out.push(
      `  ${pad(model, 13)} ${lpad(tallyText(t), 22)}   ${pad(goal, 14)}${pad(tallyText(t.learned), 22)}${t.byBucket.map((b) => pad(tallyText(b), 22)).join('')}`,
    );
  }
  const l = s.legit;
  const decisions = Object.entries(l.decisions)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  out.push(
    '',
    'Legitimate sign-ins (re-authentication = any decision but allow; users pass MFA)',
    `  sign-ins ${l.n} by ${l.users} users; decisions: ${decisions}`,
    `  overall re-authentication rate        ${tallyText(l)}`,
    `  median user re-authentication rate    ${pct(l.medianUserRate)}`,
    `  users with 10+ past logins: median    ${pct(l.settledMedian)} over ${l.settledUsers} users (their sign-ins after the 10th; mean ${pct(l.settledMean)})   goal <= ${pct(GOALS.settledMedianReauth, 0)} ${verdict(goals.settled)}`,
    `  allowed with a detection left active: ${l.allowedWithDetections}; users at risk at the end: ${[
      'low',
      'medium',
      'high',
    ]
      .map((k) => `${k} ${l.usersAtRiskAtEnd[k] ?? 0}`)
      .join(', ')} (of ${l.users})`,
    `  by past logins:  ${BUCKETS.map((b, i) => `${b.label}: ${tallyText(l.byBucket[i]!)}`).join('   ')}`,
    '  by situation:',
    ...Object.entries(l.bySituation)
      .sort((a, b) => b[1].n - a[1].n)
      .map(([k, t]) => `    ${pad(k, 16)} ${tallyText(t)}`),
    '  by device cookie:',
    ...Object.entries(l.byDeviceNote)
      .sort((a, b) => b[1].n - a[1].n)
      .map(([k, t]) => `    ${pad(k, 16)} ${tallyText(t)}`),
    '',
    'Detections on legitimate sign-ins (all of them, allowed or not)',
    ...detectionLines(s.legitDetections, l.n),
    'Detections on challenged legitimate sign-ins (the false positives)',
    ...detectionLines(s.legitChallengeDetections, Math.max(1, l.challenged)),
  );
  for (const model of ATTACK_MODELS) {
    out.push(
      `Detections on ${model} attacks`,
      ...detectionLines(s.attackDetections[model], s.attacks[model].n),
    );
  }
  out.push(
    '',
    `Familiarity model log10 scores (re-computed for every sign-in; ${s.scoreMismatches} disagreements with the detector)`,
    `  ${pad('class', 22)} ${lpad('sign-ins', 8)} ${lpad('learning', 9)}  ${SCORE_PERCENTILES.map((p) => lpad(`p${p}`, 7)).join('')}`,
    ...s.scores.map(
      (c) =>
        `  ${pad(c.label, 22)} ${lpad(c.n, 8)} ${lpad(pct(c.learning / Math.max(1, c.n), 1), 9)}  ${c.percentiles.map((x) => lpad(Number.isNaN(x) ? '-' : x.toFixed(2), 7)).join('')}`,
    ),
    `  (learning: the user had fewer than ${v.familiarity.minUserSignIns} learned sign-ins, the model says nothing)`,
    '',
    'What if (estimated from these scores, same replay): MFA when the familiarity score reaches T',
    `  ${pad('policy', 34)} ${ATTACK_MODELS.map((m) => lpad(m, 13)).join('')} ${lpad('legit overall', 14)} ${lpad('median user', 12)} ${lpad('median 10+', 11)}`,
    ...s.whatIf.map(({ policy: kind, threshold, figures: f }) => {
      const policy =
        kind === 'medium'
          ? `medium=${threshold}, mfaAt medium`
          : kind === 'low'
            ? `low=${threshold}, mfaAt low`
            : `low=${threshold}, mfaAt low, min 1`;
      return `  ${pad(policy, 34)} ${ATTACK_MODELS.map((m) => lpad(pct(f.attacks[m], 1), 13)).join('')} ${lpad(pct(f.legitOverall), 14)} ${lpad(pct(f.medianUser), 12)} ${lpad(pct(f.settledMedian), 11)}`;
    }),
    '  (mfaAt low also challenges every newCountry detection, which is low; "min 1": as if the model scored',
    '  users from their second sign-in on, detection.familiarity.minUserSignIns = 1)',
  );
  return out.join('\n');
}
