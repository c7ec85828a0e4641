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
 * Then the sustained case: commits back to back, one per turn of the event loop as a server under a
 * burst of sign-ins makes them, each updating ten scattered rows of a 100k-row table (a sign-in
 * writes about a dozen pages). It times each turn (the commit and whatever the event loop ran before
 * the next one, where the main thread's share of a checkpoint runs) for the worker's single pass, the
 * policy before 2026-12-07, against its extra passes with the main thread copying the last frames.
 *
 * Knobs (environment):
 *   BENCH_CHECKPOINT_COMMITS=300      commits per variant and rate
 *   BENCH_CHECKPOINT_RATES=20,200     commits per second
 *   BENCH_CHECKPOINT_SUSTAINED=20000  back-to-back commits per sustained variant (0: skip)
 *   BENCH_CHECKPOINT_WORK_MS=0.4      main-thread work per sustained turn besides the commit
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_CHECKPOINTER, startCheckpointer } from '../src/storage/sqlite/checkpointer.js';
import { applyPragmas } from '../src/storage/sqlite/pragmas.js';
import { percentiles, type Percentiles } from './percentiles.js';

const COMMITS = Number(process.env.BENCH_CHECKPOINT_COMMITS ?? 300);
const RATES = (process.env.BENCH_CHECKPOINT_RATES ?? '20,200').split(',').map(Number);
const SUSTAINED = Number(process.env.BENCH_CHECKPOINT_SUSTAINED ?? 20_000);
const TABLE_ROWS = 100_000;
const ROWS_PER_COMMIT = 10;
const WORK_MS = Number(process.env.BENCH_CHECKPOINT_WORK_MS ?? 0.4);

interface Variant {
  name: string;
  thresholdFrames: number;
  finishBelowFrames: number;
}

const BY_SIZE: Variant = {
  name: `by size (${DEFAULT_CHECKPOINTER.thresholdFrames} frames)`,
  thresholdFrames: DEFAULT_CHECKPOINTER.thresholdFrames,
  finishBelowFrames: DEFAULT_CHECKPOINTER.finishBelowFrames,
};
// A threshold of one frame checkpoints at every look: the former policy, every 250 ms.
const EVERY_LOOK: Variant = {
  name: `every ${DEFAULT_CHECKPOINTER.intervalMs} ms (baseline)`,
  thresholdFrames: 1,
  finishBelowFrames: 0,
};
// The worker's one PASSIVE pass per look, nothing asked of the main thread: the policy before 2026-12-07.
const ONE_PASS: Variant = {
  name: 'one pass (baseline)',
  thresholdFrames: DEFAULT_CHECKPOINTER.thresholdFrames,
  finishBelowFrames: 0,
};
const FINISHED: Variant = {
  ...BY_SIZE,
  name: `passes, main finishes < ${DEFAULT_CHECKPOINTER.finishBelowFrames}`,
};

/** A fresh file with Riskgate's pragmas and its checkpointer, started at once, in the variant's policy. */
async function openVariant(variant: Variant, rows: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-bench-checkpoint-'));
  const file = path.join(dir, 'bench.sqlite');
  const db = new Database(file);
  applyPragmas(db);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  if (rows > 0) {
    const fill = db.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
    db.transaction(() => {
      for (let id = 1; id <= rows; id++) fill.run(id, 'x'.repeat(200));
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  const checkpointer = startCheckpointer(db, {
    ...DEFAULT_CHECKPOINTER,
    file,
    startAfterMs: 0,
    thresholdFrames: variant.thresholdFrames,
    finishBelowFrames: variant.finishBelowFrames,
  });
  await new Promise((resolve) => setTimeout(resolve, 200)); // the worker is up
  return {
    db,
    file,
    async close() {
      await checkpointer.stop();
      db.close();
      checkpointer.closeFiles();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function commitTimes(variant: Variant, rate: number): Promise<number[]> {
  const { db, close } = await openVariant(variant, 0);
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
  await close();
  return times;
}

/** Back-to-back commits of scattered rows: each turn's wall time, and the WAL file's size at the end. */
async function sustainedTurns(variant: Variant): Promise<{ turns: number[]; walMiB: number }> {
  const { db, file, close } = await openVariant(variant, TABLE_ROWS);
  const update = db.prepare('UPDATE t SET v = ? WHERE id = ?');
  const commit = db.transaction((ids: number[], value: string) => {
    for (const id of ids) update.run(value, id);
  });
  let seed = 0x2545f491;
  const nextId = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return 1 + (seed % TABLE_ROWS);
  };
  const turns: number[] = [];
  for (let i = 0; i < SUSTAINED; i++) {
    const start = performance.now();
    commit(Array.from({ length: ROWS_PER_COMMIT }, nextId), `v${i}`.padEnd(200, 'y'));
    // The rest of a sign-in's work on the main thread (bench:score: about 0.3 ms besides the write).
    while (performance.now() - start < WORK_MS);
    await new Promise((resolve) => setImmediate(resolve));
    turns.push(performance.now() - start);
  }
  const walMiB = statSync(`${file}-wal`).size / 2 ** 20;
  await close();
  return { turns, walMiB };
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
  if (SUSTAINED === 0) return;
  console.log(
    `\nSustained: ${SUSTAINED} back-to-back commits per variant (A B B A), ${ROWS_PER_COMMIT} scattered rows of a ` +
      `${TABLE_ROWS / 1000}k-row table each, one per event-loop turn; a turn is the commit and what ran before the next\n`,
  );
  console.log(
    '| checkpoint                  | turns | p50 ms | p99 ms | p99.9 ms | max ms | turns > 10 ms | largest WAL MiB |',
  );
  console.log(
    '|-----------------------------|------:|-------:|-------:|---------:|-------:|--------------:|----------------:|',
  );
  const pooled = new Map<Variant, { turns: number[]; walMiB: number }>([
    [ONE_PASS, { turns: [], walMiB: 0 }],
    [FINISHED, { turns: [], walMiB: 0 }],
  ]);
  for (const variant of [ONE_PASS, FINISHED, FINISHED, ONE_PASS]) {
    const run = await sustainedTurns(variant);
    const into = pooled.get(variant)!;
    into.turns.push(...run.turns);
    into.walMiB = Math.max(into.walMiB, run.walMiB);
  }
  for (const [variant, { turns, walMiB }] of pooled) {
    const s = percentiles(turns);
    console.log(
      `| ${variant.name.padEnd(27)} | ${String(turns.length).padStart(5)} | ${s.p50.toFixed(3).padStart(6)} | ` +
        `${s.p99.toFixed(3).padStart(6)} | ${s.p999.toFixed(3).padStart(8)} | ${s.max.toFixed(1).padStart(6)} | ` +
        `${String(turns.filter((t) => t > 10).length).padStart(13)} | ${walMiB.toFixed(1).padStart(15)} |`,
    );
  }
}

await main();
