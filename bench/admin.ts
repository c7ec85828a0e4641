/**
 * Admin report benchmark (`npm run bench:admin`): 100k users of history bulk-loaded into SQLite, then
 * the admin list pages timed through the real Reports service (store queries, username lookups)
 * against a baseline measured in the same run: a primary-key read of one user and one identity.
 *
 * Data: USERS users (default 100k); every user has an identity and SIGN_INS_PER_USER sign-ins over 90
 * days; RISKY_SHARE of them are risky (levels 60% low, 30% medium, 10% high, most at risk, some
 * remediated or dismissed) with two detections, one risky sign-in and two risk-history rows; 60% have
 * an authenticator, 15% are in their MFA grace period. Each query runs WARMUP times, then RUNS times;
 * the p50 and p95 are printed with their ratio to the baseline's p50, plus SQLite's query plans.
 *
 * Environment: BENCH_ADMIN_USERS=20000 for a quick run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/storage/sqlite/index.js';
import { BuiltinDirectory } from '../src/auth/builtinDirectory.js';
import { Reports } from '../src/admin/reports.js';
import { DEFAULT_POLICIES } from '../src/policy/schema.js';
import {
  riskyUsersQuery,
  riskySignInsQuery,
  detectionsQuery,
  mfaRegistrationQuery,
} from '../src/admin/schemas.js';

const USERS = Number(process.env.BENCH_ADMIN_USERS ?? 100_000);
const SIGN_INS_PER_USER = 5;
const RISKY_SHARE = 0.2;
const WARMUP = 20;
const RUNS = 200;
const DAY = 86_400_000;
const NOW = 1_780_000_000_000;

/** Deterministic pseudo-random numbers, so runs load the same data. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

function load(file: string): { risky: number; sampleUser: string } {
  openSqliteStore({ file, sessionPruneIntervalMs: 0 }).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const random = rng(42);
  const user = db.prepare(`INSERT INTO users VALUES (?, ?, NULL, '[]', '[]', 'x', ?)`);
  const identity = db.prepare(
    `INSERT INTO identities (user_id, risk_level, risk_state, totp_secret, mfa_prompted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const signIn = db.prepare(
    `INSERT INTO sign_ins (id, user_id, username, at, ip, network, country, city, latitude, longitude, user_agent, browser,
       browser_family, os, device_type, device_id, outcome, risk_level, risk_state, user_risk_level, decision, report_only, updated_at)
     VALUES (?, ?, ?, ?, '81.2.69.142', '81.2.69.0/24', 'GB', 'London', 51.5, -0.09, 'UA', 'Chrome 120', 'Chrome', 'Windows 10',
       'desktop', 'dev', 'allowed', ?, ?, 'none', 'allow', '[]', ?)`,
  );
  const detection = db.prepare(
    `INSERT INTO detections (id, user_id, sign_in_id, type, level, timing, scope, reason, evidence, status, closed_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'realtime', 'signIn', 'benchmark', NULL, ?, ?, ?, ?)`,
  );
  const history = db.prepare(
    `INSERT INTO risk_history (user_id, at, level_from, level_to, state_from, state_to, cause) VALUES (?, ?, ?, ?, ?, ?, '{"kind":"detection","types":["newCountry"]}')`,
  );
  let risky = 0;
  let sampleUser = '';
  db.transaction(() => {
    for (let i = 0; i < USERS; i++) {
      const id = `user-${i.toString().padStart(7, '0')}`;
      const at = NOW - Math.floor(random() * 90 * DAY);
      user.run(id, `user${i}`, at);
      const isRisky = random() < RISKY_SHARE;
      const r = random();
      const level = !isRisky ? 'none' : r < 0.6 ? 'low' : r < 0.9 ? 'medium' : 'high';
      const s = random();
      const state = !isRisky ? 'none' : s < 0.8 ? 'atRisk' : s < 0.9 ? 'remediated' : 'dismissed';
      const shownLevel = state === 'atRisk' ? level : 'none';
      const m = random();
      identity.run(
        id,
        shownLevel,
        state,
        m < 0.6 ? 'sealed' : null,
        m >= 0.6 && m < 0.75 ? NOW - 3 * DAY : m >= 0.75 ? NOW - 40 * DAY : null,
        at,
      );
      for (let k = 0; k < SIGN_INS_PER_USER; k++) {
        const risk = isRisky && k === 0 ? level : 'none';
        signIn.run(
          `${id}-s${k}`,
          id,
          `user${i}`,
          at - k * DAY,
          risk,
          risk === 'none' ? 'none' : state,
          at - k * DAY,
        );
      }
      if (isRisky) {
        risky++;
        if (level === 'high' && !sampleUser) sampleUser = id;
        const status = state === 'atRisk' ? 'active' : 'closed';
        const closedBy = state === 'atRisk' ? null : state;
        detection.run(`${id}-d0`, id, `${id}-s0`, 'unfamiliarFeatures', level, status, closedBy, at, at);
        detection.run(`${id}-d1`, id, `${id}-s0`, 'newCountry', 'low', status, closedBy, at, at);
        history.run(id, at, 'none', level, 'none', 'atRisk');
        if (state !== 'atRisk') history.run(id, at + 1, level, 'none', 'atRisk', state);
      }
    }
  })();
  db.exec('ANALYZE');
  db.close();
  return { risky, sampleUser };
}

async function time(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < WARMUP; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(RUNS * 0.5)]!, p95: samples[Math.floor(RUNS * 0.95)]! };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-bench-admin-'));
  const file = path.join(dir, 'riskgate.sqlite');
  try {
    const started = performance.now();
    const { risky, sampleUser } = load(file);
    console.log(
      `loaded ${USERS} users (${risky} risky, ${USERS * SIGN_INS_PER_USER} sign-ins) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const store = openSqliteStore({ file, sessionPruneIntervalMs: 0 });
    const reports = new Reports({
      store,
      directory: new BuiltinDirectory(store.users),
      policies: async () => DEFAULT_POLICIES,
      now: () => NOW,
    });
    const q = <T>(schema: { parse(v: unknown): T }, v: Record<string, string>) => schema.parse(v);
    const cases: [string, () => Promise<unknown>][] = [
      [
        'baseline: user + identity by primary key',
        async () => {
          await store.users.findUserById(sampleUser);
          await store.identities.getIdentity(sampleUser);
        },
      ],
      ['risky users, page 1 (newest)', () => reports.riskyUsers(q(riskyUsersQuery, {}))],
      ['risky users, page 400 (deep offset)', () => reports.riskyUsers(q(riskyUsersQuery, { page: '400' }))],
      ['risky users, level=high', () => reports.riskyUsers(q(riskyUsersQuery, { level: 'high' }))],
      [
        'risky users, at risk, sorted by level',
        () => reports.riskyUsers(q(riskyUsersQuery, { state: 'atRisk', sort: 'level' })),
      ],
      ['risky sign-ins, page 1', () => reports.riskySignIns(q(riskySignInsQuery, {}))],
      ['risky sign-ins, level=high', () => reports.riskySignIns(q(riskySignInsQuery, { level: 'high' }))],
      ['detections, active', () => reports.detections(q(detectionsQuery, { status: 'active' }))],
      ['MFA registration, counts + page 1', () => reports.mfaRegistration(q(mfaRegistrationQuery, {}))],
      ['one user page', () => reports.user(sampleUser)],
    ];
    const results: [string, { p50: number; p95: number }][] = [];
    for (const [name, run] of cases) results.push([name, await time(run)]);
    const base = results[0]![1].p50;
    console.log(
      `\n${'query'.padEnd(42)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'x baseline'.padStart(11)}`,
    );
    for (const [name, r] of results) {
      console.log(
        `${name.padEnd(42)} ${r.p50.toFixed(3).padStart(8)} ${r.p95.toFixed(3).padStart(8)} ${(r.p50 / base).toFixed(1).padStart(11)}`,
      );
    }
    await store.close();
    const raw = new Database(file, { readonly: true });
    const plans: [string, string][] = [
      [
        'risky users',
        `SELECT * FROM identities WHERE risk_state <> 'none' ORDER BY updated_at DESC LIMIT 25`,
      ],
      [
        'risky users by level',
        `SELECT * FROM identities WHERE risk_state IN ('atRisk') ORDER BY risk_rank DESC, updated_at DESC LIMIT 25`,
      ],
      ['risky sign-ins', `SELECT * FROM sign_ins WHERE risk_level <> 'none' ORDER BY at DESC LIMIT 25`],
      ['detections', `SELECT * FROM detections WHERE status = 'active' ORDER BY created_at DESC LIMIT 25`],
    ];
    console.log('\nquery plans:');
    for (const [name, sql] of plans) {
      const plan = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[];
      console.log(`  ${name}: ${plan.map((p) => p.detail).join('; ')}`);
    }
    raw.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
