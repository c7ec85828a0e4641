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

  /** Counts this attempt; true when the IP or the username is over its limit. */
  async throttled(ip: string, username: string, now: number): Promise<boolean> {
    const { windowSeconds, maxPerIp, maxPerUsername } = this.config.throttle;
    const windowMs = windowSeconds * 1000;
    const byIp = await this.counters.increment(`throttle:ip:${ip}`, windowMs, now);
    if (byIp > maxPerIp) return true;
    return (await this.counters.increment(`throttle:user:${username}`, windowMs, now)) > maxPerUsername;
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

  async isLocked(bucket: LockoutBucket, now: number): Promise<boolean> {
    return (await this.counters.count(bucket.key, now)) >= this.config.lockout.threshold;
  }

  async recordFailure(bucket: LockoutBucket, username: string, password: string, now: number): Promise<void> {
    const windowMs = this.config.lockout.durationSeconds * 1000;
    const fingerprint = this.keys.hash('attempt-fingerprint', username, password);
    const firstTime = await this.counters.claimOnce(`${bucket.key}:pw:${fingerprint}`, windowMs, now);
    if (firstTime) await this.counters.increment(bucket.key, windowMs, now);
  }

  /** A good sign-in from a familiar device clears that device's own failures (never the unfamiliar bucket). */
  async recordSuccess(bucket: LockoutBucket): Promise<void> {
    if (bucket.familiar) await this.counters.reset(bucket.key);
  }
}
