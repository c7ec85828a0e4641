/**
 * Two real server processes sharing PostgreSQL and Redis, as behind a load balancer:
 * a flow started on one continues on the other, lockout is counted across both, signing out
 * everywhere on one signs out on the other, and offline jobs run once between them.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { generateSecret, generateSync } from 'otplib';
import { TestClient } from '../helpers/client.js';
import { IP } from '../helpers/riskgate.js';
import { POSTGRES_URL, dropSchema, randomSchema, requirePostgres } from '../helpers/postgres.js';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess.js';
import {
  REDIS_URL,
  closeAdmin,
  deletePrefix,
  randomPrefix,
  requireRedis,
  type RedisClient,
} from '../helpers/redis.js';
import { openPostgresStore } from '../../src/storage/postgres/index.js';
import { createUser } from '../../src/auth/users.js';
import { Keys } from '../../src/crypto/keys.js';
import type { Store } from '../../src/storage/types.js';
import { PolicyService } from '../../src/policy/service/service.js';
import { BuiltinDirectory } from '../../src/auth/builtinDirectory.js';
import { DEFAULT_POLICIES } from '../../src/policy/schema.js';

const PASSWORD = 'quartz meadow signal 64';

describe('several instances behind a load balancer', function () {
  this.timeout(60_000);
  let admin: pg.Pool | null = null;
  let schema: string;
  let store: Store;
  let a: ServerProcess;
  let b: ServerProcess;
  const encryptionKey = randomBytes(32).toString('base64');

  let redisAdmin: RedisClient | null = null;
  let prefix: string;

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
    store = await openPostgresStore({ connectionString: POSTGRES_URL, schema });
    const env = {
      RISKGATE_DATABASE_URL: POSTGRES_URL,
      RISKGATE_DATABASE_SCHEMA: schema,
      RISKGATE_REDIS_URL: REDIS_URL,
      RISKGATE_REDIS_PREFIX: prefix,
      RISKGATE_ENCRYPTION_KEY: encryptionKey,
      RISKGATE_SESSION_SECRET: randomBytes(32).toString('base64url'),
      RISKGATE_TRUST_PROXY: 'loopback',
      RISKGATE_LOCKOUT_THRESHOLD: '3',
      // Every sign-in reads the stored policies: a save elsewhere applies at once (the default is 5 s).
      RISKGATE_POLICY_CACHE_SECONDS: '0',
    };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  });

  afterEach(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await store?.close();
    await dropSchema(admin, schema);
    await deletePrefix(redisAdmin, prefix);
  });

  async function addUser(username: string): Promise<string> {
    const user = await createUser(store, { username, password: PASSWORD });
    const secret = generateSecret();
    await store.identities.updateIdentity(
      user.id,
      { totpSecret: new Keys(Buffer.from(encryptionKey, 'base64')).secretBox.seal(secret) },
      Date.now(),
    );
    return secret;
  }

  /** A browser behind a load balancer without stickiness: each request goes to the instance named. */
  function browser(ip: string) {
    const client = new TestClient(a.url, ip);
    return {
      on(server: 'a' | 'b') {
        client.target = server === 'a' ? a.url : b.url;
        return client;
      },
    };
  }

  it('a risky sign-in flow started on one instance continues on the other', async () => {
    const secret = await addUser('alice');
    const home = browser(IP.london);
    await home.on('a').signIn('alice', PASSWORD);
    const away = browser(IP.tokyo);
    const notice = await away.on('a').signIn('alice', PASSWORD);
    expect(notice.html).to.contain('/auth/flow/notice');
    const onB = away.on('b');
    await onB.get('/auth/flow');
    const mfa = await onB.submit('/auth/flow/notice', {}, { action: 'continue' });
    expect(mfa.html).to.contain('name="code"');
    const landed = await away.on('a').submit('/auth/flow/mfa', { code: generateSync({ secret }) });
    expect(landed.html).to.contain('signed in as');
    expect((await away.on('b').get('/', { follow: false })).status).to.equal(200);
  });

  it('lockout counts failures from both instances together', async () => {
    await addUser('bob');
    const attacker = browser(IP.paris);
    await attacker.on('a').signIn('bob', 'wrong guess one');
    await attacker.on('b').signIn('bob', 'wrong guess two');
    await attacker.on('a').signIn('bob', 'wrong guess three');
    const locked = await attacker.on('b').signIn('bob', PASSWORD);
    expect(locked.status).to.equal(429);
  });

  it('signing out everywhere on one instance signs the user out on the other', async () => {
    await addUser('carol');
    const laptop = browser(IP.london);
    await laptop.on('a').signIn('carol', PASSWORD);
    const phone = browser(IP.londonNeighbour);
    await phone.on('b').signIn('carol', PASSWORD);
    expect((await laptop.on('b').get('/', { follow: false })).status).to.equal(200);
    await phone.on('b').submit('/auth/sign-out', {}, { scope: 'everywhere' });
    expect((await laptop.on('a').get('/', { follow: false })).status).to.equal(303);
  });

  it('policies saved elsewhere apply on every instance, with no restart', async () => {
    await addUser('dave');
    await browser(IP.london).on('a').signIn('dave', PASSWORD);
    expect((await browser(IP.tokyo).on('a').signIn('dave', PASSWORD)).html).to.contain('/auth/flow/notice');
    // A third party (the admin API of any instance, a script) saves a new version in the shared store.
    const policies = new PolicyService({
      store,
      directory: new BuiltinDirectory(store.users),
      defaults: DEFAULT_POLICIES,
      cacheTtlMs: 0,
      now: Date.now,
    });
    const current = await policies.current();
    const relaxed = structuredClone(current.policies);
    relaxed.signInRisk.mode = 'reportOnly';
    const actor = { kind: 'cli', id: 'cli', name: 'ops' } as const;
    expect(
      (await policies.save({ policies: relaxed, version: current.version }, actor, 'trial')).ok,
    ).to.equal(true);
    for (const server of ['a', 'b'] as const) {
      const username = `traveller-${server}`;
      await addUser(username);
      await browser(IP.london).on(server).signIn(username, PASSWORD);
      const page = await browser(IP.tokyo).on(server).signIn(username, PASSWORD);
      expect(page.html, server).to.contain('signed in as');
    }
  });

  it('offline jobs started by both instances ran once', async () => {
    const runs = await store.jobs.jobRuns('riskAgeing', 10);
    expect(runs).to.have.length(1);
  });
});
