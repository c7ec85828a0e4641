/** Stored records for admin tests, shaped as the pipeline stores them. */
import type { RiskLevel } from '../../src/domain/risk.js';
import type { SignInRecord } from '../../src/domain/signIn.js';

/** A sign-in of `userId` from London with the given risk, stored like the pipeline stores one. */
export function signInRecord(
  id: string,
  userId: string,
  username: string,
  at: number,
  riskLevel: RiskLevel = 'medium',
): SignInRecord {
  return {
    id,
    userId,
    username,
    context: {
      at,
      ip: '81.2.69.142',
      network: '81.2.69.0/24',
      geo: { country: 'GB', city: 'London', latitude: 51.5, longitude: -0.09 },
      device: {
        userAgent: 'Mozilla/5.0 Chrome/120.0',
        browser: 'Chrome 120',
        browserFamily: 'Chrome',
        os: 'Windows 10',
        deviceType: 'desktop',
        deviceId: 'device-1',
      },
    },
    outcome: 'interrupted',
    riskLevel,
    riskState: riskLevel === 'none' ? 'none' : 'atRisk',
    userRiskLevel: 'none',
    decision: 'requireMfa',
    reportOnly: [],
    updatedAt: at,
  };
}
