/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside the commit that
 * pushes the WAL past 1000 pages: that commit (a sign-in, in Riskgate) copies the WAL into the
 * database file and syncs it, milliseconds during which the event loop serves nobody. Instead a
 * worker thread with its own connection runs a PASSIVE checkpoint every interval: it never takes the
 * write lock, so writers go on appending while it copies. The main connection's automatic checkpoint
 * stays on, at a far higher mark, in case the worker falls behind or dies.
 *
 * The worker starts after a short delay, so short-lived stores (CLI commands, tests) never start
 * one, and neither it nor its timers keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Db } from './util.js';

/** Plain CommonJS (no TypeScript loader needed in the worker): one connection, one timer. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: next round */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface CheckpointerOptions {
  file: string;
  /** Between PASSIVE checkpoints. */
  intervalMs: number;
  /** Before the worker starts. */
  startAfterMs: number;
  /** WAL pages at which the main connection checkpoints itself anyway (SQLite's default is 1000). */
  fallbackPages: number;
}

export const DEFAULT_CHECKPOINTER: Omit<CheckpointerOptions, 'file'> = {
  intervalMs: 250,
  startAfterMs: 2000,
  fallbackPages: 16_000,
};

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(db: Db, options: CheckpointerOptions): Checkpointer {
  let worker: Worker | null = null;
  let stopped = false;
  const timer = setTimeout(() => {
    if (stopped) return;
    db.pragma(`wal_autocheckpoint = ${options.fallbackPages}`);
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: options.file,
        intervalMs: options.intervalMs,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      },
    });
    // A worker that cannot open the file (removed under us) leaves the fallback in charge.
    worker.on('error', () => {
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
    worker.unref();
  }, options.startAfterMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const running = worker;
      worker = null;
      if (!running) return;
      // Referenced again while we wait: an unreferenced worker would let the process exit mid-close.
      running.ref();
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.postMessage('stop');
      let patience: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise<void>((resolve) => (patience = setTimeout(resolve, 2000)))]);
      clearTimeout(patience);
      await running.terminate();
    },
  };
}
