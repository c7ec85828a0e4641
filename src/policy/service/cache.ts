/**
 * The policies in force, read through a short cache so a sign-in almost never touches the store: a
 * hit is a clock read and a comparison. Another instance's save is seen within the TTL; this
 * instance's own save replaces the cached copy at once. Concurrent misses share one store read.
 */
import type { Policies } from '../schema.js';
import type { CurrentPolicies } from './current.js';

export class PolicyCache {
  private entry: { current: CurrentPolicies; fetchedAt: number } | null = null;
  private refreshing: Promise<CurrentPolicies> | null = null;

  constructor(
    private readonly load: () => Promise<CurrentPolicies>,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async policies(): Promise<Policies> {
    const { entry } = this;
    if (entry && this.now() - entry.fetchedAt < this.ttlMs) return entry.current.policies;
    return (await this.refresh()).policies;
  }

  /** A version this instance just saved (or read fresh): in force here from now on. */
  put(current: CurrentPolicies): void {
    // A slower read that started before the save must not put the older version back.
    if (this.entry && this.entry.current.version > current.version) return;
    this.entry = { current, fetchedAt: this.now() };
  }

  private refresh(): Promise<CurrentPolicies> {
    this.refreshing ??= this.load()
      .then((current) => {
        this.put(current);
        return this.entry!.current;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }
}
