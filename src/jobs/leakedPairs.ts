/**
 * Leaked username+password pairs (imported with `riskgate leaks:import`) are checked against each
 * user's current password by the app's own directory. A pair that still matches means attackers hold
 * a working password: leakedCredentials, high. Every pair is gone after its check, match or not.
 */
import type { UserDirectory } from '../domain/identity.js';
import type { DetectionDraft } from '../domain/risk.js';
import type { Keys } from '../crypto/keys.js';
import type { RiskService } from '../remediation/riskService.js';
import type { Store } from '../storage/types.js';
import type { Job } from './scheduler.js';

/** argon2 verification is deliberately slow (~50 ms): a bounded batch per run keeps instances responsive. */
const BATCH = 500;

const LEAKED_PAIR: DetectionDraft = {
  type: 'leakedCredentials',
  level: 'high',
  timing: 'offline',
  scope: 'user',
  reason: 'The username and current password were found together in a leak',
};

export async function queueLeakedPairs(
  store: Store,
  keys: Keys,
  pairs: Array<{ username: string; password: string }>,
): Promise<number> {
  return store.leaks.queueLeakedPairs(
    pairs.map(({ username, password }) => ({ username, sealedPassword: keys.secretBox.seal(password) })),
  );
}

export function leakedPairsJob(
  store: Store,
  keys: Keys,
  directory: UserDirectory,
  risk: RiskService,
  intervalMs: number,
): Job {
  return {
    name: 'leakedPairs',
    intervalMs,
    async run(now) {
      const pairs = await store.leaks.takeLeakedPairs(BATCH);
      let matched = 0;
      for (const pair of pairs) {
        const user = await directory.findByUsername(pair.username);
        if (!user || !(await directory.verifyPassword(user, keys.secretBox.open(pair.sealedPassword))))
          continue;
        await risk.addDetections(user.id, null, [LEAKED_PAIR], now);
        matched++;
      }
      return `${pairs.length} leaked pair(s) checked, ${matched} still matching`;
    },
  };
}
