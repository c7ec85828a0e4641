/**
 * Cross-account activity for the malicious-IP and brute-force detections, kept on the store's atomic
 * counters so every instance sees the same numbers (and Redis can hold them):
 * - per IP: failed attempts, distinct accounts tried, successes;
 * - per account: distinct wrong passwords since its last good sign-in.
 * Passwords appear only as keyed fingerprints inside claim keys, which expire with the window.
 */
import type { Keys } from '../crypto/keys.js';
import type { CounterStore } from '../storage/types.js';
import type { CounterBatch } from './counterBatch.js';
import type { IpActivity } from '../risk/detectors/maliciousIp.js';
import type { FailuresBeforeSuccess } from '../risk/detectors/bruteForce.js';

export interface ActivityCounts {
  ipActivity: IpActivity;
  accountFailures: FailuresBeforeSuccess;
}

export class SignInActivity {
  constructor(
    private readonly counters: CounterStore,
    private readonly keys: Keys,
    private readonly windowMs: number,
  ) {}

  async recordFailure(ip: string, username: string, password: string, now: number): Promise<void> {
    const { counters, windowMs } = this;
    await counters.increment(`ip:fail:${ip}`, windowMs, now);
    if (await counters.claimOnce(`ip:user:${ip}:${username}`, windowMs, now)) {
      await counters.increment(`ip:users:${ip}`, windowMs, now);
    }
    await counters.increment(`account:fail:${username}`, windowMs, now);
    const fingerprint = this.keys.hash('attempt-fingerprint', username, password);
    if (await counters.claimOnce(`account:pw:${username}:${fingerprint}`, windowMs, now)) {
      await counters.increment(`account:pws:${username}`, windowMs, now);
    }
  }

  /** In `batch`: one more success from the IP; the account's failure counts start again. */
  recordSuccess(batch: CounterBatch, ip: string, username: string): void {
    batch.add(
      { op: 'increment', key: `ip:ok:${ip}`, windowMs: this.windowMs },
      // A good sign-in starts the account's count again: brute force is judged on failures since then.
      { op: 'reset', key: `account:fail:${username}` },
      { op: 'reset', key: `account:pws:${username}` },
    );
  }

  /** In `batch` (read before its writes): the IP's activity and the account's failures so far. */
  read(batch: CounterBatch, ip: string, username: string): () => ActivityCounts {
    const read = batch.add(
      { op: 'count', key: `ip:fail:${ip}` },
      { op: 'count', key: `ip:users:${ip}` },
      { op: 'count', key: `ip:ok:${ip}` },
      { op: 'count', key: `account:fail:${username}` },
      { op: 'count', key: `account:pws:${username}` },
    );
    return () => {
      const [failures, distinctUsers, successes, accountFailures, distinctPasswords] = read() as number[];
      return {
        ipActivity: { failures: failures!, distinctUsers: distinctUsers!, successes: successes! },
        accountFailures: {
          failures: accountFailures!,
          distinctPasswords: distinctPasswords!,
          windowMinutes: Math.round(this.windowMs / 60_000),
        },
      };
    };
  }
}
