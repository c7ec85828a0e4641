import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyPragmas } from '../../src/storage/sqlite/pragmas.js';
import { configFromEnv } from '../../src/config/env.js';
import { parseConfig } from '../../src/config/options.js';

describe('how SQLite connections are opened', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rg-pragmas-'));
    db = new Database(path.join(dir, 'db.sqlite'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const pragma = (name: string) => db.pragma(name, { simple: true });

  it("by default: WAL, NORMAL sync, foreign keys, and SQLite's own reads (no memory map, a 2000 KiB page cache)", () => {
    applyPragmas(db);
    expect(pragma('journal_mode')).to.equal('wal');
    expect(pragma('synchronous')).to.equal(1);
    expect(pragma('foreign_keys')).to.equal(1);
    expect(pragma('busy_timeout')).to.equal(5000);
    expect(pragma('mmap_size')).to.equal(0);
    expect(pragma('cache_size')).to.equal(-2000);
  });

  it('the map (up to the 2 GiB the driver allows) and the cache take the sizes asked for', () => {
    applyPragmas(db, { mmapBytes: 64 * 1024 * 1024, cacheBytes: 8 * 1024 * 1024 });
    expect(pragma('mmap_size')).to.equal(64 * 1024 * 1024);
    expect(pragma('cache_size')).to.equal(-8192);
  });

  it('the map and the cache are settings (RISKGATE_SQLITE_MMAP_MB, RISKGATE_SQLITE_CACHE_MB)', () => {
    const set = configFromEnv({ RISKGATE_SQLITE_MMAP_MB: '512', RISKGATE_SQLITE_CACHE_MB: '16' }).options;
    expect(parseConfig(set)).to.include({ sqliteMmapMb: 512, sqliteCacheMb: 16 });
    expect(parseConfig(configFromEnv({}).options)).to.include({ sqliteMmapMb: 0, sqliteCacheMb: 2 });
  });
});
