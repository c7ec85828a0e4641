import { expect } from 'chai';
import pg from 'pg';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { POSTGRES_URL, dropSchema, randomSchema, requirePostgres } from '../helpers/postgres.js';
import {
  REDIS_URL,
  closeAdmin,
  deletePrefix,
  randomPrefix,
  requireRedis,
  type RedisClient,
} from '../helpers/redis.js';
import { openRedisParts } from '../../src/storage/redis/index.js';
import { withRedis } from '../../src/storage/open.js';
import { TcpProxy } from '../helpers/tcpProxy.js';
import { openPostgresStore } from '../../src/storage/postgres/index.js';

describe('faults fail closed (PostgreSQL cut off and restored)', function () {
  this.timeout(60_000);
  let admin: pg.Pool | null = null;
  let proxy: TcpProxy;
  let schema: string;
  let rg: TestRiskgate | null = null;

  before(async function () {
    admin = await requirePostgres(this);
  });
  after(async () => {
    await admin?.end();
  });
  beforeEach(async () => {
    schema = randomSchema();
    proxy = await TcpProxy.start(5432);
    const store = await openPostgresStore({
      connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
      schema,
    });
    rg = await startRiskgate({
      store,
      jobs: { enabled: false, intervalMinutes: 60, lowRiskAgeingDays: 180 },
    });
  });
  afterEach(async () => {
    await proxy.restore();
    await rg?.close();
    rg = null;
    await proxy.close();
    await dropSchema(admin, schema);
  });

  it('with the database down no sign-in completes: a 503 page, and it recovers by itself', async () => {
    const user = await rg!.addUser('alice');
    const client = new TestClient(rg!.app, IP.london);
    await client.get('/auth/sign-in');
    await proxy.cut();
    const down = await client.submit('/auth/sign-in', { username: 'alice', password: user.password });
    expect(down.status).to.equal(503);
    expect(down.html).to.contain('Temporarily unavailable');
    expect(down.headers['retry-after']).to.equal('30');
    expect(down.html).to.not.contain('signed in as');

    await proxy.restore();
    const back = await client.signIn('alice', user.password);
    expect(back.html).to.contain('signed in as');
    const outcomes = (await rg!.riskgate.store.signIns.recentSignIns(user.id, 5)).map((s) => s.outcome);
    expect(outcomes).to.deep.equal(['allowed']);
  });

  it('a protected page with a valid session answers 503 while the session store is down, never the page', async () => {
    const user = await rg!.addUser('alice');
    const client = new TestClient(rg!.app, IP.london);
    await client.signIn('alice', user.password);
    expect((await client.get('/', { follow: false })).status).to.equal(200);
    await proxy.cut();
    const down = await client.get('/', { follow: false });
    expect(down.status).to.equal(503);
    expect(down.html).to.not.contain('signed in as');
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const api = await (
      await import('supertest')
    )
      .default(rg!.app)
      .get('/')
      .set('Accept', 'application/json')
      .set('Cookie', cookie);
    expect(api.status).to.equal(503);
    expect(api.body.error.code).to.equal('unavailable');
    await proxy.restore();
    expect((await client.get('/', { follow: false })).status).to.equal(200);
  });

  it('a flow in progress survives the outage and continues afterwards', async () => {
    const user = await rg!.addUser('bob', { password: 'password123' });
    const client = new TestClient(rg!.app, IP.london);
    await client.signIn('bob', 'password123');
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    await proxy.cut();
    const down = await client.submit('/auth/flow/mfa', { code: rg!.totp(user.totpSecret!) });
    expect(down.status).to.equal(503);
    await proxy.restore();
    const page = await client.get('/auth/flow');
    expect(page.html).to.contain('name="code"');
    const change = await client.submit('/auth/flow/mfa', { code: rg!.totp(user.totpSecret!, 1) });
    expect(change.html).to.contain('name="newPassword"');
  });
});

describe('faults fail closed (Redis cut off and restored)', function () {
  this.timeout(60_000);
  let admin: pg.Pool | null = null;
  let redisAdmin: RedisClient | null = null;
  let proxy: TcpProxy;
  let schema: string;
  let prefix: string;
  let rg: TestRiskgate | null = null;

  before(async function () {
    admin = await requirePostgres(this);
    redisAdmin = await requireRedis(this);
  });
  after(async () => {
    await admin?.end();
    await closeAdmin(redisAdmin);
  });
  beforeEach(async () => {
    schema = randomSchema();
    prefix = randomPrefix();
    proxy = await TcpProxy.start(Number(new URL(REDIS_URL).port || 6379));
    const sql = await openPostgresStore({ connectionString: POSTGRES_URL, schema });
    const redis = await openRedisParts({ url: `redis://127.0.0.1:${proxy.port}`, prefix });
    rg = await startRiskgate({
      store: withRedis(sql, redis),
      jobs: { enabled: false, intervalMinutes: 60, lowRiskAgeingDays: 180 },
    });
  });
  afterEach(async () => {
    await proxy.restore();
    await rg?.close();
    rg = null;
    await proxy.close();
    await dropSchema(admin, schema);
    await deletePrefix(redisAdmin, prefix);
  });

  it('with Redis down, sessions and sign-ins fail closed with a 503, and recover by themselves', async () => {
    const user = await rg!.addUser('alice');
    const client = new TestClient(rg!.app, IP.london);
    await client.signIn('alice', user.password);
    expect((await client.get('/', { follow: false })).status).to.equal(200);
    await proxy.cut();
    const page = await client.get('/', { follow: false });
    expect(page.status).to.equal(503);
    expect(page.html).to.not.contain('signed in as');
    // Showing the form needs no stored state; submitting it does, and cannot complete.
    const fresh = new TestClient(rg!.app, IP.london);
    await fresh.get('/auth/sign-in');
    const attempt = fresh.last.html.includes('name="password"')
      ? await fresh.submit('/auth/sign-in', { username: 'alice', password: user.password })
      : fresh.last;
    expect(attempt.status).to.equal(503);
    expect(attempt.html).to.not.contain('signed in as');
    await proxy.restore();
    const until = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < until && (status = (await client.get('/', { follow: false })).status) !== 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).to.equal(200);
  });
});
