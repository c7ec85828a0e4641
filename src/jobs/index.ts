/** The offline jobs every Riskgate runs. */
import type { RiskgateConfig } from '../config/options.js';
import type { RiskService } from '../remediation/riskService.js';
import type { Store } from '../storage/types.js';
import { riskAgeingJob } from './riskAgeing.js';
import type { Job } from './scheduler.js';
import type { PasswordSprayWatch } from './passwordSpray.js';
import { leakedPairsJob } from './leakedPairs.js';
import type { Keys } from '../crypto/keys.js';
import type { UserDirectory } from '../domain/identity.js';

export interface JobDeps {
  store: Store;
  risk: RiskService;
  config: Pick<RiskgateConfig, 'jobs'>;
  spray: PasswordSprayWatch;
  keys: Keys;
  directory: UserDirectory;
}

export function defaultJobs({ store, risk, config, spray, keys, directory }: JobDeps): Job[] {
  const intervalMs = config.jobs.intervalMinutes * 60_000;
  return [
    riskAgeingJob(store, risk, config.jobs.lowRiskAgeingDays, intervalMs),
    spray.job(risk, intervalMs),
    leakedPairsJob(store, keys, directory, risk, intervalMs),
  ];
}
