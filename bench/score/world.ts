/**
 * The synthetic world behind bench:score: real public IPv4 /24 networks (placed with Riskgate's own
 * DB-IP lookup), a pool of real user-agent strings (parsed with Riskgate's own parser), and for each
 * user a profile and 90 days of sign-ins derived from the user's index alone. Nothing per user is kept
 * in memory: the builder and the measurement regenerate the same profile from (seed, index).
 */
import type { GeoIp } from '../../src/signals/geo.js';
import { parseUserAgent } from '../../src/signals/userAgent.js';

export const DAY_MS = 86_400_000;
export const HISTORY_DAYS = 90;

/** Deterministic PRNG (mulberry32): fast, and the same seed gives the same world on every run. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export const int = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

export const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

function hex(random: Random, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++)
    out += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0');
  return out;
}

/** A version-4 UUID string (what randomUUID() gives the built-in directory), from the PRNG. */
export function uuid(random: Random): string {
  const h = hex(random, 16);
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A device-cookie id like src/web/deviceCookie.ts makes (16 random bytes, base64url). */
export function deviceId(random: Random): string {
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256);
  return bytes.toString('base64url');
}

// ---------------------------------------------------------------------------------------------
// Networks

export interface Place {
  country: string;
  city: string;
  latitude: number;
  longitude: number;
}

export interface Net {
  /** The /24 as an unsigned 32-bit number with host byte 0. */
  base: number;
  /** networkOf() of any address in it: "a.b.c.0/24". */
  cidr: string;
  place: Place;
}

export interface CityGroup {
  key: string;
  country: string;
  nets: Net[];
}

export interface NetworkPool {
  nets: Net[];
  /** Cities with at least 3 networks: users live in one (home, office and mobile in the same city). */
  homeCities: CityGroup[];
  byCountry: Map<string, Net[]>;
  countries: string[];
}

export function ipString(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function isPublicSlash8(a: number, b: number): boolean {
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b < 128) return false; // carrier-grade NAT
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b < 32) return false;
  if (a === 192 && b === 168) return false;
  if (a === 198 && (b === 18 || b === 19)) return false;
  return true;
}

/**
 * Random public /24s whose sampled addresses all resolve to the same city (so the geo stored with a
 * history row is what Riskgate's lookup gives any address of the network at evaluation time).
 */
export function buildNetworkPool(geo: GeoIp, target: number, seed: number): NetworkPool {
  const random = rng(seed);
  const seen = new Set<number>();
  const nets: Net[] = [];
  let tries = 0;
  while (nets.length < target && tries < target * 50) {
    tries++;
    const a = int(random, 1, 223);
    const b = int(random, 0, 255);
    const c = int(random, 0, 255);
    if (!isPublicSlash8(a, b)) continue;
    const base = ((a << 24) | (b << 16) | (c << 8)) >>> 0;
    if (seen.has(base)) continue;
    seen.add(base);
    const first = geo.lookup(ipString(base + 1));
    if (!first.country || !first.city || first.latitude === null || first.longitude === null) continue;
    const same = [77, 160, 254].every((host) => {
      const other = geo.lookup(ipString(base + host));
      return (
        other.country === first.country &&
        other.city === first.city &&
        other.latitude === first.latitude &&
        other.longitude === first.longitude
      );
    });
    if (!same) continue;
    nets.push({
      base,
      cidr: `${a}.${b}.${c}.0/24`,
      place: {
        country: first.country,
        city: first.city,
        latitude: first.latitude,
        longitude: first.longitude,
      },
    });
  }
  const groups = new Map<string, CityGroup>();
  const byCountry = new Map<string, Net[]>();
  for (const net of nets) {
    const key = `${net.place.country}/${net.place.city}`;
    const group = groups.get(key) ?? { key, country: net.place.country, nets: [] };
    group.nets.push(net);
    groups.set(key, group);
    const list = byCountry.get(net.place.country) ?? [];
    list.push(net);
    byCountry.set(net.place.country, list);
  }
  const homeCities = [...groups.values()].filter((g) => g.nets.length >= 3);
  if (homeCities.length === 0) throw new Error('network pool: no city with 3 networks (geo database?)');
  return { nets, homeCities, byCountry, countries: [...byCountry.keys()] };
}

// ---------------------------------------------------------------------------------------------
// User agents

export interface Ua {
  index: number;
  userAgent: string;
  browser: string | null;
  browserFamily: string | null;
  os: string | null;
  deviceType: string;
}

/** Browser lines, each in three consecutive versions (old, current, next: upgrades move along). */
const UA_LINES: { mobile: boolean; versions: number[]; make: (v: number) => string }[] = [
  {
    mobile: false,
    versions: [123, 124, 125],
    make: (v) =>
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  },
  {
    mobile: false,
    versions: [123, 124, 125],
    make: (v) =>
      `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
  },
  {
    mobile: false,
    versions: [123, 124, 125],
    make: (v) =>
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.0.0`,
  },
  {
    mobile: false,
    versions: [124, 125, 126],
    make: (v) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
  },
  {
    mobile: false,
    versions: [124, 125, 126],
    make: (v) => `Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`,
  },
  {
    mobile: false,
    versions: [16, 17, 18],
    make: (v) =>
      `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v}.4 Safari/605.1.15`,
  },
  {
    mobile: true,
    versions: [16, 17, 18],
    make: (v) =>
      `Mozilla/5.0 (iPhone; CPU iPhone OS ${v}_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v}.4 Mobile/15E148 Safari/604.1`,
  },
  {
    mobile: true,
    versions: [123, 124, 125],
    make: (v) =>
      `Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`,
  },
  {
    mobile: true,
    versions: [23, 24, 25],
    make: (v) =>
      `Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${v}.0 Chrome/115.0.0.0 Mobile Safari/537.36`,
  },
];

export interface UaPool {
  all: Ua[];
  /** [line][version 0..2] -> Ua */
  lines: { mobile: boolean; uas: Ua[] }[];
}

export function buildUaPool(): UaPool {
  const all: Ua[] = [];
  const lines = UA_LINES.map((line) => ({
    mobile: line.mobile,
    uas: line.versions.map((v) => {
      const userAgent = line.make(v);
      const parsed = parseUserAgent(userAgent, null);
      const ua: Ua = {
        index: all.length,
        userAgent: parsed.userAgent,
        browser: parsed.browser,
        browserFamily: parsed.browserFamily,
        os: parsed.os,
        deviceType: parsed.deviceType,
      };
      all.push(ua);
      return ua;
    }),
  }));
  return { all, lines };
}

// ---------------------------------------------------------------------------------------------
// Users

export interface Device {
  id: string;
  mobile: boolean;
  line: number;
  /** Version index used before `upgradeAt` (ms), and from then on. */
  oldVersion: number;
  newVersion: number;
  upgradeAt: number;
}

export interface Profile {
  index: number;
  id: string;
  username: string;
  createdAt: number;
  home: { net: Net; hosts: number[] };
  office: { net: Net; hosts: number[] } | null;
  mobileNet: { net: Net; hosts: number[] } | null;
  trip: { net: Net; hosts: number[] } | null;
  devices: Device[];
}

export interface HistoryEvent {
  at: number;
  ip: number;
  net: Net;
  ua: Ua;
  device: Device;
  /** 'allowed' sign-ins are learned; 'wrongPassword' rows are history only. */
  outcome: 'allowed' | 'wrongPassword';
}

export interface World {
  seed: number;
  base: number;
  pool: NetworkPool;
  uas: UaPool;
}

function hostsIn(random: Random, count: number): number[] {
  const hosts = new Set<number>();
  while (hosts.size < count) hosts.add(int(random, 1, 254));
  return [...hosts];
}

function userRandom(world: World, index: number, stream: number): Random {
  // Distinct streams per purpose so the measurement's draws never shift the history's.
  return rng((Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77) ^ world.seed) >>> 0);
}

/** The user's id alone (the first draw of the profile stream), for ordering inserts. */
export function userIdOf(world: World, index: number): string {
  return uuid(userRandom(world, index, 0));
}

export function profileOf(world: World, index: number): Profile {
  const random = userRandom(world, index, 0);
  const id = uuid(random);
  const city = pick(random, world.pool.homeCities);
  const nets = [...city.nets];
  const take = (): Net => nets.splice(Math.floor(random() * nets.length), 1)[0]!;
  const home = { net: take(), hosts: hostsIn(random, int(random, 1, 2)) };
  const office = random() < 0.6 ? { net: take(), hosts: hostsIn(random, 1) } : null;
  const mobileNet = random() < 0.5 ? { net: take(), hosts: hostsIn(random, int(random, 1, 3)) } : null;
  let trip: Profile['trip'] = null;
  if (random() < 0.15) {
    const abroad = world.pool.countries.filter((c) => c !== city.country);
    const country = pick(random, abroad);
    trip = {
      net: pick(random, world.pool.byCountry.get(country)!),
      hosts: hostsIn(random, int(random, 1, 2)),
    };
  }
  const start = world.base - HISTORY_DAYS * DAY_MS;
  const device = (mobile: boolean): Device => {
    const lines = world.uas.lines
      .map((line, i) => ({ line, i }))
      .filter(({ line }) => line.mobile === mobile);
    const { i } = pick(random, lines);
    const upgrades = random() < 0.5;
    return {
      id: deviceId(random),
      mobile,
      line: i,
      oldVersion: upgrades ? 0 : 1,
      newVersion: 1,
      upgradeAt: start + random() * HISTORY_DAYS * DAY_MS,
    };
  };
  const devices = [device(false)];
  if (random() < 0.7) devices.push(device(true));
  if (random() < 0.1) devices.push(device(false)); // a second computer
  return {
    index,
    id,
    username: `user${index}@bench.example`,
    createdAt: start - int(random, 1, 365) * DAY_MS,
    home,
    office,
    mobileNet,
    trip,
    devices,
  };
}

export function uaOf(world: World, device: Device, at: number): Ua {
  const version = at < device.upgradeAt ? device.oldVersion : device.newVersion;
  return world.uas.lines[device.line]!.uas[version]!;
}

/** 20-50 sign-ins over the last 90 days, oldest first; some preceded by a wrong password. */
export function historyOf(world: World, profile: Profile): HistoryEvent[] {
  const random = userRandom(world, profile.index, 1);
  const n = int(random, 20, 50);
  const start = world.base - HISTORY_DAYS * DAY_MS;
  const end = world.base - 2 * 3_600_000;
  const times = Array.from({ length: n }, () => start + Math.floor(random() * (end - start))).sort(
    (a, b) => a - b,
  );
  // A trip is a run of 2-5 consecutive sign-ins in the first half of the window, so never the latest.
  const tripLength = profile.trip ? int(random, 2, 5) : 0;
  const tripStart = profile.trip ? int(random, 2, Math.floor(n / 2) - tripLength) : -1;
  const events: HistoryEvent[] = [];
  for (let k = 0; k < n; k++) {
    const at = times[k]!;
    const desktops = profile.devices.filter((d) => !d.mobile);
    const phone = profile.devices.find((d) => d.mobile);
    const device = phone && random() < 0.35 ? phone : pick(random, desktops);
    let place: { net: Net; hosts: number[] };
    if (k >= tripStart && k < tripStart + tripLength) place = profile.trip!;
    else if (device.mobile) place = profile.mobileNet && random() < 0.5 ? profile.mobileNet : profile.home;
    else place = profile.office && random() < 0.4 ? profile.office : profile.home;
    const ip = place.net.base + pick(random, place.hosts);
    const ua = uaOf(world, device, at);
    if (random() < 0.1) {
      events.push({ at: at - 60_000, ip, net: place.net, ua, device, outcome: 'wrongPassword' });
    }
    events.push({ at, ip, net: place.net, ua, device, outcome: 'allowed' });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// Measured sign-ins

export type AttemptKind = 'familiar' | 'newIp' | 'newDevice' | 'browserUpdate' | 'newCountry';

export const ATTEMPT_MIX: readonly [AttemptKind, number][] = [
  ['familiar', 0.8],
  ['newIp', 0.08],
  ['newDevice', 0.05],
  ['browserUpdate', 0.03],
  ['newCountry', 0.04],
];

export interface Attempt {
  kind: AttemptKind;
  ip: string;
  userAgent: string;
  deviceId: string | null;
}

/** A sign-in for `profile` as the measurement sends it: mostly from a known device and place. */
export function attemptFor(world: World, profile: Profile, random: Random): Attempt {
  let roll = random();
  let kind: AttemptKind = 'familiar';
  for (const [k, share] of ATTEMPT_MIX) {
    if (roll < share) {
      kind = k;
      break;
    }
    roll -= share;
  }
  const device = pick(random, profile.devices);
  const current = uaOf(world, device, world.base);
  const knownPlace = device.mobile
    ? profile.mobileNet && random() < 0.5
      ? profile.mobileNet
      : profile.home
    : profile.office && random() < 0.4
      ? profile.office
      : profile.home;
  const knownIp = knownPlace.net.base + pick(random, knownPlace.hosts);
  switch (kind) {
    case 'familiar':
      return { kind, ip: ipString(knownIp), userAgent: current.userAgent, deviceId: device.id };
    case 'newIp': {
      let host = int(random, 1, 254);
      while (profile.home.hosts.includes(host)) host = int(random, 1, 254);
      return {
        kind,
        ip: ipString(profile.home.net.base + host),
        userAgent: current.userAgent,
        deviceId: device.id,
      };
    }
    case 'newDevice':
      return { kind, ip: ipString(knownIp), userAgent: current.userAgent, deviceId: deviceId(random) };
    case 'browserUpdate': {
      const next = world.uas.lines[device.line]!.uas[2]!;
      return { kind, ip: ipString(knownIp), userAgent: next.userAgent, deviceId: device.id };
    }
    case 'newCountry': {
      const home = profile.home.net.place.country;
      const visited = profile.trip?.net.place.country;
      const abroad = world.pool.countries.filter((c) => c !== home && c !== visited);
      const net = pick(random, world.pool.byCountry.get(pick(random, abroad))!);
      const ua = pick(random, world.uas.all);
      return {
        kind,
        ip: ipString(net.base + int(random, 1, 254)),
        userAgent: ua.userAgent,
        deviceId: deviceId(random),
      };
    }
  }
}
