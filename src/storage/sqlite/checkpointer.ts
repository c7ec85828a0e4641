/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside the commit that
 * pushes the WAL past 1000 pages: that commit (a sign-in, in Riskgate) copies the WAL into the
 * database file and syncs it, milliseconds during which the event loop serves nobody. Instead a
 * worker thread with its own connection runs a PASSIVE checkpoint: it never takes the write lock, so
 * writers go on appending while it copies. The main connection's automatic checkpoint stays on, at a
 * far higher mark, in case the worker falls behind or dies.
 *
 * The worker checkpoints by WAL size, not by the clock. After a complete checkpoint the next commit
 * starts the WAL again from its beginning and, to do so safely, syncs the new WAL header to disk
 * (SQLite's wal.c; ticket ff5be73dee): that one commit pays an fsync, milliseconds on a busy disk.
 * Checkpointing every quarter second made a quiet server pay it on most sign-ins and a busy one on
 * one in a few hundred; checkpointing once `thresholdFrames` frames wait makes it one commit in
 * (thresholdFrames / frames per commit), whatever the traffic. The worker learns how many frames
 * wait from the wal-index header in the -shm file (mxFrame at byte 16, nBackfill at byte 96, in the
 * host's byte order: https://www.sqlite.org/walformat.html), one 100-byte read per look.
 *
 * Under back-to-back commits a PASSIVE checkpoint never leaves the WAL fully copied: what was
 * committed while it copied still waits, so the WAL never starts again from its beginning and grows
 * to the fallback mark, where one commit copies the rest and syncs the database file on the main
 * thread (122-189 ms on bench:score's 10k-user file). So after its pass the worker makes a few more,
 * each copying only what came in during the last and each followed by its own sync of the database
 * file (SQLite syncs it only after a checkpoint that copied the whole WAL, so the last copy would
 * otherwise sync every page the passes wrote: 46-91 ms). Once fewer than `finishBelowFrames` wait
 * it asks the main thread to copy those between two of its own commits (3-6 ms): nothing can be
 * committed meanwhile, the WAL is then fully copied and the next commit starts it again. A RESTART
 * checkpoint from the worker would do the same without the main thread, but it holds the write
 * lock while it waits for readers, and the commits that waited on it took 45-80 ms.
 *
 * The worker starts after a short delay, so short-lived stores (CLI commands, tests) never start
 * one, and neither it nor its timers keep the process alive.
 */
import { closeSync, openSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Db } from './util.js';

/** Plain CommonJS (no TypeScript loader needed in the worker): one connection, one timer. */
const WORKER_SOURCE = `
const { fsyncSync, readSync } = require('node:fs');
const { endianness } = require('node:os');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
// Descriptors the main thread opened and closes (see CheckpointFiles); never closed here.
const { shm, database } = workerData;
const header = Buffer.alloc(100);
const little = endianness() === 'LE';
const u32 = (offset) => (little ? header.readUInt32LE(offset) : header.readUInt32BE(offset));
const waitingFrames = () => (readSync(shm, header, 0, 100, 0) === 100 ? u32(16) - u32(96) : Infinity);
const below = workerData.finishBelowFrames;
const timer = setInterval(() => {
  try {
    if (waitingFrames() < workerData.thresholdFrames) return;
    if (below === 0) {
      db.pragma('wal_checkpoint(PASSIVE)');
      return;
    }
    for (let pass = 0; pass < 5; pass++) {
      db.pragma('wal_checkpoint(PASSIVE)');
      // SQLite syncs the database file only after a checkpoint that copied the whole WAL: left to
      // it, the main thread's copy of the rest would sync every page these passes wrote.
      fsyncSync(database);
      if (waitingFrames() <= below) break;
    }
    const rest = waitingFrames();
    if (rest > 0 && rest <= below) parentPort.postMessage('finish');
  } catch { /* busy or closing: next round */ }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface CheckpointerOptions {
  file: string;
  /** Between looks at how many WAL frames wait to be checkpointed. */
  intervalMs: number;
  /** WAL frames (pages) waiting at which the worker checkpoints. */
  thresholdFrames: number;
  /** Before the worker starts. */
  startAfterMs: number;
  /** WAL pages at which the main connection checkpoints itself anyway (SQLite's default is 1000). */
  fallbackPages: number;
  /** Frames still waiting after the worker's passes that the main thread copies; 0: one pass, never. */
  finishBelowFrames: number;
}

export const DEFAULT_CHECKPOINTER: Omit<CheckpointerOptions, 'file'> = {
  intervalMs: 250,
  // 32 MiB of WAL at 4 KiB pages: bench:score's sign-ins write about a dozen frames each, so one
  // in several hundred pays the restart's fsync.
  thresholdFrames: 8_000,
  startAfterMs: 2000,
  // Far enough above the threshold that it only acts when the worker cannot.
  fallbackPages: 32_000,
  // At bench:score's pace 80-200 frames wait after the worker's passes; the main thread's copy of
  // them, syncs included, took 2.7-6 ms.
  finishBelowFrames: 200,
};

export interface Checkpointer {
  /** Stops the worker; the main connection goes on checkpointing at the fallback mark. */
  stop(): Promise<void>;
  /**
   * Closes the worker's view of the -shm and database files: only once every connection of this
   * process to the file has closed. POSIX drops all the locks a process holds on a file when any one
   * of its descriptors of that file closes (SQLite keeps its own descriptors open for that reason),
   * so closing these while the main connection is open would drop its read locks, and another
   * process could truncate the WAL under its reader.
   */
  closeFiles(): void;
}

/** Opened by the main thread, read and synced by the worker (descriptors are per process). */
interface CheckpointFiles {
  shm: number;
  database: number;
}

function openFiles(db: Db, file: string): CheckpointFiles | null {
  try {
    // A read in WAL mode maps the -shm file (creating it if no connection had yet).
    db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    const shm = openSync(`${file}-shm`, 'r');
    try {
      // Write access: Windows flushes only handles that may write.
      return { shm, database: openSync(file, 'r+') };
    } catch {
      closeSync(shm);
      return null;
    }
  } catch {
    return null;
  }
}

export function startCheckpointer(db: Db, options: CheckpointerOptions): Checkpointer {
  let worker: Worker | null = null;
  let files: CheckpointFiles | null = null;
  let stopped = false;
  // At once, not when the worker starts: with SQLite's default mark, the first seconds' commits
  // checkpoint inline (three fsyncs, 10-15 ms, one sign-in in about 80). A store closed before the
  // worker starts loses nothing by it: the last connection to close checkpoints the whole WAL.
  db.pragma(`wal_autocheckpoint = ${options.fallbackPages}`);
  const timer = setTimeout(() => {
    if (stopped) return;
    files = openFiles(db, options.file);
    // Files removed under us: the fallback mark stays in charge, at SQLite's own default.
    if (!files) {
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
      return;
    }
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: options.file,
        shm: files.shm,
        database: files.database,
        intervalMs: options.intervalMs,
        thresholdFrames: options.thresholdFrames,
        finishBelowFrames: options.finishBelowFrames,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      },
    });
    // A worker that cannot open the file (removed under us) leaves the fallback in charge.
    worker.on('error', () => {
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
    // Between two of the main thread's own commits (better-sqlite3 is synchronous), so the copy is
    // complete; a busy or closing database leaves it to the worker's next look.
    worker.on('message', () => {
      if (stopped || !db.open || db.inTransaction) return;
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        /* next look */
      }
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
    closeFiles() {
      if (!files) return;
      closeSync(files.shm);
      closeSync(files.database);
      files = null;
    },
  };
}
