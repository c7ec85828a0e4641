/** Builders for detector inputs: plain data, so every test case reads as a row in a table. */
import type { GeoLocation, PastSignIn, SignInContext } from '../../src/domain/signIn.js';
import { DEFAULT_DETECTION_CONFIG, type DetectorInput } from '../../src/risk/detector.js';
import type { FamiliarFeature } from '../../src/storage/types.js';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);

export const PLACES = {
  berlin: { country: 'DE', city: 'Berlin', latitude: 52.52, longitude: 13.405 },
  munich: { country: 'DE', city: 'Munich', latitude: 48.1351, longitude: 11.582 },
  potsdam: { country: 'DE', city: 'Potsdam', latitude: 52.3906, longitude: 13.0645 },
  paris: { country: 'FR', city: 'Paris', latitude: 48.8566, longitude: 2.3522 },
  london: { country: 'GB', city: 'London', latitude: 51.5074, longitude: -0.1278 },
  newYork: { country: 'US', city: 'New York', latitude: 40.7128, longitude: -74.006 },
  sydney: { country: 'AU', city: 'Sydney', latitude: -33.8688, longitude: 151.2093 },
  salzburg: { country: 'AT', city: 'Salzburg', latitude: 47.8095, longitude: 13.055 },
  unknown: { country: null, city: null, latitude: null, longitude: null },
  countryOnly: { country: 'US', city: null, latitude: null, longitude: null },
} satisfies Record<string, GeoLocation>;

export function context(geo: GeoLocation, at = T0): SignInContext {
  return {
    at,
    ip: '203.0.113.7',
    network: '203.0.113.0/24',
    geo,
    device: {
      userAgent: 'ua',
      browser: 'Firefox 128',
      browserFamily: 'Firefox',
      os: 'Linux',
      deviceType: 'desktop',
      deviceId: 'dev-1',
    },
  };
}

export function past(geo: GeoLocation, at: number): PastSignIn {
  return {
    at,
    ip: '198.51.100.1',
    network: '198.51.100.0/24',
    geo,
    browserFamily: 'Firefox',
    deviceId: 'dev-1',
  };
}

export function familiar(feature: string, ...values: string[]): FamiliarFeature[] {
  return values.map((value) => ({
    feature,
    value,
    count: 3,
    firstSeen: T0 - 100 * HOUR,
    lastSeen: T0 - HOUR,
  }));
}

export function input(overrides: Partial<DetectorInput> & { context: SignInContext }): DetectorInput {
  return {
    history: { lastSuccess: null, familiar: [] },
    credential: { breached: false },
    config: DEFAULT_DETECTION_CONFIG,
    ...overrides,
  };
}
