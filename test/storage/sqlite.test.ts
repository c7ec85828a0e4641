import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.js';
import { describeStoreContract } from './contract.js';

describe('SQLite store', () => {
  // A fresh folder per test; the contract's own afterEach closes the store before this one removes it.
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describeStoreContract('sqlite file', () =>
    openSqliteStore({ file: path.join(dir, 'nested', 'riskgate.sqlite') }),
  );

  it('data survives closing and reopening the file, and re-running migrations changes nothing', async () => {
    const file = path.join(dir, 'riskgate.sqlite');
    const first = openSqliteStore({ file });
    const user = await first.users.createUser({
      username: 'alice',
      email: null,
      groups: [],
      roles: [],
      passwordHash: 'h',
      createdAt: 1,
    });
    await first.identities.advanceTotpStep(user.id, 42);
    await first.counters.increment('k', 60_000, 1000);
    await first.close();

    const second = openSqliteStore({ file });
    try {
      expect(await second.users.findUserByUsername('alice')).to.deep.equal(user);
      expect((await second.identities.getIdentity(user.id)).totpLastStep).to.equal(42);
      expect(await second.counters.count('k', 1000)).to.equal(1);
    } finally {
      await second.close();
    }

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('user_version', { simple: true })).to.equal(MIGRATIONS.length);
      expect(raw.pragma('journal_mode', { simple: true })).to.equal('wal');
    } finally {
      raw.close();
    }
  });

  it('expired counters and claims are swept so the tables do not grow forever', async () => {
    const file = path.join(dir, 'sweep.sqlite');
    const store = openSqliteStore({ file });
    try {
      for (let i = 0; i < 400; i++) await store.counters.increment(`old${i}`, 1000, 0);
      for (let i = 0; i < 99; i++) await store.counters.claimOnce(`claim${i}`, 1000, 0);
      // The 500th write happens long after the others expired.
      await store.counters.increment('fresh', 1000, 10_000);
    } finally {
      await store.close();
    }
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT COUNT(*) AS n FROM counters').get()).to.deep.equal({ n: 1 });
      expect(raw.prepare('SELECT COUNT(*) AS n FROM claims').get()).to.deep.equal({ n: 0 });
    } finally {
      raw.close();
    }
  });

  it('an in-memory store works', async () => {
    const store = openSqliteStore({ file: ':memory:' });
    try {
      await store.users.createUser({
        username: 'bob',
        email: null,
        groups: [],
        roles: [],
        passwordHash: 'h',
        createdAt: 1,
      });
      expect(await store.users.countUsers()).to.equal(1);
    } finally {
      await store.close();
      await store.close();
    }
  });

  it('a file from a newer Riskgate is refused rather than misread', async () => {
    const file = path.join(dir, 'future.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openSqliteStore({ file })).to.throw(/newer/);
  });
});
