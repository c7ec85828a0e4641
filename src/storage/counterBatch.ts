/** What every backend's CounterStore.apply shares: the one-write-per-key rule, checked up front. */
import { CounterBatchError, type CounterOp } from './types.js';

export function checkCounterBatch(ops: readonly CounterOp[]): void {
  const written = new Set<string>();
  for (const op of ops) {
    if (op.op === 'count') continue;
    if (written.has(op.key)) throw new CounterBatchError(op.key);
    written.add(op.key);
  }
}
