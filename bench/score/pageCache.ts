/**
 * Reads a database file once, start to end, so the OS page cache holds it before the timed
 * evaluations: the benchmark compares sizes as a server whose memory holds its database sees them,
 * not how fast this machine's disk is. The copies kept of the smaller sizes were written before the
 * 1M build, which may have pushed them out (earlier runs: a 100k p50 four times the 10k one, all of it
 * disk reads). Returns what it read and how fast: GiB/s far above the disk's means it was cached.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';

const CHUNK = 8 * 1024 * 1024;

export function warmPageCache(file: string): { bytes: number; seconds: number } {
  const buffer = Buffer.allocUnsafe(CHUNK);
  const started = performance.now();
  let bytes = 0;
  for (const name of [file, `${file}-wal`]) {
    if (!existsSync(name)) continue;
    const fd = openSync(name, 'r');
    try {
      for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null))
        bytes += n;
    } finally {
      closeSync(fd);
    }
  }
  return { bytes, seconds: (performance.now() - started) / 1000 };
}
