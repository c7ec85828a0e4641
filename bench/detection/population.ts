/**
 * The simulated population: who lives where, on which networks, with which devices. Each city's
 * verified /24s (ipPool.ts) are split into roles: residential ISP blocks, mobile carriers, offices,
 * hotels and cafés, VPN exits, and blocks kept for attackers only (so a "very targeted" attacker in
 * the victim's city never reuses the victim's own network by construction).
 */
import type { SimConfig } from './config.js';
import type { CityPool, IpPool, PoolNetwork } from './ipPool.js';
import { chance, hex, int, pick, shuffle, stream, uniform, weighted, type Rng } from './random.js';
import { computerSetup, phoneSetup, type BrowserSetup } from './userAgents.js';

export interface City {
  pool: CityPool;
  residential: PoolNetwork[];
  /** Mobile carriers, each a few /24s its phones get CGNAT addresses from. */
  carriers: PoolNetwork[][];
  offices: PoolNetwork[];
  /** Hotels, cafés, friends' Wi-Fi: visitors' and "elsewhere in town" networks. */
  public: PoolNetwork[];
  vpnExits: PoolNetwork[];
  /** Never used by simulated users: attackers' addresses in this city. */
  attacker: PoolNetwork[];
  /** Hours east of UTC, from the longitude (good enough for waking hours). */
  utcOffset: number;
}

export type DeviceKind = 'computer' | 'phone' | 'workPc';

export interface Device {
  label: string;
  kind: DeviceKind;
  setup: BrowserSetup;
  /** Days after a release that this device updates its browser. */
  lagDays: number;
  /** Private browsing: never sends the device cookie. */
  cookieless: boolean;
  /** In use from this time (a replacement phone) until `until`. */
  from: number;
  until: number;
}

export interface Trip {
  kind: 'abroad' | 'domestic';
  city: City;
  /** Leaves home (departure), arrives, leaves the destination, is home again: ms UTC. */
  depart: number;
  arrive: number;
  leave: number;
  back: number;
  /** Devices taken along. */
  devices: Device[];
  /** The hotel's network for the stay. */
  hotel: PoolNetwork;
}

export interface SimUser {
  index: number;
  username: string;
  profile: string;
  perDay: number;
  home: City;
  homeNetworks: PoolNetwork[];
  carrier: PoolNetwork[];
  office: PoolNetwork | null;
  devices: Device[];
  /** Share of personal sign-ins made on the phone (when the user has one). */
  phoneShare: number;
  vpnExits: PoolNetwork[];
  trips: Trip[];
}

export interface World {
  cities: City[];
  users: SimUser[];
  anywhere: string[];
  /** The VPN exits in the engine's vpn feed, as CIDRs. */
  listedVpnNetworks: string[];
}

/** Cities that are data-centre hubs rather than places people live (VPN exits only). */
const NOT_HOME = new Set(['US/Ashburn']);
const DAY = 86_400_000;
const HOUR = 3_600_000;

function splitCity(pool: CityPool, rng: Rng): City {
  const nets = shuffle(rng, [...pool.networks]);
  const take = (n: number) => nets.splice(0, Math.min(n, Math.max(0, nets.length - 4)));
  const attacker = take(8);
  const vpnExits = take(2);
  const carriers = [take(10), take(10), take(10)].filter((c) => c.length > 0);
  const offices = take(4);
  const publicNets = take(8);
  return {
    pool,
    residential: nets,
    carriers,
    offices,
    public: publicNets,
    vpnExits,
    attacker,
    utcOffset: Math.round(pool.longitude / 15),
  };
}

export function distanceKm(a: CityPool, b: CityPool): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Door to door: to the airport, the flight at ~800 km/h, and out of the arrival airport. */
export function travelHours(from: CityPool, to: CityPool): number {
  const km = distanceKm(from, to);
  return km < 400 ? 1 + km / 120 : 3 + km / 800;
}

function newDevice(rng: Rng, config: SimConfig, kind: DeviceKind, from: number, until: number): Device {
  const setup: BrowserSetup =
    kind === 'phone'
      ? phoneSetup(rng)
      : kind === 'workPc'
        ? { platform: 'Windows', browser: rng() < 0.6 ? 'Edge' : 'Chrome' }
        : computerSetup(rng);
  const apple = setup.browser === 'Safari' || setup.platform === 'iOS';
  return {
    label: `${kind}-${hex(rng, 6)}`,
    kind,
    setup,
    lagDays: apple ? int(rng, 0, 40) : int(rng, 0, 14),
    cookieless: kind !== 'workPc' && chance(rng, config.cookielessDeviceShare),
    from,
    until,
  };
}

function devicesFor(rng: Rng, config: SimConfig, hasOffice: boolean, start: number, end: number): Device[] {
  const count = weighted(rng, [
    [1, config.personalDevices[0]],
    [2, config.personalDevices[1]],
    [3, config.personalDevices[2]],
  ]);
  const kinds: DeviceKind[] =
    count === 1
      ? [rng() < 0.5 ? 'phone' : 'computer']
      : count === 2
        ? ['computer', 'phone']
        : ['computer', 'phone', 'computer'];
  const devices = kinds.map((kind) => newDevice(rng, config, kind, start, end));
  const phone = devices.find((d) => d.kind === 'phone');
  if (phone && chance(rng, config.newPhoneShare)) {
    const switchAt = start + Math.floor(uniform(rng, 0.2, 0.9) * (end - start));
    phone.until = switchAt;
    const replacement = newDevice(rng, config, 'phone', switchAt, end);
    // Most people stay on their platform; the new phone has a new cookie either way.
    if (rng() < 0.75) replacement.setup = { ...phone.setup };
    devices.push(replacement);
  }
  if (hasOffice && chance(rng, config.workPcShare))
    devices.push(newDevice(rng, config, 'workPc', start, end));
  return devices;
}

function tripFor(
  rng: Rng,
  config: SimConfig,
  kind: Trip['kind'],
  home: City,
  cities: City[],
  devices: Device[],
): Trip | null {
  const choices =
    kind === 'abroad'
      ? cities.filter((c) => c.pool.country !== home.pool.country)
      : cities.filter((c) => c.pool.country === home.pool.country && c !== home);
  if (choices.length === 0) return null;
  const city = pick(rng, choices);
  const length = kind === 'abroad' ? int(rng, 3, 10) : int(rng, 2, 5);
  const startDay = int(rng, 1, Math.max(1, config.days - length - 1));
  // Leaves between 07:00 and 13:00 local time, comes back leaving between 10:00 and 18:00 there.
  const depart = config.startUtc + startDay * DAY + (uniform(rng, 7, 13) - home.utcOffset) * HOUR;
  const hours = travelHours(home.pool, city.pool) * HOUR;
  const leave = config.startUtc + (startDay + length) * DAY + (uniform(rng, 10, 18) - city.utcOffset) * HOUR;
  const personal = devices.filter((d) => d.kind !== 'workPc' && d.from <= depart && d.until > depart);
  const taken = personal.filter((d) => chance(rng, d.kind === 'phone' ? 0.95 : 0.5));
  if (taken.length === 0 && personal.length > 0) taken.push(personal[0]!);
  return {
    kind,
    city,
    depart,
    arrive: depart + hours,
    leave,
    back: leave + hours,
    devices: taken,
    hotel: pick(rng, city.public),
  };
}

export function buildWorld(pool: IpPool, config: SimConfig): World {
  const rng = stream(config.seed, 'world');
  const cities = pool.cities.map((c) => splitCity(c, rng));
  const homes = cities.filter((c) => !NOT_HOME.has(c.pool.key));
  const start = config.startUtc;
  const end = start + config.days * DAY;
  const users: SimUser[] = [];
  for (let index = 0; index < config.users; index++) {
    const urng = stream(config.seed, `user-${index}`);
    const profile = weighted(
      urng,
      config.profiles.map((p) => [p, p.share] as const),
    );
    const home = pick(urng, homes);
    const office = chance(urng, config.officeWorkerShare) ? pick(urng, home.offices) : null;
    const devices = devicesFor(urng, config, office !== null, start, end);
    const trips: Trip[] = [];
    const abroad = chance(urng, config.tripAbroadShare)
      ? tripFor(urng, config, 'abroad', home, cities, devices)
      : null;
    if (abroad) trips.push(abroad);
    const domestic = chance(urng, config.domesticTripShare)
      ? tripFor(urng, config, 'domestic', home, cities, devices)
      : null;
    // One trip at a time: a domestic trip overlapping the trip abroad (or a day either side) is dropped.
    if (domestic && !trips.some((t) => domestic.depart < t.back + DAY && t.depart < domestic.back + DAY))
      trips.push(domestic);
    // A commercial VPN: a favourite exit and a second one, both abroad (data-centre countries).
    const abroadCities = cities.filter((c) => c.pool.country !== home.pool.country);
    const vpnExits = chance(urng, config.vpnUserShare)
      ? [pick(urng, abroadCities).vpnExits[0]!, pick(urng, abroadCities).vpnExits[0]!]
      : [];
    users.push({
      index,
      username: `sim.user${String(index).padStart(4, '0')}`,
      profile: profile.name,
      perDay: uniform(urng, profile.perDay[0], profile.perDay[1]),
      home,
      homeNetworks: shuffle(urng, [...home.residential]).slice(0, int(urng, 1, 3)),
      carrier: pick(urng, home.carriers),
      office,
      devices,
      phoneShare: uniform(urng, 0.3, 0.8),
      vpnExits,
      trips,
    });
  }
  // Which exits the engine's vpn feed lists: commercial lists never cover every exit.
  const frng = stream(config.seed, 'vpn-feed');
  const listedVpnNetworks = cities
    .flatMap((c) => c.vpnExits)
    .filter(() => chance(frng, config.vpnFeedCoverage))
    .map((n) => `${n.prefix}.0/24`);
  return { cities, users, anywhere: pool.anywhere, listedVpnNetworks };
}
