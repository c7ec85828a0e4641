/**
 * Fixed-window counters and consume-once claims in Redis, shared by every instance. Same semantics as
 * the SQLite version: each write, and each batch, is one Lua script, so it is atomic across instances.
 *
 * Logical expiry is judged against the caller's `now` (stored in the key, compared in Lua), never
 * against Redis' clock; Redis TTLs only drop keys once they can no longer matter.
 */
import type { CounterStore } from '../types.js';
import { checkCounterBatch } from '../counterBatch.js';
import { LuaScript, type RedisClient } from './client.js';

/**
 * Added to every housekeeping TTL. Instances' clocks differ a little; without slack Redis could drop
 * a window that a slower-clocked instance still counts as live, resetting a limit early.
 */
const TTL_SLACK_MS = 60_000;

// KEYS[1] counter hash {count, expiresAt}. ARGV: now, expiresAt of a new window, housekeeping TTL.
// Numbers arrive as strings and are stored as given: Lua's number-to-string conversion keeps only 14
// significant digits.
const INCREMENT = new LuaScript(`
local expiresAt = tonumber(redis.call('HGET', KEYS[1], 'expiresAt'))
if expiresAt ~= nil and expiresAt > tonumber(ARGV[1]) then
  return redis.call('HINCRBY', KEYS[1], 'count', 1)
end
redis.call('HSET', KEYS[1], 'count', 1, 'expiresAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`);

// KEYS[1] claim string holding its expiresAt. ARGV: now, expiresAt, housekeeping TTL.
// A live claim refuses; an absent or expired one is (re)taken.
const CLAIM = new LuaScript(`
local expiresAt = tonumber(redis.call('GET', KEYS[1]))
if expiresAt ~= nil and expiresAt > tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`);

// KEYS: one counter hash per op. ARGV[1] now; then per op three values: kind, expiresAt of a new
// window, housekeeping TTL (the last two are used by increments only). Every count is read before
// any write, so counts see the state before the batch, as in the SQL stores.
const APPLY = new LuaScript(`
local now = tonumber(ARGV[1])
local results = {}
for i, key in ipairs(KEYS) do
  results[i] = 0
  if ARGV[3 * i - 1] == 'count' then
    local fields = redis.call('HMGET', key, 'count', 'expiresAt')
    if fields[1] and fields[2] and tonumber(fields[2]) > now then results[i] = tonumber(fields[1]) end
  end
end
for i, key in ipairs(KEYS) do
  local kind = ARGV[3 * i - 1]
  if kind == 'increment' then
    local expiresAt = tonumber(redis.call('HGET', key, 'expiresAt'))
    if expiresAt ~= nil and expiresAt > now then
      results[i] = redis.call('HINCRBY', key, 'count', 1)
    else
      redis.call('HSET', key, 'count', 1, 'expiresAt', ARGV[3 * i])
      redis.call('PEXPIRE', key, ARGV[3 * i + 1])
      results[i] = 1
    end
  elseif kind == 'reset' then
    redis.call('DEL', key)
  end
end
return results
`);

/** Long enough that Redis never drops a key before its logical end, whatever `now` the caller used. */
function housekeepingTtl(windowMs: number, expiresAt: number): number {
  return Math.max(windowMs, expiresAt - Date.now(), 1) + TTL_SLACK_MS;
}

export function createRedisCounterStore(client: RedisClient, prefix: string): CounterStore {
  // Counters and claims live under different prefixes, so reset() can never clear a claim.
  const counterKey = (key: string) => `${prefix}counter:${key}`;
  const claimKey = (key: string) => `${prefix}claim:${key}`;

  return {
    async increment(key, windowMs, now) {
      const expiresAt = now + windowMs;
      const count = await INCREMENT.run(
        client,
        [counterKey(key)],
        [now, expiresAt, housekeepingTtl(windowMs, expiresAt)],
      );
      return Number(count);
    },

    async apply(ops, now) {
      checkCounterBatch(ops);
      if (ops.length === 0) return [];
      const args: (string | number)[] = [now];
      for (const op of ops) {
        if (op.op !== 'increment') args.push(op.op, 0, 0);
        else {
          const expiresAt = now + op.windowMs;
          args.push(op.op, expiresAt, housekeepingTtl(op.windowMs, expiresAt));
        }
      }
      const results = (await APPLY.run(
        client,
        ops.map((op) => counterKey(op.key)),
        args,
      )) as unknown[];
      return results.map(Number);
    },

    async count(key, now) {
      const [count, expiresAt] = await client.hmGet(counterKey(key), ['count', 'expiresAt']);
      if (count == null || expiresAt == null || Number(expiresAt) <= now) return 0;
      return Number(count);
    },

    async reset(key) {
      await client.del(counterKey(key));
    },

    async claimOnce(key, ttlMs, now) {
      const expiresAt = now + ttlMs;
      const won = await CLAIM.run(
        client,
        [claimKey(key)],
        [now, expiresAt, housekeepingTtl(ttlMs, expiresAt)],
      );
      return Number(won) === 1;
    },
  };
}
