/** A complete sign-in record with plausible values, for storage tests to override field by field. */
import type { SignInRecord } from '../../src/domain/signIn.js';

export const T0 = 1_700_000_000_000;

export function signIn(overrides: Partial<SignInRecord> & { id: string; at?: number }): SignInRecord {
  const { at = T0, ...rest } = overrides;
  return {
    userId: 'user-1',
    username: 'alice',
    context: {
      at,
      ip: '81.2.69.142',
      network: '81.2.69.0/24',
      geo: { country: 'GB', city: 'London', latitude: 51.5142, longitude: -0.0931 },
      device: {
        userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0',
        browser: 'Chrome 120',
        browserFamily: 'Chrome',
        os: 'Windows 10',
        deviceType: 'desktop',
        deviceId: 'device-1',
      },
    },
    outcome: 'allowed',
    riskLevel: 'none',
    riskState: 'none',
    userRiskLevel: 'none',
    decision: 'allow',
    reportOnly: [],
    updatedAt: at,
    ...rest,
  };
}
