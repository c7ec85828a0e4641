/**
 * Throttling and smart lockout, on atomic store counters so they hold across requests and instances.
 * - Throttle: attempts per IP and per username per window.
 * - Smart lockout: wrong passwords from unfamiliar devices lock out unfamiliar devices only; the owner
 *   on a familiar device (device cookie or network seen in a good sign-in) has a bucket of their own.
 * - The same wrong password repeated counts once (keyed fingerprint; the password is never stored).
 */
import type { Keys } from '../crypto/keys.js';
import type { RiskgateConfig } from '../config/options.js';
import type { CounterStore, FamiliarFeature } from '../storage/types.js';
import type { CounterBatch } from './counterBatch.js';

export interface GateVerdict {
  throttled: boolean;
  locked: boolean;
}

export interface LockoutBucket {
  key: string;
  familiar: boolean;
}

export class SignInLimits {
  constructor(
    private readonly counters: CounterStore,
    private readonly keys: Keys,
    private readonly config: Pick<RiskgateConfig, 'throttle' | 'lockout'>,
  ) {}

  /**
   * Counts this attempt against the IP and the username, and reads the lockout bucket, in `batch`.
   * Both throttle counters always count the attempt, so the username's count is every attempt on it
   * (an IP already over its limit keeps counting against the names it tries).
   */
  check(batch: CounterBatch, ip: string, username: string, bucket: LockoutBucket): () => GateVerdict {
    const windowMs = this.config.throttle.windowSeconds * 1000;
    const read = batch.add(
      { op: 'increment', key: `throttle:ip:${ip}`, windowMs },
      { op: 'increment', key: `throttle:user:${username}`, windowMs },
      { op: 'count', key: bucket.key },
    );
    return () => {
      const [byIp, byUsername, failures] = read() as [number, number, number];
      const { maxPerIp, maxPerUsername } = this.config.throttle;
      return {
        throttled: byIp > maxPerIp || byUsername > maxPerUsername,
        locked: failures >= this.config.lockout.threshold,
      };
    };
  }

  bucketFor(
    username: string,
    familiar: FamiliarFeature[],
    deviceId: string | null,
    network: string,
  ): LockoutBucket {
    const knows = (feature: string, value: string | null) =>
      value !== null && familiar.some((f) => f.feature === feature && f.value === value);
    if (knows('device', deviceId)) return { key: `lockout:${username}:device:${deviceId}`, familiar: true };
    if (knows('network', network)) return { key: `lockout:${username}:network:${network}`, familiar: true };
    return { key: `lockout:${username}:unfamiliar`, familiar: false };
  }

  async recordFailure(bucket: LockoutBucket, username: string, password: string, now: number): Promise<void> {
    const windowMs = this.config.lockout.durationSeconds * 1000;
    const fingerprint = this.keys.hash('attempt-fingerprint', username, password);
    const firstTime = await this.counters.claimOnce(`${bucket.key}:pw:${fingerprint}`, windowMs, now);
    if (firstTime) await this.counters.increment(bucket.key, windowMs, now);
  }

  /** A good sign-in from a familiar device clears that device's own failures (never the unfamiliar bucket). */
  recordSuccess(batch: CounterBatch, bucket: LockoutBucket): void {
    if (bucket.familiar) batch.add({ op: 'reset', key: bucket.key });
  }
}
