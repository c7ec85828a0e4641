/**
 * Impact-preview benchmark (`npm run bench:preview`): the policy service's preview over 30 days of
 * stored sign-ins in SQLite, at 100k and 300k sign-ins (25 per user), against two baselines measured
 * in the same process on the same file: a bare keyset scan of the same rows (the store reads alone)
 * and loading the whole window with one query (what a preview that did not page would hold).
 *
 * Memory is the growth of the process's peak RSS (getrusage maxRSS) during each step, run in the order
 * preview, scan, load-all, so each later step only adds what it needs beyond the earlier peak. Each
 * size runs in its own child process so that one size's peak does not hide the next one's. Then the
 * preview alone runs again at each size and at 1M sign-ins in a process whose V8 heap is capped at
 * 64 MiB: it can only finish if what it holds does not grow with history (load-all at 300k needs
 * far more).
 *
 * History: 90% no sign-in risk, 6% low, 3% medium, 1% high; user risk high for 1% of users; 80% of
 * users with MFA; 10% in the "contractors" group; 5% of sign-ins recorded without policy inputs (as
 * before they were kept). Proposal: MFA at low sign-in risk, block at high, contractors excluded.
 *
 *   BENCH_PREVIEW_SIZES=100000,300000   sign-in counts (each in its own process)
 *   BENCH_PREVIEW_CAPPED=1000000        the extra size of the heap-capped preview run
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/storage/sqlite/index.js';
import { toRecord, type SignInRow } from '../src/storage/sqlite/signIns.js';
import { BuiltinDirectory } from '../src/auth/builtinDirectory.js';
import { PolicyService } from '../src/policy/service/service.js';
import { DEFAULT_POLICIES } from '../src/policy/schema.js';
import type { SignInCursor } from '../src/storage/types.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 1);
const PER_USER = 25;
/** V8 old-space cap for the preview-only runs; one page of rows plus the tallies fit well within it. */
const HEAP_CAP_MB = 64;
/** The capped run also replays this many sign-ins (too many to load at once under the cap). */
const CAPPED_EXTRA = Number(process.env.BENCH_PREVIEW_CAPPED ?? 1_000_000);

/** Deterministic pseudo-random numbers (mulberry32), so every run replays the same history. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function load(file: string, signIns: number): void {
  void openSqliteStore({ file }).close();
  const db = new Database(file);
  const next = random(42);
  const insert = db.prepare(
    `INSERT INTO sign_ins (id, user_id, username, at, ip, network, country, city, latitude, longitude,
       user_agent, browser, browser_family, os, device_type, device_id, outcome, risk_level, risk_state,
       user_risk_level, decision, report_only, policy_inputs, updated_at)
     VALUES (?, ?, ?, ?, '81.2.69.142', '81.2.69.0/24', 'GB', 'London', 51.5, -0.09, 'Mozilla/5.0', 'Chrome 120',
       'Chrome', 'Windows 10', 'desktop', 'device', 'allowed', ?, 'none', ?, 'allow', '[]', ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < signIns; i++) {
      const user = Math.floor(i / PER_USER);
      const r = next();
      const risk = r < 0.9 ? 'none' : r < 0.96 ? 'low' : r < 0.99 ? 'medium' : 'high';
      const inputs = {
        groups: user % 10 === 0 ? ['contractors'] : [],
        hasMfa: user % 5 !== 0,
        mfaPromptedAt: null,
        blocked: false,
        mustChangePassword: false,
        passwordResetRequired: false,
      };
      const at = NOW - Math.floor(next() * 30 * DAY);
      const userRisk = user % 100 === 0 ? 'high' : 'none';
      const kept = next() < 0.95 ? JSON.stringify(inputs) : null;
      insert.run(`s${i}`, `u${String(user).padStart(7, '0')}`, `user${user}`, at, risk, userRisk, kept, at);
    }
  })();
  db.close();
}

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

/** The preview alone, in a process whose V8 heap is capped: it finishes only if memory stays bounded. */
async function previewUnderCap(signIns: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-bench-preview-'));
  try {
    const file = path.join(dir, 'riskgate.sqlite');
    load(file, signIns);
    const store = openSqliteStore({ file, sessionPruneIntervalMs: 0 });
    const { service, proposed } = await serviceOn(store);
    const t = performance.now();
    const result = await service.preview(proposed, 30);
    if (!result.ok) throw new Error(result.error.message);
    const heap = v8.getHeapStatistics();
    console.log(
      JSON.stringify({
        signIns,
        heapCapMb: HEAP_CAP_MB,
        replayed: result.value.signIns,
        previewMs: Math.round(performance.now() - t),
        heapLimitMb: Math.round(heap.heap_size_limit / 2 ** 20),
        heapTotalMb: Math.round(heap.total_heap_size / 2 ** 20),
      }),
    );
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The baseline under the same cap: the window loaded at once (expected to run out of memory). */
function loadAllUnderCap(signIns: number): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-bench-preview-'));
  try {
    const file = path.join(dir, 'riskgate.sqlite');
    load(file, signIns);
    const raw = new Database(file, { readonly: true });
    const all = raw.prepare<[], SignInRow>(`SELECT * FROM sign_ins`).all().map(toRecord);
    console.log(JSON.stringify({ signIns, heapCapMb: HEAP_CAP_MB, loadedAll: all.length }));
    raw.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function serviceOn(store: ReturnType<typeof openSqliteStore>) {
  const service = new PolicyService({
    store,
    directory: new BuiltinDirectory(store.users),
    defaults: DEFAULT_POLICIES,
    cacheTtlMs: 5000,
    now: () => NOW,
  });
  await service.start();
  const proposed = structuredClone(DEFAULT_POLICIES);
  proposed.signInRisk.mfaAt = 'low';
  proposed.signInRisk.blockAt = 'high';
  proposed.signInRisk.scope.excludeGroups = ['contractors'];
  return { service, proposed };
}

async function measureSize(signIns: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-bench-preview-'));
  try {
    const file = path.join(dir, 'riskgate.sqlite');
    let t = performance.now();
    load(file, signIns);
    const loadS = (performance.now() - t) / 1000;
    const store = openSqliteStore({ file, sessionPruneIntervalMs: 0 });
    const { service, proposed } = await serviceOn(store);

    const rss0 = maxRssMb();
    t = performance.now();
    const result = await service.preview(proposed, 30);
    const previewMs = performance.now() - t;
    const rss1 = maxRssMb();
    if (!result.ok) throw new Error(result.error.message);

    t = performance.now();
    let scanned = 0;
    let after: SignInCursor | null = null;
    const window = { since: NOW - 30 * DAY, until: NOW + 1 };
    for (;;) {
      const page = await store.policies.signInsForReplay(window, after, 500);
      scanned += page.length;
      if (page.length < 500) break;
      const last = page[page.length - 1]!;
      after = { userId: last.userId!, at: last.context.at, id: last.id };
    }
    const scanMs = performance.now() - t;
    const rss2 = maxRssMb();

    t = performance.now();
    const raw = new Database(file, { readonly: true });
    const all = raw
      .prepare<[number], SignInRow>(`SELECT * FROM sign_ins WHERE at >= ? AND decision IS NOT NULL`)
      .all(window.since)
      .map(toRecord);
    const loadAllMs = performance.now() - t;
    const rss3 = maxRssMb();
    raw.close();
    await store.close();

    const p = result.value;
    const f = (n: number) => n.toFixed(0);
    console.log(
      JSON.stringify({
        signIns,
        users: p.users,
        loadS: Number(loadS.toFixed(1)),
        replayed: p.signIns,
        scanned,
        loadedAll: all.length,
        approximated: p.approximated,
        changed: p.changed,
        proposedMfa: p.proposed.outcomes.requireMfa,
        proposedBlock: p.proposed.outcomes.block,
        previewMs: Number(f(previewMs)),
        scanMs: Number(f(scanMs)),
        loadAllMs: Number(f(loadAllMs)),
        previewPerSecond: Math.round(p.signIns / (previewMs / 1000)),
        rssGrowthMb: {
          preview: Number(f(rss1 - rss0)),
          scan: Number(f(rss2 - rss1)),
          loadAll: Number(f(rss3 - rss2)),
        },
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizeArg = process.argv.indexOf('--size');
if (sizeArg > 0) {
  const size = Number(process.argv[sizeArg + 1]);
  if (process.argv.includes('--capped-load-all')) loadAllUnderCap(size);
  else await (process.argv.includes('--capped') ? previewUnderCap(size) : measureSize(size));
} else {
  const sizes = (process.env.BENCH_PREVIEW_SIZES ?? '100000,300000').split(',').map(Number);
  const load = os.loadavg().map((l) => l.toFixed(1));
  console.log(`impact preview benchmark, ${os.cpus().length} CPUs, load ${load.join(' ')}`);
  const run = (args: string[], nodeFlags: string[] = []) => {
    const child = spawnSync(
      process.execPath,
      [...nodeFlags, ...process.execArgv, process.argv[1]!, ...args],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    if (child.status !== 0) process.exit(child.status ?? 1);
  };
  for (const size of sizes) run(['--size', String(size)]);
  const cap = `--max-old-space-size=${HEAP_CAP_MB}`;
  for (const size of [...sizes, CAPPED_EXTRA]) run(['--size', String(size), '--capped'], [cap]);
  const largest = Math.max(...sizes);
  const baseline = spawnSync(
    process.execPath,
    [cap, ...process.execArgv, process.argv[1]!, '--size', String(largest), '--capped-load-all'],
    { stdio: ['ignore', 'inherit', 'pipe'] },
  );
  const outOfMemory = /heap out of memory/i.test(baseline.stderr.toString());
  console.log(
    JSON.stringify({
      baseline: 'load-all under the same cap',
      signIns: largest,
      exit: baseline.status,
      outOfMemory,
    }),
  );
}
