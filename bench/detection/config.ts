/**
 * Every knob of the detection benchmark, with its default. The defaults are sized so the default run
 * (one replay) takes well under a minute on 2 cores and `--sweep` (one replay per variant, two at a
 * time) a few minutes. Change them here, or with `--users N --days N --seed N --attacks N`.
 */
import { parseConfig } from '../../src/config/options.js';

export interface SimConfig {
  /** Seed of every random stream (population, timelines, attacks, IP pool). */
  seed: number;
  /** Simulated users (all exist from day 0 with no history; MFA registered for all). */
  users: number;
  /** Length of the simulated period in days, starting at `startUtc`. */
  days: number;
  /** Monday 3 March 2025, 00:00 UTC: user agents are those of that spring (userAgents.ts). */
  startUtc: number;
  /** Attacks start after this many days, so victims have some history. */
  warmupDays: number;
  /** Attacks per attacker model (naive, vpn, targeted, veryTargeted), at uniform random times. */
  attacksPerModel: number;
  /** Verified /24 networks per city in the IP pool (ipPool.ts). */
  networksPerCity: number;

  /** Login frequency profiles: share of users, sign-ins per day drawn uniformly in [min, max]. */
  profiles: readonly { name: string; share: number; perDay: readonly [number, number] }[];
  /** Weekend days get this fraction of a weekday's sign-ins. */
  weekendFactor: number;
  /** Share of users with an office network (same city) they sign in from on weekdays 9-17. */
  officeWorkerShare: number;
  /** Share of office workers who also have a work PC (used only at the office). */
  workPcShare: number;
  /** Devices per user: weights for 1, 2 or 3 personal devices (computer and/or phone). */
  personalDevices: readonly [number, number, number];
  /** Days between changes of a home connection's address (mean of an exponential). */
  homeLeaseDays: number;
  /** Share of phone sign-ins at home made over mobile data (carrier CGNAT, a new address each time). */
  phoneMobileDataShare: number;
  /** Share of home-city sign-ins from some other network in town (café, friend's Wi-Fi). */
  elsewhereInTownShare: number;

  /** Share of users with one trip abroad in the period (3-10 days, another country, by plane). */
  tripAbroadShare: number;
  /** Share of users with one trip to another city of their own country (2-5 days, by plane or train). */
  domesticTripShare: number;
  /** Abroad, share of phone sign-ins over roaming data: the home carrier's address, in the home country. */
  roamingShare: number;
  /** Share of users who sometimes use a commercial VPN (exit in another country) on their computer. */
  vpnUserShare: number;
  /** Share of those users' computer sign-ins made through the VPN. */
  vpnUseShare: number;
  /** Share of VPN exit networks listed in the vpn feed the engine reads (the rest are unlisted). */
  vpnFeedCoverage: number;
  /** VPN attackers pick an exit in the victim's country (Wiefling et al.: they know the country). */
  vpnAttackerInVictimCountry: boolean;

  /** Per sign-in chance that the device's cookie was cleared (a new device id from then on). */
  cookieLossRate: number;
  /** Share of devices that never keep the cookie (private browsing): no device id, ever. */
  cookielessDeviceShare: number;
  /** Share of users who replace their phone during the period (new device, maybe a new platform). */
  newPhoneShare: number;
}

export const DEFAULT_CONFIG: SimConfig = {
  seed: 20250303,
  users: 300,
  days: 60,
  startUtc: Date.UTC(2025, 2, 3),
  warmupDays: 14,
  attacksPerModel: 1000,
  networksPerCity: 100,

  // Wiefling et al. (ACM TOPS 2022): most users log in rarely, a few very often.
  profiles: [
    { name: 'heavy', share: 0.15, perDay: [1.5, 4] },
    { name: 'regular', share: 0.35, perDay: [0.3, 1.2] },
    { name: 'light', share: 0.5, perDay: [0.05, 0.25] },
  ],
  weekendFactor: 0.6,
  officeWorkerShare: 0.55,
  workPcShare: 0.5,
  personalDevices: [0.35, 0.5, 0.15],
  homeLeaseDays: 20,
  phoneMobileDataShare: 0.3,
  elsewhereInTownShare: 0.05,

  tripAbroadShare: 0.25,
  domesticTripShare: 0.15,
  roamingShare: 0.25,
  vpnUserShare: 0.08,
  vpnUseShare: 0.3,
  vpnFeedCoverage: 0.5,
  vpnAttackerInVictimCountry: true,

  cookieLossRate: 0.02,
  cookielessDeviceShare: 0.03,
  newPhoneShare: 0.05,
};

/**
 * What a replay varies: the familiarity model's thresholds (log10 score) and learning period
 * (`detection.familiarity`), the sign-in policy's MFA level and the newCountry detection's level.
 */
export interface Variant {
  label: string;
  familiarity: { low: number; medium: number; high: number; minUserSignIns: number };
  mfaAt: 'low' | 'medium' | 'high';
  /** Level of the newCountry detection (`detection.newCountry.level`). */
  newCountryLevel: 'low' | 'medium' | 'high';
}

/** What createRiskgate() uses when nothing is configured: read from the option schema, never copied. */
function defaultVariant(): Variant {
  const config = parseConfig({});
  const mfaAt = config.policies.signInRisk.mfaAt;
  if (mfaAt === 'off') throw new Error('the default sign-in risk policy never asks for MFA');
  return {
    label: 'defaults',
    familiarity: config.detection.familiarity,
    mfaAt,
    newCountryLevel: config.detection.newCountry.level,
  };
}

export const DEFAULT_VARIANT: Variant = defaultVariant();

/** Goals (Wiefling et al. targets for a usable, secure RBA). */
export const GOALS = {
  naive: 0.995,
  vpn: 0.995,
  targeted: 0.95,
  /** Median re-authentication rate of users with 10+ past logins: at most this. */
  settledMedianReauth: 0.05,
} as const;

export function parseArgs(argv: readonly string[]): { config: SimConfig; sweep: boolean } {
  const config: SimConfig = { ...DEFAULT_CONFIG };
  let sweep = false;
  const numeric: Record<string, keyof SimConfig> = {
    '--users': 'users',
    '--days': 'days',
    '--seed': 'seed',
    '--attacks': 'attacksPerModel',
    '--warmup': 'warmupDays',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--sweep') sweep = true;
    else if (arg in numeric) {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 0) throw new Error(`${arg} needs a whole number`);
      (config as unknown as Record<string, number>)[numeric[arg]!] = value;
    } else throw new Error(`unknown option ${arg} (known: --sweep ${Object.keys(numeric).join(' ')})`);
  }
  if (config.warmupDays >= config.days) throw new Error('--warmup must be shorter than --days');
  return { config, sweep };
}
