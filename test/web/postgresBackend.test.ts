import { expect } from 'chai';
import pg from 'pg';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRiskgate, type TestRiskgate } from '../helpers/riskgate.js';
import { signInAtHomeThenAbroad } from '../helpers/scenarios.js';
import { POSTGRES_URL, dropSchema, randomSchema, requirePostgres } from '../helpers/postgres.js';
import { openPostgresStore } from '../../src/storage/postgres/index.js';
import { openStore } from '../../src/storage/open.js';

describe('Riskgate on PostgreSQL', () => {
  let admin: pg.Pool | null = null;
  let schema: string;
  let rg: TestRiskgate | null = null;

  before(async function () {
    admin = await requirePostgres(this);
  });
  after(async () => {
    await admin?.end();
  });
  beforeEach(() => {
    schema = randomSchema();
  });
  afterEach(async () => {
    await rg?.close();
    rg = null;
    await dropSchema(admin, schema);
  });

  it('walks the risky sign-in flow with every record in PostgreSQL', async () => {
    const store = await openPostgresStore({ connectionString: POSTGRES_URL, schema });
    rg = await startRiskgate({ store });
    const { user, away, notice } = await signInAtHomeThenAbroad(rg);
    expect(notice.html).to.contain('/auth/flow/notice');
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    const home = await away.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    expect(home.html).to.contain('signed in as');
    const rows = await admin!.query(
      `SELECT outcome FROM ${pg.escapeIdentifier(schema)}.sign_ins ORDER BY at`,
    );
    expect(rows.rows.map((r) => r.outcome)).to.deep.equal(['allowed', 'mfaPassed']);
  });

  it('a postgres:// database URL selects PostgreSQL, and no URL selects SQLite in the data folder', async () => {
    // A closed port: the attempt to connect proves the PostgreSQL backend was chosen.
    let failure: unknown = null;
    await openStore({ dataDir: '/nonexistent', databaseUrl: 'postgres://postgres@127.0.0.1:1/none' }).catch(
      (e: unknown) => (failure = e),
    );
    expect(String(failure)).to.match(/ECONNREFUSED|connect/);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-open-'));
    try {
      const store = await openStore({ dataDir });
      await store.close();
      expect(existsSync(path.join(dataDir, 'riskgate.sqlite'))).to.equal(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
