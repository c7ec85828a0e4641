/**
 * What Riskgate does when a used TOTP code is entered again (ASVS 2.8.5): the code was refused
 * already; this logs it (never the code) and, unless it was a double submit, records a low reusedOtp
 * detection and tells the owner. A double submit (the same code posted twice at once, a double click)
 * is the user's own and raises nobody's risk: a relaying attacker's use and the victim's entry arrive
 * one after the other, which is the other case.
 */
import type { Logger } from 'pino';
import type { RiskService } from '../remediation/riskService.js';
import { reusedOtp } from '../risk/detectors/reusedOtp.js';
import type { TotpReuseObserver } from './secondFactor.js';

export function reportTotpReuse(deps: {
  logger: Logger;
  risk: RiskService;
  notifyOwner: (userId: string) => void;
}): TotpReuseObserver {
  return async ({ userId, signInId, concurrent, now }) => {
    deps.logger.warn(
      { event: 'totpReuse', userId, signInId, concurrent },
      concurrent
        ? 'the same TOTP code was posted twice at once: one refused'
        : 'a used TOTP code was entered again: refused',
    );
    if (concurrent) return;
    await deps.risk.addDetections(userId, signInId, [reusedOtp(signInId !== null)], now);
    deps.notifyOwner(userId);
  };
}
