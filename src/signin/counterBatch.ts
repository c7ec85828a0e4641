/**
 * Collects the counter operations of one step of a sign-in (throttle, lockout, activity, spray) so
 * they reach the store as one CounterStore.apply round trip instead of one call each. Each part adds
 * its ops and gets back a reader for its own results, valid once the batch has run.
 */
import type { CounterOp, CounterStore } from '../storage/types.js';

export class CounterBatch {
  private readonly ops: CounterOp[] = [];
  private results: number[] | null = null;

  add(...ops: CounterOp[]): () => number[] {
    const start = this.ops.length;
    this.ops.push(...ops);
    return () => {
      if (!this.results) throw new Error('CounterBatch: read before the batch ran');
      return this.results.slice(start, start + ops.length);
    };
  }

  /** The batch's operations, for a caller that writes them with something else (recordEvaluated). */
  get operations(): readonly CounterOp[] {
    return this.ops;
  }

  async run(counters: CounterStore, now: number): Promise<void> {
    this.results = this.ops.length === 0 ? [] : await counters.apply(this.ops, now);
  }
}
