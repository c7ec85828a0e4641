/**
 * WAL checkpoint policy benchmark (`npm run bench:checkpoint`, i.e. `tsx bench/checkpoint.ts`): what
 * the SQLite background checkpointer (src/storage/sqlite/checkpointer.ts) costs the commits on the
 * main thread at a steady commit rate, checkpointing by WAL size (Riskgate's default) against the
 * policy it replaced, a PASSIVE checkpoint every 250 ms (the baseline, run in the same process).
 *
 * After a complete checkpoint the next commit restarts the WAL and syncs its header: with a checkpoint
 * every 250 ms, a server taking fewer than a few commits per 250 ms pays that fsync on most of them.
 * Each variant gets a fresh file in a temp folder, the checkpointer started at once, and a timer
 * committing one small row per tick; the commit's wall time is measured with performance.now().
 * Variants run in the order A B B A per rate so drifting machine load hits them alike. Nothing here
 * asserts on timings.
 *
 * Knobs (environment):
 *   BENCH_CHECKPOINT_COMMITS=300   commits per variant and rate
 *   BENCH_CHECKPOINT_RATES=20,200  commits per second
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_CHECKPOINTER, startCheckpointer } from '../src/storage/sqlite/checkpointer.js';
import { applyPragmas } from '../src/storage/sqlite/pragmas.js';
import { percentiles, type Percentiles } from './percentiles.js';

const COMMITS = Number(process.env.BENCH_CHECKPOINT_COMMITS ?? 300);
const RATES = (process.env.BENCH_CHECKPOINT_RATES ?? '20,200').split(',').map(Number);

interface Variant {
  name: string;
  thresholdFrames: number;
}

const BY_SIZE: Variant = {
  name: `by size (${DEFAULT_CHECKPOINTER.thresholdFrames} frames)`,
  thresholdFrames: DEFAULT_CHECKPOINTER.thresholdFrames,
};
// A threshold of one frame checkpoints at every look: the former policy, every 250 ms.
const EVERY_LOOK: Variant = {
  name: `every ${DEFAULT_CHECKPOINTER.intervalMs} ms (baseline)`,
  thresholdFrames: 1,
};

async function commitTimes(variant: Variant, rate: number): Promise<number[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-bench-checkpoint-'));
  const file = path.join(dir, 'bench.sqlite');
  const db = new Database(file);
  applyPragmas(db);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const checkpointer = startCheckpointer(db, {
    ...DEFAULT_CHECKPOINTER,
    file,
    startAfterMs: 0,
    thresholdFrames: variant.thresholdFrames,
  });
  await new Promise((resolve) => setTimeout(resolve, 200)); // the worker is up
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const times: number[] = [];
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const start = performance.now();
      insert.run('x'.repeat(200));
      times.push(performance.now() - start);
      if (times.length === COMMITS) {
        clearInterval(timer);
        resolve();
      }
    }, 1000 / rate);
  });
  await checkpointer.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return times;
}

/** Nearest-rank percentiles, and how many commits took over a millisecond. */
function summary(times: number[]): Percentiles & { over1ms: number } {
  return { ...percentiles(times), over1ms: times.filter((t) => t > 1).length };
}

async function main(): Promise<void> {
  console.log(
    `WAL checkpoint policy: ${COMMITS} commits per variant and rate, one small row each; rates ${RATES.join(', ')}/s; ` +
      `${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
  );
  console.log(
    '| rate/s | checkpoint              | commits | p50 ms | p99 ms | max ms | commits > 1 ms | p99 / baseline p99 |',
  );
  console.log(
    '|-------:|-------------------------|--------:|-------:|-------:|-------:|---------------:|-------------------:|',
  );
  for (const rate of RATES) {
    const pooled = new Map<Variant, number[]>([
      [EVERY_LOOK, []],
      [BY_SIZE, []],
    ]);
    for (const variant of [EVERY_LOOK, BY_SIZE, BY_SIZE, EVERY_LOOK]) {
      pooled.get(variant)!.push(...(await commitTimes(variant, rate)));
    }
    const baseline = summary(pooled.get(EVERY_LOOK)!);
    for (const variant of [EVERY_LOOK, BY_SIZE]) {
      const s = summary(pooled.get(variant)!);
      console.log(
        `| ${String(rate).padStart(6)} | ${variant.name.padEnd(23)} | ${String(pooled.get(variant)!.length).padStart(7)} | ` +
          `${s.p50.toFixed(3).padStart(6)} | ${s.p99.toFixed(3).padStart(6)} | ${s.max.toFixed(3).padStart(6)} | ` +
          `${String(s.over1ms).padStart(14)} | ${(s.p99 / baseline.p99).toFixed(2).padStart(18)} |`,
      );
    }
  }
}

await main();
