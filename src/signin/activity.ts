/**
 * Cross-account activity for the malicious-IP and brute-force detections, kept on the store's atomic
 * counters so every instance sees the same numbers (and Redis can hold them):
 * - per IP: failed attempts, distinct accounts tried, successes;
 * - per account: distinct wrong passwords since its last good sign-in.
 * Passwords appear only as keyed fingerprints inside claim keys, which expire with the window.
 */
import type { Keys } from '../crypto/keys.js';
import type { CounterStore } from '../storage/types.js';
import type { IpActivity } from '../risk/detectors/maliciousIp.js';
import type { FailuresBeforeSuccess } from '../risk/detectors/bruteForce.js';

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

  async recordSuccess(ip: string, username: string, now: number): Promise<void> {
    await this.counters.increment(`ip:ok:${ip}`, this.windowMs, now);
    // A good sign-in starts the account's count again: brute force is judged on failures since then.
    await this.counters.reset(`account:fail:${username}`);
    await this.counters.reset(`account:pws:${username}`);
  }

  async ipActivity(ip: string, now: number): Promise<IpActivity> {
    const [failures, distinctUsers, successes] = await Promise.all([
      this.counters.count(`ip:fail:${ip}`, now),
      this.counters.count(`ip:users:${ip}`, now),
      this.counters.count(`ip:ok:${ip}`, now),
    ]);
    return { failures, distinctUsers, successes };
  }

  async accountFailures(username: string, now: number): Promise<FailuresBeforeSuccess> {
    const [failures, distinctPasswords] = await Promise.all([
      this.counters.count(`account:fail:${username}`, now),
      this.counters.count(`account:pws:${username}`, now),
    ]);
    return { failures, distinctPasswords, windowMinutes: Math.round(this.windowMs / 60_000) };
  }
}
