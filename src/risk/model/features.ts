/**
 * The sign-in features the familiarity model scores, and the hierarchies it backs off along when a
 * user has never used a value (Freeman et al., NDSS 2016, "smoothing"): an address is evidence about
 * its network, a network about its country; a user-agent string about its browser, a browser about
 * its operating system, an operating system about the kind of device.
 */
import type { SignInContext } from '../../domain/signIn.js';

export const MODEL_FEATURES = [
  'ip',
  'network',
  'country',
  'ua',
  'browser',
  'os',
  'deviceType',
  'device',
] as const;
export type ModelFeature = (typeof MODEL_FEATURES)[number];
export type ModelFeatures = Record<ModelFeature, string | null>;

/** The next coarser level of each feature; roots (country, deviceType, device) have none. */
export const FEATURE_PARENT: Partial<Record<ModelFeature, ModelFeature>> = {
  ip: 'network',
  network: 'country',
  ua: 'browser',
  browser: 'os',
  os: 'deviceType',
};

/** Each hierarchy from its finest level to its coarsest, in the order explanations name them. */
export const FEATURE_BRANCHES: readonly (readonly ModelFeature[])[] = [
  ['ip', 'network', 'country'],
  ['ua', 'browser', 'os', 'deviceType'],
  ['device'],
];

/** Plain words for explanations admins read ("new network, known country"). */
export const FEATURE_WORDS: Record<ModelFeature, string> = {
  ip: 'IP address',
  network: 'network',
  country: 'country',
  ua: 'user agent',
  browser: 'browser',
  os: 'operating system',
  deviceType: 'device type',
  device: 'device',
};

/**
 * The model's view of a sign-in. The pipeline should also learn exactly these values for the user
 * (FamiliarityStore) and the population (PopulationStore), so history and scoring use the same keys.
 * Unknown values are null and are neither learned nor scored, except a missing device cookie, which
 * the scorer treats as a device the user has never used (see freeman.ts).
 */
export function modelFeaturesOf(context: SignInContext): ModelFeatures {
  const { device, geo } = context;
  return {
    ip: context.ip === '' ? null : context.ip,
    // "unknown" is what networkOf() answers for a non-IP: it says nothing about where the user is.
    network: context.network === 'unknown' || context.network === '' ? null : context.network,
    country: geo.country,
    // Already capped at MAX_USER_AGENT_LENGTH by the parser; an empty header carries no information.
    ua: device.userAgent === '' ? null : device.userAgent,
    browser: device.browser,
    os: device.os,
    deviceType: device.deviceType,
    device: device.deviceId,
  };
}
