/**
 * The Redis counters and sessions against a real Redis: the whole storage contract on a composed
 * store (SQLite for the rest), then what only Redis has: sharing between instances, key expiry, and
 * outages. Each store gets its own random key prefix, deleted on close.
 *
 * RISKGATE_TEST_REDIS_URL picks the server. Without one the suite skips loudly on a workstation and
 * fails in CI, so a CI run can never pass by not testing.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SessionData } from 'express-session';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { openRedisParts, type RedisParts } from '../../src/storage/redis/index.js';
import type { Store } from '../../src/storage/types.js';
import { describeStoreContract } from './contract.js';
import { withRedis } from '../../src/storage/open.js';
import { TcpProxy } from '../helpers/tcpProxy.js';
import {
  REDIS_URL,
  closeAdmin,
  listenSilently,
  within,
  deletePrefix,
  randomPrefix,
  requireRedis,
  type RedisClient,
} from '../helpers/redis.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const sessionData = (expiresAt: number, userId: string): SessionData =>
  ({
    cookie: { expires: new Date(expiresAt).toISOString(), httpOnly: true, path: '/' },
    riskgate: { userId, username: userId },
  }) as unknown as SessionData;

/** express-session's callback API as promises. */
const call = <T>(fn: (cb: (err: unknown, value?: T) => void) => void): Promise<T | undefined> =>
  new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

describe('SQLite + Redis store', function () {
  let admin: RedisClient | null = null;

  before(async function () {
    admin = await requireRedis(this);
  });
  after(() => closeAdmin(admin));

  /** A fresh SQLite store whose counters and sessions are Redis parts under a fresh prefix. */
  async function openComposed(): Promise<Store> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-redis-'));
    const prefix = randomPrefix();
    const sql = openSqliteStore({ file: path.join(dir, 'riskgate.sqlite'), sessionPruneIntervalMs: 0 });
    let redis: RedisParts;
    try {
      redis = await openRedisParts({ url: REDIS_URL, prefix });
    } catch (error) {
      await sql.close();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const composed = withRedis(sql, redis);
    return {
      ...composed,
      async close() {
        await composed.close();
        rmSync(dir, { recursive: true, force: true });
        await deletePrefix(admin, prefix);
      },
    };
  }

  describeStoreContract('SQLite + Redis', openComposed);

  describe('Redis parts', () => {
    let prefix: string;
    let opened: RedisParts[];
    const open = async (url = REDIS_URL): Promise<RedisParts> => {
      const parts = await openRedisParts({ url, prefix });
      opened.push(parts);
      return parts;
    };

    beforeEach(() => {
      prefix = randomPrefix();
      opened = [];
    });
    afterEach(async () => {
      await Promise.all(opened.map((parts) => parts.close()));
      await deletePrefix(admin, prefix);
    });

    it('two instances on one prefix share counters, claims and sessions', async () => {
      const [a, b] = [await open(), await open()];
      const now = Date.now();
      const counts = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).counters.increment('k', MINUTE, now)),
      );
      expect([...counts].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(await b.counters.count('k', now)).to.equal(40);
      await a.counters.reset('k');
      expect(await b.counters.count('k', now)).to.equal(0);

      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).counters.claimOnce('c', MINUTE, now)),
      );
      expect(claims.filter(Boolean)).to.have.length(1);

      await call<void>((cb) => a.sessions.set('sid-1', sessionData(now + HOUR, 'user-1'), cb));
      expect(await call<SessionData | null>((cb) => b.sessions.get('sid-1', cb))).to.not.equal(null);
      expect(await b.sessions.destroyUserSessions('user-1')).to.equal(1);
      expect(await call<SessionData | null>((cb) => a.sessions.get('sid-1', cb))).to.equal(null);
    });

    it('prefixes keep deployments apart, and closing twice is safe', async () => {
      const a = await open();
      const other = await openRedisParts({ url: REDIS_URL, prefix: `${prefix}other:` });
      try {
        await a.counters.increment('k', MINUTE, 0);
        expect(await other.counters.count('k', 0)).to.equal(0);
        expect(await other.counters.claimOnce('c', MINUTE, 0)).to.equal(true);
        expect(await a.counters.claimOnce('c', MINUTE, 0)).to.equal(true);
      } finally {
        await other.close();
        await other.close();
      }
      let caught: unknown;
      await other.ping().catch((error: unknown) => (caught = error));
      expect(caught).to.be.instanceOf(Error);
    });

    it('Redis expires counters, claims and sessions itself; a user index outlives its sessions', async () => {
      const parts = await open();
      const now = Date.now();
      await parts.counters.increment('k', MINUTE, now);
      await parts.counters.claimOnce('c', MINUTE, now);
      await call<void>((cb) => parts.sessions.set('s', sessionData(now + MINUTE, 'user-1'), cb));
      await call<void>((cb) =>
        parts.sessions.touch!('s', sessionData(now + 2 * HOUR, 'user-1'), () => cb(null)),
      );
      for (const key of ['counter:k', 'claim:c', 'sess:s', 'user-sessions:user-1']) {
        const ttl = await admin!.pTTL(prefix + key);
        expect(ttl, key).to.be.greaterThan(MINUTE - 5000);
        expect(ttl, key).to.be.at.most(3 * HOUR);
      }
      expect(await admin!.pTTL(`${prefix}user-sessions:user-1`)).to.be.greaterThan(HOUR);
    });

    it("a session that changes user leaves the old user's index", async () => {
      const parts = await open();
      const later = Date.now() + HOUR;
      await call<void>((cb) => parts.sessions.set('s', sessionData(later, 'user-1'), cb));
      await call<void>((cb) => parts.sessions.set('s', sessionData(later, 'user-2'), cb));
      expect(await admin!.sMembers(`${prefix}user-sessions:user-1`)).to.deep.equal([]);
      expect(await parts.sessions.destroyUserSessions('user-1')).to.equal(0);
      expect(await call<SessionData | null>((cb) => parts.sessions.get('s', cb))).to.not.equal(null);
      expect(await parts.sessions.destroyUserSessions('user-2')).to.equal(1);
    });

    it('an unreachable Redis makes opening reject promptly, without leaking the password', async () => {
      const started = Date.now();
      let caught: unknown;
      await within(5000, openRedisParts({ url: 'redis://riskgate:s3cret@127.0.0.1:1' })).catch(
        (error: unknown) => (caught = error),
      );
      expect(caught).to.be.instanceOf(Error);
      expect((caught as Error).message).to.match(
        /cannot connect to Redis at redis:\/\/riskgate:\*\*\*@127\.0\.0\.1:1/,
      );
      expect((caught as Error).message).to.not.include('s3cret');
      expect(Date.now() - started).to.be.below(5000);
    });

    it('a server that accepts connections but never answers makes opening reject within 5 s', async () => {
      const { server: silent, port } = await listenSilently();
      try {
        let caught: unknown;
        await within(6000, openRedisParts({ url: `redis://127.0.0.1:${port}` })).catch(
          (error: unknown) => (caught = error),
        );
        expect((caught as Error).message).to.match(/^cannot connect to Redis/);
      } finally {
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('during an outage every call fails fast instead of hanging, and the client recovers', async () => {
      const proxy = await TcpProxy.start(Number(new URL(REDIS_URL).port || 6379));
      const proxyUrl = Object.assign(new URL(REDIS_URL), {
        hostname: '127.0.0.1',
        port: String(proxy.port),
      }).toString();
      const parts = await open(proxyUrl);
      await parts.counters.increment('k', MINUTE, 0);
      await proxy.cut();

      const failures = [
        parts.ping(),
        parts.counters.increment('k', MINUTE, 0),
        parts.counters.claimOnce('c', MINUTE, 0),
        parts.sessions.destroyUserSessions('user-1'),
        call<SessionData | null>((cb) => parts.sessions.get('s', cb)),
        call<void>((cb) => parts.sessions.set('s', sessionData(Date.now() + HOUR, 'user-1'), cb)),
      ];
      const settled = await within(2000, Promise.allSettled(failures));
      expect(settled.map((result) => result.status)).to.deep.equal(failures.map(() => 'rejected'));

      await proxy.restore();
      await within(10_000, waitForPing(parts));
      expect(await parts.counters.increment('k', MINUTE, 0)).to.equal(2);
      await proxy.cut();
      // Closing while Redis is away must not wait for it either.
      await within(3000, parts.close());
    });
  });
});

async function waitForPing(parts: RedisParts): Promise<void> {
  for (;;) {
    try {
      return await parts.ping();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
