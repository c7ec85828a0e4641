/**
 * Redis for the state that many instances behind a load balancer must share at request speed:
 * throttling and lockout counters, consume-once claims, and sessions. Everything else stays in the
 * SQL store; the caller composes the two.
 */
import type { CounterStore, IndexedSessionStore } from '../types.js';
import { closeClient, connectClient } from './client.js';
import { createRedisCounterStore } from './counters.js';
import { RedisSessionStore } from './sessions.js';

export { RedisSessionStore } from './sessions.js';

export interface RedisParts {
  counters: CounterStore;
  sessions: IndexedSessionStore;
  /** Resolves when Redis answers; rejects at once while it is unreachable (nothing is queued). */
  ping(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_REDIS_PREFIX = 'riskgate:';

/**
 * Connects before resolving, and rejects within a few seconds when Redis is unreachable, so a
 * misconfigured instance fails at start-up. Later outages are retried in the background while every
 * command fails fast. `prefix` namespaces every key (several deployments or tests on one Redis).
 */
export async function openRedisParts(options: { url: string; prefix?: string }): Promise<RedisParts> {
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const client = await connectClient(options.url);
  let closed = false;

  return {
    counters: createRedisCounterStore(client, prefix),
    sessions: new RedisSessionStore(client, prefix),
    async ping() {
      if (closed) throw new Error('the Redis connection is closed');
      await client.ping();
    },
    async close() {
      if (closed) return;
      closed = true;
      await closeClient(client);
    },
  };
}
