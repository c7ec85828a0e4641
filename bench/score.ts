/**
 * Risk-evaluation latency benchmark (`npm run bench:score`, i.e. `tsx bench/score.ts`): the full
 * evaluation of a sign-in whose password was verified (`engine.assessAuthenticated`: context, every
 * real-time detector including the familiarity model, the store reads and writes of the sign-in and
 * its detections, policies) on SQLite with 10k, 100k and 1M users of stored history, against one
 * argon2id verification (ARGON2_OPTIONS) measured in the same run. See docs/benchmarks.md.
 *
 * Goals: p99 under 2% of one argon2id verify (p50 of 50), and flat: p99 at 1M within 1.5x of 10k.
 *
 * History is bulk-loaded (bench/score/build.ts) into one file that grows 10k -> 100k -> 1M users, with
 * a copy kept at each smaller size: 20-50 sign-ins per user over 90 days (plus ~10% wrong-password
 * rows), familiarity and population rows consistent with them. The 900k users added for the 1M size
 * keep only their newest KEEP_AT_1M sign-in rows (their familiarity and population rows still cover
 * the whole history): an evaluation reads only the user's most recent good sign-in and familiarity.
 *
 * Measurement: each file is first read once into the OS page cache (pageCache.ts), then a Riskgate
 * per size (store = that SQLite file, logLevel silent, jobs off), WARMUP
 * evaluations each, then EVALUATIONS per size in ROUNDS interleaved rounds (A B C, C B A, ...) with
 * argon2id batches between rounds, so that load drifting on a shared machine hits every size and
 * argon2 alike. Users are uniformly random existing ones; sign-ins are 80% familiar, 8% new IP in the
 * home network, 5% new device, 3% browser update, 4% new country with a new device. An allowed one is
 * followed by completeSignIn (timed apart; it writes nothing now: an allowed sign-in is learned in the
 * evaluation's own write, so learning is inside the measured latency). Then a pass per size with every store call
 * timed. Everything lives in a temp folder that is removed at the end.
 *
 * Environment (for quick runs only; the documented numbers use the defaults):
 *   BENCH_SCORE_SIZES=10000,100000   sizes to build and measure (ascending)
 *   BENCH_SCORE_EVALUATIONS=2000     timed evaluations per size
 *   BENCH_SCORE_CHECKPOINT=inline    WAL checkpoints inside commits (SQLite's own) instead of the worker
 *   BENCH_SCORE_BUILT=<dir>          keep the built history there and reuse it next time (bench/score/reuse.ts)
 *   BENCH_SCORE_BUILD_ONLY=1         with BENCH_SCORE_BUILT: build and keep the history, measure nothing
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '../src/auth/passwordHasher.js';
import { GeoIp } from '../src/signals/geo.js';
import { HistoryFile } from './score/build.js';
import { checkAgainstEngine } from './score/check.js';
import {
  BenchClock,
  GcLog,
  measureArgon2,
  measureContext,
  Samples,
  SizeBench,
  type StoreCalls,
} from './score/measure.js';
import {
  breakdownTable,
  count,
  loadAverage,
  ms,
  pct,
  queryPlans,
  sizeLines,
  summaryTable,
  tableCounts,
  type SizeResult,
} from './score/report.js';
import { measureReads } from './score/reads.js';
import { dirtyMiB, warmPageCache } from './score/pageCache.js';
import { keepHistory, reuseHistory, type KeptSize } from './score/reuse.js';
import { buildNetworkPool, buildUaPool, type World } from './score/world.js';

const SIZES = (process.env.BENCH_SCORE_SIZES ?? '10000,100000,1000000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const EVALUATIONS = Number(process.env.BENCH_SCORE_EVALUATIONS ?? 2000);
const ROUNDS = 4;
const WARMUP = 200;
const STORE_PASS = 500;
/** Users whose history is also replayed through the engine to check the bulk loader. */
const CHECK_USERS = 25;
/** Random users for the direct big-table reads under three connection settings. */
const READ_CHECK = 1000;
const ARGON2_SAMPLES = 50;
/** Sizes above FULL_HISTORY_UP_TO add users with only their newest KEEP_AT_1M sign-in rows. */
const FULL_HISTORY_UP_TO = 100_000;
const KEEP_AT_1M = 10;
const GOALS = { fractionOfArgon2: 0.02, flatRatio: 1.5 };
const SEED = 0x5c0e;
const NETWORKS = 60_000;
/** History ends here; measured sign-ins follow it, one second apart. */
const BASE = Date.UTC(2026, 2, 2, 9, 0, 0);
const PASSWORD = 'bench lantern 7 orchard quietly';

function header(): void {
  const cpus = os.cpus();
  console.log('Riskgate risk-evaluation latency benchmark (bench:score)');
  console.log(
    `  machine: ${os.availableParallelism()} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${os.platform()} ${os.release()}; ` +
      `load average ${loadAverage()}`,
  );
  console.log(
    `  sizes: ${SIZES.map(count).join(' -> ')} users; ${WARMUP} warm-up + ${EVALUATIONS} timed evaluations ` +
      `per size in ${ROUNDS} interleaved rounds; ${ARGON2_SAMPLES} argon2id verifies between rounds; ` +
      `then ${STORE_PASS} evaluations per size with store calls timed`,
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  header();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-bench-score-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const onSignal = () => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const benches: SizeBench[] = [];
  try {
    const geo = await GeoIp.open();
    const pool = buildNetworkPool(geo, NETWORKS, SEED);
    const world: World = { seed: SEED, base: BASE, pool, uas: buildUaPool() };
    console.log(
      `  world: ${pool.nets.length} /24 networks in ${pool.countries.length} countries ` +
        `(${pool.homeCities.length} home cities), ${world.uas.all.length} user agents`,
    );
    const hash = await hashPassword(PASSWORD);
    const check = await checkAgainstEngine(world, hash, PASSWORD, dir, CHECK_USERS);
    const mismatched = check.familiarity.mismatched + check.population.mismatched + check.signIns.mismatched;
    console.log(
      `  loader check: ${check.users} users' ${check.replayed} good sign-ins replayed through the engine: ` +
        `familiarity ${check.familiarity.rows} rows, population ${check.population.rows} rows, ` +
        `sign-in contexts ${check.signIns.rows} rows -> ${mismatched === 0 ? 'identical to the bulk load' : `${mismatched} rows differ (see bench/score/check.ts)`}`,
    );

    // Build: one file grown size by size, a copy kept of each smaller size (or reuse a kept build).
    console.log('\n== Building history ==');
    const fileName = (i: number) =>
      i === SIZES.length - 1 ? 'riskgate.sqlite' : `riskgate-${SIZES[i]!}.sqlite`;
    const historyKey = {
      sizes: SIZES,
      seed: SEED,
      networks: NETWORKS,
      keepAt1M: KEEP_AT_1M,
      fullHistoryUpTo: FULL_HISTORY_UP_TO,
    };
    type Built = Omit<SizeResult, 'bench' | 'storeCalls' | 'storePassMeanMs'>;
    const reused = reuseHistory<Built>(process.env.BENCH_SCORE_BUILT, historyKey, dir);
    const built: Built[] = reused?.sizes.map((kept) => kept.stats) ?? [];
    if (reused) {
      console.log(
        `  reused the history built at ${reused.builtAt} (kept in ${process.env.BENCH_SCORE_BUILT!}):`,
      );
      for (const b of built)
        console.log(
          `  ${count(b.users)} users: ${count(b.signInRows)} sign-in rows; built in ${(b.build.ms / 1000).toFixed(1)} s then; ` +
            `file ${(b.fileBytes / 2 ** 30).toFixed(2)} GiB`,
        );
    } else {
      const growing = path.join(dir, 'riskgate.sqlite');
      const history = new HistoryFile(growing, world, hash);
      await history.create();
      let rows = 0;
      for (const [i, size] of SIZES.entries()) {
        const keep = size > FULL_HISTORY_UP_TO ? KEEP_AT_1M : null;
        const buildStarted = performance.now();
        const step = Math.max(100_000, Math.round((size - history.userCount) / 4));
        let next = step;
        const build = history.grow(size, keep, (done) => {
          if (done < next) return;
          next += step;
          console.log(
            `  ... ${count(done)} users added in ${((performance.now() - buildStarted) / 1000).toFixed(0)} s`,
          );
        });
        rows += build.signInRows;
        const file = path.join(dir, fileName(i));
        if (i !== SIZES.length - 1) copyFileSync(growing, file);
        const fileBytes = statSync(file).size;
        console.log(
          `  ${count(size)} users: +${count(build.addedUsers)} in ${(build.ms / 1000).toFixed(1)} s: ` +
            `${count(build.signInRows)} sign-in rows${keep === null ? '' : ` (newest ${keep} per user kept)`}, ` +
            `${count(build.learnedSignIns)} good sign-ins learned, ${count(build.familiarityRows)} familiarity rows; ` +
            `file ${(fileBytes / 2 ** 30).toFixed(2)} GiB; peak RSS ${(process.resourceUsage().maxRSS / 2 ** 20).toFixed(1)} GiB; ` +
            `load average ${loadAverage()}`,
        );
        built.push({ users: size, build, signInRows: rows, fileBytes });
      }
      const kept: KeptSize<Built>[] = built.map((stats, i) => ({
        size: stats.users,
        file: fileName(i),
        stats,
      }));
      keepHistory(process.env.BENCH_SCORE_BUILT, historyKey, dir, kept);
    }
    if (process.env.BENCH_SCORE_BUILD_ONLY === '1' && process.env.BENCH_SCORE_BUILT) {
      console.log(
        `\nhistory kept in ${process.env.BENCH_SCORE_BUILT}; BENCH_SCORE_BUILD_ONLY=1: nothing measured`,
      );
      return;
    }
    const rows = built[built.length - 1]?.signInRows ?? 0;

    // Measure: interleaved rounds, argon2 batches between them.
    console.log('\n== Measuring ==');
    const clock = new BenchClock(BASE + 60_000);
    const target = (i: number) => ({
      users: built[i]!.users,
      file: path.join(dir, fileName(i)),
      dataDir: dir,
      world,
      password: PASSWORD,
      clock,
      seed: SEED + 1000 * (i + 1),
    });
    for (let i = 0; i < built.length; i++) {
      const dirtyBefore = dirtyMiB();
      const { bytes, seconds, flushSeconds } = warmPageCache(target(i).file);
      console.log(
        `  ${count(built[i]!.users)}: file flushed to disk in ${flushSeconds.toFixed(1)} s ` +
          `(dirty page cache before: ${dirtyBefore === null ? 'unknown' : `${dirtyBefore.toFixed(0)} MiB`}), ` +
          `read once into the OS page cache: ${(bytes / 1024 ** 3).toFixed(2)} GiB ` +
          `in ${seconds.toFixed(1)} s (${(bytes / 1024 ** 3 / Math.max(seconds, 1e-6)).toFixed(1)} GiB/s)`,
      );
    }
    for (let i = 0; i < built.length; i++) benches.push(await SizeBench.open(target(i)));
    for (const bench of benches) await bench.evaluate(WARMUP, false);
    const gcLog = new GcLog();
    gcLog.start();
    const argon2 = new Samples();
    await measureArgon2(new Samples(), hash, PASSWORD, 3); // warm-up
    const argon2Batch = Math.ceil(ARGON2_SAMPLES / (ROUNDS + 1));
    for (let round = 0; round < ROUNDS; round++) {
      await measureArgon2(argon2, hash, PASSWORD, argon2Batch);
      const order = round % 2 === 0 ? benches : [...benches].reverse();
      const perRound = Math.ceil(EVALUATIONS / ROUNDS);
      for (const bench of order) await bench.evaluate(perRound, true);
      const dirty = dirtyMiB();
      console.log(
        `  round ${round + 1}/${ROUNDS} done; load average ${loadAverage()}` +
          (dirty === null ? '' : `; dirty page cache ${dirty.toFixed(0)} MiB`),
      );
    }
    await measureArgon2(argon2, hash, PASSWORD, ARGON2_SAMPLES - argon2.list.length);
    for (const bench of benches) await bench.close();
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the last GC entries arrive
    gcLog.stop();
    for (const bench of benches) gcLog.mark(bench.evaluations);
    const argonWall = argon2.wall();
    const argonCpu = argon2.cpu();
    console.log(
      `  argon2id verify (m=19 MiB, t=2, p=1), ${argonWall.n} sequential: wall p50 ${ms(argonWall.p50, 2)} ms, ` +
        `p99 ${ms(argonWall.p99, 2)} ms; CPU p50 ${ms(argonCpu.p50, 2)} ms; ` +
        `2% of wall p50 = ${ms(argonWall.p50 * GOALS.fractionOfArgon2)} ms`,
    );

    // Where the time goes: a separate pass per size with every store call timed.
    const results: SizeResult[] = [];
    for (let i = 0; i < built.length; i++) {
      const calls: StoreCalls = new Map();
      const timed = await SizeBench.open({ ...target(i), seed: SEED + 1000 * (i + 1) + 500 }, calls);
      await timed.evaluate(50, false);
      await timed.evaluate(STORE_PASS, true);
      await timed.close();
      const storePassMeanMs = timed.evaluations.wall().mean;
      results.push({ ...built[i]!, bench: benches[i]!, storeCalls: calls, storePassMeanMs });
    }

    console.log('\n== Per size ==');
    for (const r of results) {
      console.log(sizeLines(r, argonWall.p50));
      console.log(
        `    store calls inside the evaluation (separate pass, ${STORE_PASS} evaluations, mean ${ms(r.storePassMeanMs)} ms):`,
      );
      console.log(breakdownTable(r.storeCalls, STORE_PASS, r.storePassMeanMs).replace(/^/gm, '    '));
    }

    const parts = measureContext(world, geo, built[0]!.users, 2000);
    console.log(
      `\nbuilding the SignInContext alone (CPU, ${2000} sign-ins): ${ms(parts.context, 1)} µs per sign-in, ` +
        `of which UA parsing ${ms(parts.userAgent, 1)} µs and the geo lookup ${ms(parts.geo, 1)} µs`,
    );

    const largest = target(built.length - 1).file;
    const familiarityRows = built.reduce((sum, b) => sum + b.build.familiarityRows, 0);
    console.log(
      `\nrows in the largest file: users ${count(built[built.length - 1]!.users)}, sign_ins ${count(rows)} ` +
        `(history) + the measured ones, familiarity ${count(familiarityRows)} (history) + learned, ` +
        Object.entries(tableCounts(largest))
          .map(([name, n]) => `${name} ${count(n)}`)
          .join(', '),
    );
    console.log(
      `the three big-table reads through the store for ${READ_CHECK} random users, by connection setting ` +
        '(mean µs per call; familiarity / last good sign-in / population / together):',
    );
    for (const [i, b] of built.entries()) {
      for (const r of await measureReads(target(i).file, world, geo, b.users, READ_CHECK)) {
        console.log(
          `  ${count(b.users).padEnd(5)} ${r.setting.padEnd(38)} ${ms(r.familiarity, 1).padStart(7)} ` +
            `${ms(r.lastSignIn, 1).padStart(7)} ${ms(r.population, 1).padStart(7)} ${ms(r.total, 1).padStart(8)}`,
        );
      }
    }
    console.log('query plans of the hot statements (largest file; no ANALYZE, as Riskgate runs):');
    console.log(queryPlans(largest));

    console.log(`\n== Summary (argon2id verify p50 ${ms(argonWall.p50, 2)} ms, wall time) ==`);
    console.log(summaryTable(results, argonWall.p50, GOALS));
    const limit = GOALS.fractionOfArgon2 * argonWall.p50;
    for (const r of results) {
      const p99 = r.bench.evaluations.wall().p99;
      console.log(
        `goal p99 < ${pct(GOALS.fractionOfArgon2)} of argon2 verify at ${count(r.users)}: ` +
          `${p99 < limit ? 'PASS' : 'MISS'} (${ms(p99)} ms vs ${ms(limit)} ms)`,
      );
    }
    const first = results[0];
    const last = results[results.length - 1];
    if (first && last && results.length > 1) {
      const ratio = last.bench.evaluations.wall().p99 / first.bench.evaluations.wall().p99;
      const cpuRatio = last.bench.evaluations.cpu().p99 / first.bench.evaluations.cpu().p99;
      console.log(
        `goal flat p99 ${count(first.users)} -> ${count(last.users)} within ${GOALS.flatRatio}x: ` +
          `${ratio <= GOALS.flatRatio ? 'PASS' : 'MISS'} (p99 ratio ${ratio.toFixed(2)}x; ` +
          `p50 ratio ${(last.bench.evaluations.wall().p50 / first.bench.evaluations.wall().p50).toFixed(2)}x; ` +
          `CPU p99 ratio ${cpuRatio.toFixed(2)}x)`,
      );
    }
    if (SIZES.some((s) => s > FULL_HISTORY_UP_TO)) {
      console.log(
        `note: users beyond the first ${count(FULL_HISTORY_UP_TO)} keep only their newest ${KEEP_AT_1M} ` +
          'sign-in rows (their familiarity and population rows cover the whole history)',
      );
    }
    console.log(
      `total time ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadAverage()}`,
    );
  } finally {
    for (const bench of benches) await bench.close().catch(() => undefined);
    cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
