/** Output of bench:score: per-size lines, the store-call breakdown, query plans and the final table. */
import { PAST_COLUMNS } from '../../src/storage/pastSignIn.js';
import { USERS_WITH_ROLE_SQL } from '../../src/storage/sqlite/users.js';
import os from 'node:os';
import Database from 'better-sqlite3';
import type { PhaseStats } from './build.js';
import { percentiles } from '../percentiles.js';
import type { SizeBench, StoreCalls } from './measure.js';

export const ms = (value: number, digits = 3): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '-';
export const pct = (value: number): string => (Number.isFinite(value) ? `${(value * 100).toFixed(2)}%` : '-');
export const count = (n: number): string =>
  n >= 1_000_000 ? `${+(n / 1_000_000).toFixed(2)}M` : n >= 1000 ? `${+(n / 1000).toFixed(1)}k` : String(n);
export const loadAverage = (): string =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  const rule =
    '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export interface SizeResult {
  users: number;
  build: PhaseStats;
  /** sign_ins rows in the file when measured (history only). */
  signInRows: number;
  fileBytes: number;
  bench: SizeBench;
  storeCalls: StoreCalls;
  storePassMeanMs: number;
}

export function sizeLines(r: SizeResult, argon2P50: number): string {
  const { bench } = r;
  const samples = bench.evaluations;
  const wall = samples.wall();
  const cpu = samples.cpu();
  const clean = samples.clean();
  const tail = samples.tail();
  const learn = bench.learning.wall();
  const turns = percentiles(bench.turns);
  const quiet = samples.tagged('quiet');
  const flagged = samples.tagged('detections');
  const decisions = Object.entries(bench.decisions)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const kinds = Object.entries(bench.kinds)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  return [
    `  ${count(r.users)}: ${wall.n} evaluations: wall p50 ${ms(wall.p50)} ms, p99 ${ms(wall.p99)} ms, ` +
      `max ${ms(wall.max)} ms, mean ${ms(wall.mean)} ms; p99 = ${pct(wall.p99 / argon2P50)} of argon2`,
    `    CPU time p50 ${ms(cpu.p50)} ms, p99 ${ms(cpu.p99)} ms; during the evaluation: preempted ` +
      `${pct(samples.share('preempted'))}, WAL checkpoint ${pct(samples.share('walRestart'))}, ` +
      `GC ${pct(samples.share('gc'))} of evaluations`,
    `    none of those (${clean.n}): p50 ${ms(clean.p50)} ms, p99 ${ms(clean.p99)} ms; slowest 1% (${tail.n}): ` +
      `${tail.preempted} preempted, ${tail.walRestart} WAL checkpoint, ${tail.gc} GC, ${tail.none} none of those`,
    `    sign-ins: ${kinds}; decisions: ${decisions}; with sign-in risk: ${bench.risky}`,
    `    without detections (${quiet.n}): p50 ${ms(quiet.p50)} ms, p99 ${ms(quiet.p99)} ms; ` +
      `with detections (${flagged.n}, they also write them and the user's risk): p50 ${ms(flagged.p50)} ms, p99 ${ms(flagged.p99)} ms`,
    `    completeSignIn after an allow (apart; the learning is in the evaluation's write): p50 ${ms(learn.p50)} ms, p99 ${ms(learn.p99)} ms`,
    `    event-loop turn before each evaluation (not in its timing; the checkpointer's main-thread share runs there): ` +
      `p50 ${ms(turns.p50)} ms, p99 ${ms(turns.p99)} ms, max ${ms(turns.max)} ms, ${bench.turns.filter((t) => t > 1).length} over 1 ms`,
  ].join('\n');
}

export function breakdownTable(calls: StoreCalls, evaluations: number, meanEvaluationMs: number): string {
  const rows = [...calls.entries()]
    .map(([name, samples]) => ({ name, total: samples.reduce((a, b) => a + b, 0), p: percentiles(samples) }))
    .sort((a, b) => b.total - a.total);
  const storeMs = rows.reduce((sum, r) => sum + r.total, 0) / evaluations;
  const lines = rows.map((r) => [
    r.name,
    (r.p.n / evaluations).toFixed(2),
    ms(r.p.p50 * 1000, 1),
    ms(r.p.p99 * 1000, 1),
    ms((r.total / evaluations) * 1000, 1),
    pct(r.total / evaluations / meanEvaluationMs),
  ]);
  lines.push(['all store calls', '', '', '', ms(storeMs * 1000, 1), pct(storeMs / meanEvaluationMs)]);
  lines.push([
    'rest (context, detectors, model, policies)',
    '',
    '',
    '',
    ms((meanEvaluationMs - storeMs) * 1000, 1),
    pct(1 - storeMs / meanEvaluationMs),
  ]);
  return table(['store call', 'calls/eval', 'p50 µs', 'p99 µs', 'mean µs/eval', 'share of mean'], lines);
}

/** The statements an evaluation runs against large tables (copied from src/storage/sqlite/*.ts). */
export const HOT_QUERIES: { name: string; sql: string; params: unknown[] }[] = [
  {
    name: 'familiarity.familiarFeatures',
    sql: `SELECT feature, value, count, first_seen, last_seen FROM familiarity WHERE user_id = ? ORDER BY feature, value`,
    params: ['u'],
  },
  {
    name: 'signIns.lastSuccessfulSignIn',
    sql: `SELECT ${PAST_COLUMNS} FROM sign_ins WHERE user_id = ? AND at < ? AND outcome IN ('allowed', 'mfaPassed') ORDER BY at DESC, rowid DESC LIMIT 1`,
    params: ['u', 0],
  },
  {
    name: 'population.populationSnapshot (one per value)',
    sql: `SELECT count FROM population WHERE feature = ? AND value = ?`,
    params: ['ip', 'x'],
  },
  {
    name: 'population.populationSnapshot (totals)',
    sql: `SELECT feature, value, count FROM population WHERE feature IN ('*', '#')`,
    params: [],
  },
  {
    name: 'detections.activeDetections',
    sql: `SELECT * FROM detections WHERE user_id = ? AND status = 'active' ORDER BY created_at, rowid`,
    params: ['u'],
  },
  { name: 'identities.getIdentity', sql: `SELECT * FROM identities WHERE user_id = ?`, params: ['u'] },
  // The risk alert's recipients, on the sign-in that raises a user's risk.
  { name: 'users.usersWithRole', sql: USERS_WITH_ROLE_SQL, params: ['admin'] },
  {
    name: 'counters.count',
    sql: `SELECT count FROM counters WHERE key = ? AND expires_at > ?`,
    params: ['k', 0],
  },
  {
    name: 'signIns.recordSignIn (ON CONFLICT (id) lookup)',
    sql: `SELECT rowid FROM sign_ins WHERE id = ?`,
    params: ['x'],
  },
];

export function queryPlans(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const out: string[] = [];
    for (const query of HOT_QUERIES) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as {
        id: number;
        parent: number;
        detail: string;
      }[];
      out.push(`  ${query.name}:`);
      const depth = new Map<number, number>([[0, 0]]);
      for (const row of plan) {
        const d = (depth.get(row.parent) ?? 0) + 1;
        depth.set(row.id, d);
        out.push(`  ${'  '.repeat(d)}${row.detail}`);
      }
    }
    return out.join('\n');
  } finally {
    db.close();
  }
}

export function tableCounts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const counts: Record<string, number> = {};
    // Small tables only: COUNT(*) over the 10M-row ones would take longer than it tells.
    for (const name of ['population', 'detections', 'identities', 'counters']) {
      counts[name] = (db.prepare(`SELECT COUNT(*) AS n FROM ${name}`).get() as { n: number }).n;
    }
    return counts;
  } finally {
    db.close();
  }
}

export interface Goals {
  fractionOfArgon2: number;
  flatRatio: number;
}

export function summaryTable(results: SizeResult[], argon2P50: number, goals: Goals): string {
  const rows = results.map((r) => {
    const wall = r.bench.evaluations.wall();
    return [
      count(r.users),
      count(r.signInRows),
      ms(r.build.ms / 1000, 1),
      ms(wall.p50),
      ms(wall.p99),
      ms(wall.max),
      pct(wall.p99 / argon2P50),
      wall.p99 < goals.fractionOfArgon2 * argon2P50 ? 'PASS' : 'MISS',
      ms(r.bench.evaluations.cpu().p99),
      ms(r.bench.evaluations.clean().p99),
    ];
  });
  return table(
    [
      'users',
      'sign_ins rows',
      'build s',
      'p50 ms',
      'p99 ms',
      'max ms',
      'p99 / argon2',
      `p99 < ${pct(goals.fractionOfArgon2)}`,
      'CPU p99 ms',
      'p99 w/o preempt/WAL/GC',
    ],
    rows,
  );
}
