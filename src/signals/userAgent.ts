/** User-agent parsing into the coarse device features detectors and admins use. */
import UAParser from 'ua-parser-js';
import type { DeviceInfo } from '../domain/signIn.js';

/** Headers can be kilobytes; anything past this is noise and would bloat every stored sign-in. */
export const MAX_USER_AGENT_LENGTH = 512;

/** "10.15.7" -> "10.15": patch levels change weekly and would make every update look unfamiliar. */
function majorMinor(version: string | undefined): string | null {
  if (!version) return null;
  return version.split('.').slice(0, 2).join('.');
}

function deviceTypeOf(type: string | undefined, recognised: boolean): string {
  if (type === 'mobile' || type === 'tablet') return type;
  if (type !== undefined) return 'other'; // console, smarttv, wearable, embedded
  // ua-parser only names handheld and exotic devices; a recognised browser without one is a
  // desktop. An empty or unrecognisable UA (curl, scripts) is not.
  return recognised ? 'desktop' : 'other';
}

type ParsedUserAgent = Omit<DeviceInfo, 'deviceId'>;

/**
 * Parsed user agents by string. ua-parser-js runs hundreds of regular expressions per string (a
 * tenth of a risk evaluation's CPU), while a service sees the same few hundred strings all day. A
 * plain Map in insertion order, emptied when full: bounded memory, no eviction bookkeeping per hit.
 */
const PARSED = new Map<string, ParsedUserAgent>();
const MAX_CACHED_USER_AGENTS = 5000;

export function parseUserAgent(ua: string, deviceId: string | null): DeviceInfo {
  const userAgent = ua.slice(0, MAX_USER_AGENT_LENGTH);
  let parsed = PARSED.get(userAgent);
  if (parsed === undefined) {
    parsed = parseUncached(userAgent);
    if (PARSED.size >= MAX_CACHED_USER_AGENTS) PARSED.clear();
    PARSED.set(userAgent, parsed);
  }
  return { ...parsed, deviceId };
}

function parseUncached(userAgent: string): ParsedUserAgent {
  const result = new UAParser(userAgent).getResult();
  const browserFamily = result.browser.name ?? null;
  const major = result.browser.major ?? result.browser.version?.split('.')[0];
  const browser = browserFamily && major ? `${browserFamily} ${major}` : browserFamily;
  const osVersion = majorMinor(result.os.version);
  const os = result.os.name ? (osVersion ? `${result.os.name} ${osVersion}` : result.os.name) : null;
  const deviceType = deviceTypeOf(result.device.type, browserFamily !== null || os !== null);
  return { userAgent, browser, browserFamily, os, deviceType };
}
