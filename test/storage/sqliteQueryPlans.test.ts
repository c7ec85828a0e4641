import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { USERS_WITH_ROLE_SQL } from '../../src/storage/sqlite/users.js';

/** SQLite plans without ANALYZE statistics, as Riskgate runs: lookups on a sign-in's path must not walk a table. */
describe('SQLite query plans on the sign-in path', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'rg-plans-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finding the admins for a risk alert reads only the users with a role, in username order, not every user', async () => {
    const file = path.join(dir, 'store.sqlite');
    const store = openSqliteStore({ file, sessionPruneIntervalMs: 0 });
    const user = (username: string, roles: string[]) =>
      store.users.createUser({
        username,
        email: `${username}@example.test`,
        groups: [],
        roles,
        passwordHash: 'x',
        createdAt: 1,
      });
    for (let i = 0; i < 50; i++) await user(`member${i}`, []);
    await user('zoe', ['admin']);
    await user('auditor', ['auditor']);
    await user('adam', ['auditor', 'admin']);
    expect((await store.users.usersWithRole('admin')).map((u) => u.username)).to.deep.equal(['adam', 'zoe']);
    await store.close();

    const db = new Database(file, { readonly: true });
    try {
      const plan = (
        db.prepare(`EXPLAIN QUERY PLAN ${USERS_WITH_ROLE_SQL}`).all('admin') as { detail: string }[]
      ).map((row) => row.detail);
      expect(plan).to.include('SCAN users USING INDEX users_with_roles');
    } finally {
      db.close();
    }
  });
});
