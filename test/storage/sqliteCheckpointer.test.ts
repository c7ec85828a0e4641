import { expect } from 'chai';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { startCheckpointer, type Checkpointer } from '../../src/storage/sqlite/checkpointer.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';

const PAGE = 4096;

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('SQLite background checkpoints', () => {
  let dir: string;
  let db: Database.Database;
  let checkpointer: Checkpointer | null;
  const descriptors: number[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rg-checkpoint-'));
    db = new Database(path.join(dir, 'db.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, blob TEXT NOT NULL)');
    checkpointer = null;
  });

  afterEach(async () => {
    await checkpointer?.stop();
    db.close();
    checkpointer?.closeFiles();
    // Descriptors a test opened on the connection's files close after it, as the checkpointer's do.
    for (const fd of descriptors.splice(0)) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (rows: number) => {
    const insert = db.prepare('INSERT INTO t (blob) VALUES (?)');
    for (let i = 0; i < rows; i++) insert.run('x'.repeat(2000));
  };
  // One transaction: about one WAL frame per page (a commit of its own for each row would write the
  // table's root page again every time).
  const writeAtOnce = (rows: number) => db.transaction(() => write(rows))();
  /** A worker at once, looking every 20 ms, with the main connection's own checkpoints out of reach. */
  const startWorker = (thresholdFrames: number, finishBelowFrames = 0) =>
    startCheckpointer(db, {
      file: path.join(dir, 'db.sqlite'),
      intervalMs: 20,
      thresholdFrames,
      startAfterMs: 0,
      fallbackPages: 1_000_000,
      finishBelowFrames,
    });
  const dbFileBytes = () => statSync(path.join(dir, 'db.sqlite')).size;

  it('copies committed pages into the database file from a worker while commits leave the WAL alone', async () => {
    checkpointer = startWorker(1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the worker is up, the fallback raised
    expect(db.pragma('wal_autocheckpoint', { simple: true })).to.equal(1_000_000);
    const before = dbFileBytes();
    write(2000); // about 1000 pages: with the fallback this high no commit checkpoints
    expect(await until(() => dbFileBytes() > before + 500 * PAGE, 5000)).to.equal(true);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).to.deep.equal({ n: 2000 });
  });

  it('leaves the WAL alone while fewer frames than its threshold wait, and checkpoints once more do', async () => {
    checkpointer = startWorker(1500);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = dbFileBytes();
    writeAtOnce(2000); // about 1000 frames: under the threshold
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dbFileBytes()).to.equal(before);
    writeAtOnce(2000); // about 2000 in all: past it
    expect(await until(() => dbFileBytes() > before + 1500 * PAGE, 5000)).to.equal(true);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).to.deep.equal({ n: 4000 });
  });

  it("raises the main connection's own checkpoint mark at once, so commits before the worker starts do not checkpoint", () => {
    checkpointer = startCheckpointer(db, {
      file: path.join(dir, 'db.sqlite'),
      intervalMs: 20,
      thresholdFrames: 1,
      startAfterMs: 60_000,
      fallbackPages: 1_000_000,
      finishBelowFrames: 0,
    });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).to.equal(1_000_000);
    const before = dbFileBytes();
    write(2000); // about 1000 pages: SQLite's default mark would have checkpointed inside a commit
    expect(dbFileBytes()).to.equal(before);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).to.deep.equal({ n: 2000 });
  });

  it('under back-to-back commits the WAL starts again from its beginning instead of growing', async () => {
    checkpointer = startWorker(200, 100);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const insert = db.prepare('INSERT INTO t (blob) VALUES (?)');
    const shm = openSync(path.join(dir, 'db.sqlite-shm'), 'r');
    descriptors.push(shm);
    const header = Buffer.alloc(100);
    // mxFrame, the WAL's last valid frame, from the wal-index header (https://www.sqlite.org/walformat.html).
    const walFrames = () => {
      readSync(shm, header, 0, 100, 0);
      return os.endianness() === 'LE' ? header.readUInt32LE(16) : header.readUInt32BE(16);
    };
    let restarts = 0;
    let commits = 0;
    const started = Date.now();
    // A commit per turn of the event loop, as a busy server makes them, until the WAL has started
    // again three times or five seconds have gone.
    while (restarts < 3 && Date.now() - started < 5000) {
      const before = walFrames();
      insert.run('x'.repeat(2000));
      if (walFrames() < before) restarts++;
      commits++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(restarts).to.equal(3);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).to.deep.equal({ n: commits });
  });

  it("stopping it leaves the main connection's locks alone: another process still waits for its reader", async () => {
    checkpointer = startWorker(1_000_000);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the worker is up, its files open
    write(10); // frames in the WAL, so a reader's snapshot is in it
    const rows = db.prepare('SELECT id FROM t').iterate();
    rows.next(); // an open read transaction, held by a lock in the -shm file
    await checkpointer.stop();
    // POSIX drops every lock a process holds on a file when any of its descriptors of that file
    // closes; a WAL truncated under the reader would be corruption.
    const script = `
      const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(path.join(dir, 'db.sqlite'))}, { timeout: 0 });
      process.stdout.write(JSON.stringify(db.pragma('wal_checkpoint(TRUNCATE)')[0]));
      db.close();
    `;
    const truncate = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as {
      busy: number;
    };
    rows.return?.();
    expect(truncate.busy).to.equal(1);
  });

  it('a stopped checkpointer copies nothing more', async () => {
    checkpointer = startWorker(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await checkpointer.stop();
    const before = dbFileBytes();
    write(2000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dbFileBytes()).to.equal(before);
  });

  it('a store opened on a file starts one and closes cleanly before it has started', async () => {
    const store = openSqliteStore({ file: path.join(dir, 'store.sqlite'), sessionPruneIntervalMs: 0 });
    await store.ping();
    await store.close();
  });

  it('closing a store whose worker runs keeps the process alive until the worker is gone', async () => {
    const file = path.join(dir, 'script.sqlite');
    const script = `
      import { openSqliteStore } from ${JSON.stringify(path.resolve('src/storage/sqlite/index.ts'))};
      const store = openSqliteStore({ file: ${JSON.stringify(file)}, sessionPruneIntervalMs: 0 });
      await new Promise((resolve) => setTimeout(resolve, 2500)); // past the worker's start
      await store.close();
      console.log('closed');
    `;
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(out.trim()).to.equal('closed');
  });
});
