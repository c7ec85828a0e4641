/**
 * A throw-away key prefix on a real Redis for one test, and stand-ins for a Redis that is down or
 * hung. Without a reachable server a suite skips loudly on a workstation and fails in CI, so CI can
 * never pass by not testing.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  closeClient,
  connectClient,
  globEscape,
  scanKeys,
  type RedisClient,
} from '../../src/storage/redis/client.js';

export type { RedisClient };

export const REDIS_URL = process.env.RISKGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** An admin client for cleaning up, or null after skipping the calling suite. */
export async function requireRedis(context: Mocha.Context): Promise<RedisClient | null> {
  try {
    return await connectClient(REDIS_URL);
  } catch (error) {
    const reason = (error as Error).message;
    if (process.env.CI === 'true') throw new Error(`Redis is required in CI; ${reason}`, { cause: error });
    console.warn(`\n!!! SKIPPING Redis tests: ${reason}\n`);
    context.skip();
    return null;
  }
}

export async function closeAdmin(admin: RedisClient | null): Promise<void> {
  if (admin) await closeClient(admin);
}

export function randomPrefix(): string {
  return `rg_test_${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix`; returns how many. */
export async function deletePrefix(admin: RedisClient | null, prefix: string): Promise<number> {
  if (!admin) return 0;
  let deleted = 0;
  for await (const keys of scanKeys(admin, `${globEscape(prefix)}*`)) deleted += await admin.del(keys);
  return deleted;
}

/** Rejects when `promise` takes longer than `ms`: the outage tests are about never hanging. */
export async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A server that accepts connections and never answers, like a hung Redis. */
export async function listenSilently(): Promise<{ server: net.Server; port: number }> {
  // Reads and drops everything (resume), so it notices when the client hangs up and close() can finish.
  const server = net.createServer((socket) => socket.on('error', () => undefined).resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port };
}
