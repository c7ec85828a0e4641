/**
 * A small synthetic world for the familiarity model: a population of 1000 users and 50,000 sign-ins
 * with realistic shares (most sign-ins from Germany, Chrome and Windows), and Alice, a settled user
 * with 30 sign-ins from home and office on one laptop. Tests state behaviour against it.
 */
import type { ModelFeature, ModelFeatures } from '../../../src/risk/model/features.js';
import { populationStatsFrom, userStatsFrom, type PopulationStats } from '../../../src/risk/model/stats.js';
import type { FamiliarFeature } from '../../../src/storage/types.js';

export const DAY = 86_400_000;
export const NOW = Date.UTC(2026, 5, 1, 9, 0, 0);

export const POPULATION_COUNTS: Record<string, number> = {
  'country=DE': 20_000,
  'country=US': 10_000,
  'country=KP': 3,
  'network=AS3320': 5_000, // Alice's home ISP, big in Germany
  'network=AS-ACME': 250, // Alice's employer
  'network=AS3209': 4_000, // another German ISP
  'network=AS7922': 3_000, // a US ISP
  'network=AS-RARE': 2, // a tiny German hosting provider
  'ip=10.0.0.1': 12, // Alice's home IPs
  'ip=10.0.0.2': 9,
  'ip=10.1.0.1': 30, // office NAT
  'ip=10.0.0.3': 7,
  'ip=20.0.0.9': 4, // in AS3209
  'ua=UA-Chrome-119-Win': 700,
  'ua=UA-Chrome-120-Win': 900,
  'ua=UA-Firefox-128-Win': 300,
  'ua=UA-Safari-17-iPhone': 800,
  'browser=Chrome 119': 3_000,
  'browser=Chrome 120': 7_000,
  'browser=Firefox 128': 1_500,
  'browser=Mobile Safari 17': 5_000,
  'os=Windows 10': 20_000,
  'os=iOS 17': 7_000,
  'deviceType=desktop': 33_000,
  'deviceType=mobile': 16_000,
  'device=alice-laptop': 30,
};

export const POPULATION_DISTINCT: Partial<Record<ModelFeature, number>> = {
  ip: 20_000,
  network: 3_000,
  country: 60,
  ua: 5_000,
  browser: 200,
  os: 80,
  deviceType: 4,
  device: 2_500,
};

export function population(
  counts: Record<string, number> = POPULATION_COUNTS,
  totals = { totalSignIns: 50_000, numberOfUsers: 1_000 },
): PopulationStats {
  return populationStatsFrom({ ...totals, counts, distinct: POPULATION_DISTINCT });
}

/** A FamiliarFeature row; any feature name, as the store holds others (city) too. */
export function row(feature: string, value: string, count: number, lastSeenDaysAgo = 1): FamiliarFeature {
  return { feature, value, count, firstSeen: NOW - 400 * DAY, lastSeen: NOW - lastSeenDaysAgo * DAY };
}

/** Alice: 30 sign-ins, 20 from home (3 IPs), 10 from the office, Chrome on one Windows laptop. */
export const ALICE_ROWS: FamiliarFeature[] = [
  row('country', 'DE', 30),
  row('network', 'AS3320', 20),
  row('network', 'AS-ACME', 10),
  row('ip', '10.0.0.1', 8),
  row('ip', '10.0.0.2', 7),
  row('ip', '10.0.0.3', 5),
  row('ip', '10.1.0.1', 10),
  row('ua', 'UA-Chrome-119-Win', 10),
  row('ua', 'UA-Chrome-120-Win', 20),
  row('browser', 'Chrome 119', 10),
  row('browser', 'Chrome 120', 20),
  row('os', 'Windows 10', 30),
  row('deviceType', 'desktop', 30),
  row('device', 'alice-laptop', 30),
];

export const alice = () => userStatsFrom(ALICE_ROWS, NOW);

/** Alice's usual sign-in: home IP, Chrome 120 on her laptop. */
export const USUAL: ModelFeatures = {
  ip: '10.0.0.1',
  network: 'AS3320',
  country: 'DE',
  ua: 'UA-Chrome-120-Win',
  browser: 'Chrome 120',
  os: 'Windows 10',
  deviceType: 'desktop',
  device: 'alice-laptop',
};

export const with_ = (changes: Partial<ModelFeatures>): ModelFeatures => ({ ...USUAL, ...changes });

/** Values nobody in the population has used, for "new to everybody" cases. */
export const NEW_DEVICE = { device: 'fresh-cookie' };
export const OTHER_GERMAN_NETWORK = { ip: '20.0.0.9', network: 'AS3209' };
export const FIREFOX = { ua: 'UA-Firefox-128-Win', browser: 'Firefox 128' };
export const US_NETWORK = { ip: '30.0.0.1', network: 'AS7922', country: 'US' };
export const IPHONE = {
  ua: 'UA-Safari-17-iPhone',
  browser: 'Mobile Safari 17',
  os: 'iOS 17',
  deviceType: 'mobile',
};
