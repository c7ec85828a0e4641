/** How Riskgate opens a SQLite connection: journal, durability, waiting, and how pages are read. */
import type { Db } from './util.js';

/** SQLite's own defaults: no memory map, a 2000 KiB page cache (bench:score measured no gain from more). */
export const DEFAULT_MMAP_BYTES = 0;
export const DEFAULT_CACHE_BYTES = 2000 * 1024;

export function applyPragmas(db: Db, options: { mmapBytes?: number; cacheBytes?: number } = {}): void {
  // WAL lets readers run while one writer writes; busy_timeout makes a second process wait for the
  // write lock instead of failing at once; foreign keys are off by default in SQLite.
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // NORMAL is durable across application crashes in WAL mode; only a power cut can lose the last commits.
  db.pragma('synchronous = NORMAL');
  // Tuning knobs (see SqliteStoreOptions); the defaults are SQLite's own.
  db.pragma(`mmap_size = ${Math.max(0, Math.floor(options.mmapBytes ?? DEFAULT_MMAP_BYTES))}`);
  // A negative cache_size is in KiB.
  db.pragma(`cache_size = -${Math.max(1, Math.floor((options.cacheBytes ?? DEFAULT_CACHE_BYTES) / 1024))}`);
}
