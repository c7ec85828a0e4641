/**
 * Fixed-window counters (throttling, lockout) and consume-once claims. Each operation is one SQL
 * statement (a batch, one transaction), so a limit holds even when several processes share the file.
 */
import type { CounterOp, CounterStore } from '../types.js';
import { checkCounterBatch } from '../counterBatch.js';
import type { Db } from './util.js';

/** Expired rows are swept every this many writes, so keys that are never seen again do not pile up. */
const SWEEP_EVERY = 500;

export interface SqliteCounterStore extends CounterStore {
  /** apply, run inside the caller's transaction (evaluation.recordEvaluated): no transaction of its own. */
  applyWithin(ops: readonly CounterOp[], now: number): number[];
}

export function createCounterStore(db: Db): SqliteCounterStore {
  // A window starts at the first increment after the previous one expired. In DO UPDATE every
  // right-hand side reads the old row, so both CASEs test the same old expires_at.
  const increment = db.prepare<[{ key: string; now: number; expiresAt: number }], { count: number }>(
    `INSERT INTO counters (key, count, expires_at) VALUES (@key, 1, @expiresAt)
     ON CONFLICT (key) DO UPDATE SET
       count      = CASE WHEN expires_at <= @now THEN 1 ELSE count + 1 END,
       expires_at = CASE WHEN expires_at <= @now THEN excluded.expires_at ELSE expires_at END
     RETURNING count`,
  );
  const read = db.prepare<[string, number], { count: number }>(
    `SELECT count FROM counters WHERE key = ? AND expires_at > ?`,
  );
  const resetCounter = db.prepare<[string]>(`DELETE FROM counters WHERE key = ?`);
  // Inserts a new claim or takes over an expired one; a live claim makes the WHERE false, so no change.
  const claim = db.prepare<[{ key: string; now: number; expiresAt: number }]>(
    `INSERT INTO claims (key, expires_at) VALUES (@key, @expiresAt)
     ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE claims.expires_at <= @now`,
  );
  const sweepCounters = db.prepare<[number]>(`DELETE FROM counters WHERE expires_at <= ?`);
  const sweepClaims = db.prepare<[number]>(`DELETE FROM claims WHERE expires_at <= ?`);

  let writes = 0;
  const maybeSweep = (now: number): void => {
    writes += 1;
    if (writes % SWEEP_EVERY !== 0) return;
    sweepCounters.run(now);
    sweepClaims.run(now);
  };

  // Reads first, then writes: the counts see the state before the batch.
  const applyWithin = (ops: readonly CounterOp[], now: number): number[] => {
    checkCounterBatch(ops);
    if (ops.some((op) => op.op === 'increment')) maybeSweep(now);
    const results = ops.map((op) => (op.op === 'count' ? (read.get(op.key, now)?.count ?? 0) : 0));
    ops.forEach((op, i) => {
      if (op.op === 'increment')
        results[i] = increment.get({ key: op.key, now, expiresAt: now + op.windowMs })!.count;
      else if (op.op === 'reset') resetCounter.run(op.key);
    });
    return results;
  };
  // One transaction, so a batch is atomic even when several processes share the file.
  const applyBatch = db.transaction(applyWithin);

  return {
    async increment(key, windowMs, now) {
      maybeSweep(now);
      return increment.get({ key, now, expiresAt: now + windowMs })!.count;
    },

    applyWithin,

    async apply(ops, now) {
      return applyBatch(ops, now);
    },

    async count(key, now) {
      return read.get(key, now)?.count ?? 0;
    },

    async reset(key) {
      resetCounter.run(key);
    },

    async claimOnce(key, ttlMs, now) {
      maybeSweep(now);
      return claim.run({ key, now, expiresAt: now + ttlMs }).changes === 1;
    },
  };
}
