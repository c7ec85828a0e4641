/**
 * Sign-in benchmark (`npm run bench:signin`, i.e. `tsx bench/signin.ts`): real sign-ins over HTTP with
 * autocannon, a bare baseline app against Riskgate (all detectors, default policies, behind the demo
 * app), in one run so the ratios are comparable on a noisy machine. See docs/benchmarks.md.
 *
 * Scenarios, on each backend (SQLite in a temp folder; PostgreSQL in a fresh schema; PostgreSQL with
 * Redis sessions and counters under a fresh key prefix), opened from the settings an install uses:
 *   sign-in         POST of a complete, valid sign-in: 303 to '/' is a success, anything else an error.
 *                   Riskgate: each request carries its own fresh session cookie and CSRF token, from a
 *                   GET of the sign-in page made before the measurement (so only POSTs are measured).
 *   protected page  GET with a signed-in session cookie: baseline /protected, demo app /. Expect 200.
 *   2 instances     (PostgreSQL backends) two Riskgate server processes on the same database, one
 *                   autocannon per process in parallel, throughput summed, latencies pooled.
 * Every server is its own process; autocannon runs in this one. All traffic stays on 127.0.0.1.
 *
 * Fixed parameters (below): 200 users, 8 connections per server, a warm-up per variant (32 sign-ins per
 * server, or 2 s of pages), then 10 s measured per variant as two 5 s windows, the variants of a
 * scenario interleaved A B C C B A so that drifting machine load hits them alike. Prepared sign-in
 * pools are sized from the warm-up rate (x3, capped); a pool that runs out cuts the window, reported.
 * Throttle limits are raised far out of reach for the Riskgate servers (one client IP, many sign-ins
 * per user); lockout never triggers (no failures). Nothing here asserts on timings.
 */
import os from 'node:os';
import type { BackendSpec } from './signin/backends.js';
import { measurePages, measureSignIns, type Contender, type MeasureParams } from './signin/measure.js';
import { destroyAgent } from './signin/prepare.js';
import {
  CAN_PIN,
  killAllServers,
  startServer,
  type Placement,
  type ServerProcess,
} from './signin/processes.js';
import { cpuQuota } from './signin/cpuQuota.js';
import { describeMeasurement, ratiosTable, resultsTable, type Row } from './signin/report.js';
import type { ServerConfig } from './signin/server.js';
import {
  BENCH_THROTTLE,
  benchServerConfig,
  Cleanup,
  makeUsers,
  postgresSchema,
  redisPrefix,
  seedUsers,
  tempDir,
  type BenchUserWithHash,
} from './signin/setup.js';

const USERS = 200;
// Per server (BENCH_CONNECTIONS overrides): argon2 (~25 ms of CPU per verify) saturates a free core
// well below this; on a busy machine more connections keep the server's argon2 threads busy.
const CONNECTIONS = Math.max(1, Number.parseInt(process.env.BENCH_CONNECTIONS ?? '8', 10) || 8);
const WINDOW_S = 5; // each variant: 2 windows per round, interleaved A B B A, so 10 s measured per round
// BENCH_ROUNDS=N repeats the interleaved windows N times (default 1): on a busy machine, less noise.
const ROUNDS = Math.max(1, Number.parseInt(process.env.BENCH_ROUNDS ?? '1', 10) || 1);
// BENCH_BACKENDS=sqlite,postgres,postgres+redis (default all) picks the backends to measure.
const BACKENDS = new Set(
  (process.env.BENCH_BACKENDS ?? 'sqlite,postgres,postgres+redis').split(',').map((name) => name.trim()),
);
const WARMUP_SIGNINS = 32; // per server, before each sign-in measurement (also estimates the rate)
const WARMUP_PAGES_S = 2;
const POOL_FACTOR = 3; // prepared sign-ins per server and window = warm-up rate x 5 s x 3 (+ slack), capped
const MAX_POOL = 4000;
const SIGNED_IN_SESSIONS = 32; // cookies the protected-page runs cycle through
const PREPARE_CONCURRENCY = 4;
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * How each server instance gets its CPU (docs/benchmarks.md, "Two instances"): `quota` (the default
 * where cgroups are writable) gives every instance the same CPU limit, BENCH_CPU cores (default
 * 0.5), like a container; `pin` gives each instance a core of its own with taskset; `free` lets
 * every server use every core. BENCH_PLACEMENT chooses; BENCH_PIN=0 is the older spelling of free.
 */
const QUOTA_CORES = Number(process.env.BENCH_CPU ?? 0.5);
const PLACEMENT = ((): 'quota' | 'pin' | 'free' => {
  const asked = process.env.BENCH_PLACEMENT ?? (process.env.BENCH_PIN === '0' ? 'free' : undefined);
  if (asked === 'free') return 'free';
  const canPin = CAN_PIN && os.availableParallelism() >= 2;
  if (asked === 'pin') return canPin ? 'pin' : 'free';
  if (cpuQuota.available() && QUOTA_CORES > 0) return 'quota';
  return canPin ? 'pin' : 'free';
})();
const placementOf = (cpu: number): Placement =>
  PLACEMENT === 'quota'
    ? { kind: 'quota', cores: QUOTA_CORES }
    : PLACEMENT === 'pin'
      ? { kind: 'core', cpu }
      : { kind: 'free' };

const MEASURE: MeasureParams = {
  connections: CONNECTIONS,
  windowS: WINDOW_S,
  warmupSignIns: WARMUP_SIGNINS,
  warmupPagesS: WARMUP_PAGES_S,
  poolFactor: POOL_FACTOR,
  maxPool: MAX_POOL,
  signedInSessions: SIGNED_IN_SESSIONS,
  prepareConcurrency: PREPARE_CONCURRENCY,
  rounds: ROUNDS,
};

type Kind = ServerConfig['kind'];

const loadAverage = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

function header(): void {
  const cpus = os.cpus();
  console.log('Riskgate sign-in benchmark');
  console.log(
    `  machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ` +
      `node ${process.version}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
  );
  console.log(
    `  ${USERS} users, ${CONNECTIONS} connections per server, warm-up ${WARMUP_SIGNINS} sign-ins / ` +
      `${WARMUP_PAGES_S} s of pages per variant, then ${2 * WINDOW_S * ROUNDS} s measured per variant in ` +
      `${WINDOW_S} s windows interleaved A B C C B A` +
      (ROUNDS > 1 ? `, ${ROUNDS} rounds` : ''),
  );
  console.log(
    {
      quota:
        `  CPU quota: every server process (baseline, Riskgate, each of two Riskgate instances) in a cgroup ` +
        `of its own limited to ${QUOTA_CORES} cores; autocannon (this process), PostgreSQL and Redis are not limited`,
      pin:
        '  pinned with taskset: the baseline and Riskgate (one instance) on core 0, the second Riskgate ' +
        'instance on core 1; autocannon (this process), PostgreSQL and Redis are not pinned',
      free: '  no CPU limit or pinning (BENCH_PLACEMENT=free): every server may use every core',
    }[PLACEMENT],
  );
  console.log(`  load average at start: ${loadAverage()} (other work on the machine skews absolute figures)`);
  console.log(
    `  Riskgate: all detectors, default policies, production mode, logLevel silent, trustProxy loopback; ` +
      `throttle raised for the benchmark: ${BENCH_THROTTLE.maxPerIp} per IP and per username per ` +
      `${BENCH_THROTTLE.windowSeconds} s (so the limits never trip)`,
  );
}

async function benchBackend(
  spec: BackendSpec,
  users: BenchUserWithHash[],
  twoInstances: boolean,
  rows: Row[],
): Promise<void> {
  console.log(`\n${spec.name}: seeding ${users.length} users, starting servers`);
  await seedUsers(spec, users);
  // One config for every process of the backend, so any instance reads any instance's session.
  const config = (kind: Kind): ServerConfig => benchServerConfig(kind, spec, 8 * 60);
  const riskgateConfig = config('riskgate');
  const started: ServerProcess[] = [];
  const start = async (label: string, serverConfig: ServerConfig, cpu: number) => {
    const server = await startServer(`${spec.name} ${label}`, serverConfig, placementOf(cpu));
    started.push(server);
    return server;
  };
  try {
    // One instance, Riskgate's or the baseline's, runs on core 0; the second Riskgate on core 1.
    const baseline = await start('baseline', config('baseline'), 0);
    const riskgate = await start('Riskgate', riskgateConfig, 0);
    const contenders: Contender[] = [
      { variant: 'baseline', kind: 'baseline', servers: [baseline] },
      { variant: 'Riskgate', kind: 'riskgate', servers: [riskgate] },
    ];
    if (twoInstances) {
      const second = await start('Riskgate #2', riskgateConfig, 1);
      contenders.push({ variant: 'Riskgate, 2 instances', kind: 'riskgate', servers: [riskgate, second] });
    }
    for (const [scenario, measure] of [
      ['sign-in', measureSignIns],
      ['protected page', measurePages],
    ] as const) {
      const results = await measure(contenders, users, MEASURE);
      for (const c of contenders) {
        const row: Row = {
          backend: spec.name,
          scenario,
          variant: c.variant,
          result: results.get(c.variant)!,
        };
        rows.push(row);
        console.log(describeMeasurement(row));
      }
    }
  } finally {
    await Promise.allSettled(started.map((server) => server.stop()));
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  if (PLACEMENT === 'quota') cpuQuota.removeStale();
  header();
  const cleanup = new Cleanup();
  const rows: Row[] = [];
  const interrupted = () => {
    console.error('\ninterrupted: cleaning up');
    killAllServers();
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  process.once('exit', killAllServers);
  try {
    console.log(`\nhashing ${USERS} passwords (argon2id, Riskgate's ARGON2_OPTIONS), once`);
    const users = await makeUsers(USERS);

    if (BACKENDS.has('sqlite'))
      await benchBackend({ name: 'SQLite', settings: { dataDir: tempDir(cleanup) } }, users, false, rows);
    const schema = BACKENDS.has('postgres') ? await postgresSchema(POSTGRES_URL, cleanup) : null;
    if (schema) {
      const settings = { dataDir: tempDir(cleanup), databaseUrl: POSTGRES_URL, databaseSchema: schema };
      await benchBackend({ name: 'PostgreSQL', settings }, users, true, rows);
    }
    const redisSchema = BACKENDS.has('postgres+redis') ? await postgresSchema(POSTGRES_URL, cleanup) : null;
    const prefix = redisSchema ? await redisPrefix(REDIS_URL, cleanup) : null;
    if (redisSchema && prefix) {
      const settings = {
        dataDir: tempDir(cleanup),
        databaseUrl: POSTGRES_URL,
        databaseSchema: redisSchema,
        redisUrl: REDIS_URL,
        redisPrefix: prefix,
      };
      await benchBackend({ name: 'PostgreSQL+Redis', settings }, users, true, rows);
    }
  } finally {
    killAllServers();
    destroyAgent();
    await cleanup.runAll();
  }
  console.log(
    `\nResults (${((Date.now() - startedAt) / 1000).toFixed(0)} s in all; load average now ${loadAverage()})\n`,
  );
  console.log(resultsTable(rows));
  console.log(
    '\nRatios (goals: Riskgate >= 0.95x baseline throughput, <= 1.1x its p99; 2 instances >= 1.8x 1)\n',
  );
  console.log(ratiosTable(rows));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
