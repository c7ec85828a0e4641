/**
 * BENCH_SCORE_BUILT=<dir>: keeps the built history files in <dir> (with a manifest) and reuses them on
 * the next run with the same world, sizes and schema, so a run on a quiet machine need not spend
 * most of its time (the 1M build: 5 to 17 minutes) building. Each run measures copies, so the kept
 * files never hold an earlier run's measured sign-ins.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.js';

/** What a kept history must match to be reused: anything that changes the files' contents. */
export interface HistoryKey {
  sizes: number[];
  seed: number;
  networks: number;
  keepAt1M: number;
  fullHistoryUpTo: number;
}

export interface KeptSize<T> {
  size: number;
  /** The file's name inside the folder. */
  file: string;
  stats: T;
}

interface Manifest<T> {
  key: HistoryKey & { migrations: number };
  builtAt: string;
  sizes: KeptSize<T>[];
}

const MANIFEST = 'manifest.json';

function fullKey(key: HistoryKey): Manifest<unknown>['key'] {
  return { ...key, migrations: MIGRATIONS.length };
}

/** The kept sizes copied into `into`, or null when nothing matching is kept (or no folder is set). */
export function reuseHistory<T>(
  folder: string | undefined,
  key: HistoryKey,
  into: string,
): { builtAt: string; sizes: KeptSize<T>[] } | null {
  if (!folder || !existsSync(path.join(folder, MANIFEST))) return null;
  const manifest = JSON.parse(readFileSync(path.join(folder, MANIFEST), 'utf8')) as Manifest<T>;
  if (JSON.stringify(manifest.key) !== JSON.stringify(fullKey(key))) return null;
  for (const kept of manifest.sizes) copyFileSync(path.join(folder, kept.file), path.join(into, kept.file));
  return { builtAt: manifest.builtAt, sizes: manifest.sizes };
}

/** Copies the built files from `from` into the folder, with their manifest (written last). */
export function keepHistory<T>(
  folder: string | undefined,
  key: HistoryKey,
  from: string,
  sizes: KeptSize<T>[],
): void {
  if (!folder) return;
  mkdirSync(folder, { recursive: true });
  for (const kept of sizes) copyFileSync(path.join(from, kept.file), path.join(folder, kept.file));
  const manifest: Manifest<T> = { key: fullKey(key), builtAt: new Date().toISOString(), sizes };
  writeFileSync(path.join(folder, MANIFEST), JSON.stringify(manifest, null, 2));
}
