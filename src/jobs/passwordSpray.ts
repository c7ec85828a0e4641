/**
 * Offline password-spray detection. Failed attempts are stored as keyed fingerprints of the password
 * alone; a fingerprint that failed against `minAccounts` accounts in the window is a campaign. Its
 * fingerprint is marked (so a later success with that password is flagged in real time), and every
 * account whose password was verified from the campaign's addresses gets a high detection, once.
 */
import type { Keys } from '../crypto/keys.js';
import type { CounterBatch } from '../signin/counterBatch.js';
import type { RiskService } from '../remediation/riskService.js';
import type { Store } from '../storage/types.js';
import { sprayCampaignDraft } from '../risk/detectors/passwordSpray.js';
import type { Job } from './scheduler.js';
import type { RiskgateConfig } from '../config/options.js';

export interface SprayConfig {
  windowMs: number;
  minAccounts: number;
}

const MARK_MS = 30 * 24 * 60 * 60 * 1000;

export class PasswordSprayWatch {
  static fromConfig(store: Store, keys: Keys, config: Pick<RiskgateConfig, 'detection'>): PasswordSprayWatch {
    const { windowHours, minAccounts } = config.detection.passwordSpray;
    return new PasswordSprayWatch(store, keys, { windowMs: windowHours * 3_600_000, minAccounts });
  }

  constructor(
    private readonly store: Store,
    private readonly keys: Keys,
    private readonly config: SprayConfig,
  ) {}

  private fingerprint(password: string): string {
    // No username in it: the same password must match across accounts.
    return this.keys.hash('attempt-fingerprint', 'spray', password);
  }

  recordFailure(username: string, ip: string, password: string, now: number): Promise<void> {
    return this.store.attempts.recordFailedAttempt({
      fingerprint: this.fingerprint(password),
      username,
      ip,
      at: now,
    });
  }

  /** In `batch`: whether the password is marked as used in a spray campaign. */
  isSprayed(batch: CounterBatch, password: string): () => boolean {
    const read = batch.add({ op: 'count', key: `spray:fp:${this.fingerprint(password)}` });
    return () => read()[0]! > 0;
  }

  job(risk: RiskService, intervalMs: number): Job {
    return {
      name: 'passwordSpray',
      intervalMs,
      run: async (now) => {
        const { store, config } = this;
        const since = now - config.windowMs;
        const campaigns = await store.attempts.sprayCandidates(since, config.minAccounts);
        let flagged = 0;
        for (const campaign of campaigns) {
          await store.counters.increment(`spray:fp:${campaign.fingerprint}`, MARK_MS, now);
          for (const userId of await store.signIns.usersSignedInFrom(campaign.ips, since)) {
            if (
              !(await store.counters.claimOnce(
                `spray:flagged:${userId}:${campaign.fingerprint}`,
                MARK_MS,
                now,
              ))
            )
              continue;
            await risk.addDetections(
              userId,
              null,
              [sprayCampaignDraft(campaign.accounts, campaign.ips)],
              now,
            );
            flagged++;
          }
        }
        // Fingerprints are kept no longer than two windows.
        const pruned = await store.attempts.pruneAttempts(now - 2 * config.windowMs);
        return `${campaigns.length} spray campaign(s), ${flagged} account(s) flagged, ${pruned} old attempt(s) pruned`;
      },
    };
  }
}
