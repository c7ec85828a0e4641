/**
 * Each user's legitimate sign-ins over the period: when (Poisson per day at the user's rate, in local
 * waking hours, fewer at weekends, none while in the air), where (home ISP, office, mobile data, a
 * café, a VPN, a hotel abroad or phone roaming) and on which device (its current user agent and
 * device cookie; cookies are sometimes cleared, some browsers never keep them).
 */
import type { SimConfig } from './config.js';
import type { Device, SimUser, Trip, World } from './population.js';
import type { PoolNetwork } from './ipPool.js';
import { chance, hex, pick, poisson, stream, uniform, weighted, type Rng } from './random.js';
import { userAgentOf } from './userAgents.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Where a legitimate sign-in came from, for the false-positive breakdown. */
export type Situation =
  'home' | 'office' | 'mobileData' | 'elsewhereInTown' | 'vpn' | 'domesticTrip' | 'abroad' | 'roaming';

export interface LegitEvent {
  kind: 'legit';
  at: number;
  user: number;
  ip: string;
  userAgent: string;
  deviceId: string | null;
  device: Device;
  situation: Situation;
  /** Device changes worth separating in the report. */
  deviceNote: 'firstUse' | 'cookieCleared' | 'noCookie' | null;
}

// Local hour weights, 07:00 to 23:00: a morning bump and the evening peak.
const HOURS: readonly (readonly [number, number])[] = [
  [7, 3],
  [8, 5],
  [9, 6],
  [10, 6],
  [11, 6],
  [12, 6],
  [13, 6],
  [14, 6],
  [15, 6],
  [16, 6],
  [17, 6],
  [18, 7],
  [19, 8],
  [20, 8],
  [21, 8],
  [22, 6],
  [23, 3],
];

function host(rng: Rng, network: PoolNetwork): string {
  return `${network.prefix}.${pick(rng, network.hosts)}`;
}

function tripAt(user: SimUser, at: number): { trip: Trip; inTransit: boolean } | null {
  for (const trip of user.trips) {
    if (at >= trip.depart && at < trip.back) {
      return { trip, inTransit: at < trip.arrive || at >= trip.leave };
    }
  }
  return null;
}

function signInTimes(rng: Rng, user: SimUser, config: SimConfig): number[] {
  const weekdayRate = (user.perDay * 7) / (5 + 2 * config.weekendFactor);
  const times: number[] = [];
  for (let day = 0; day < config.days; day++) {
    const weekend = day % 7 >= 5; // the period starts on a Monday
    const n = poisson(rng, weekdayRate * (weekend ? config.weekendFactor : 1));
    for (let i = 0; i < n; i++) {
      const midday = config.startUtc + day * DAY + 12 * HOUR;
      const offset = tripAt(user, midday)?.trip.city.utcOffset ?? user.home.utcOffset;
      const hour = weighted(rng, HOURS) + rng();
      times.push(config.startUtc + day * DAY + (hour - offset) * HOUR);
    }
  }
  return times.sort((a, b) => a - b);
}

interface UserState {
  cookies: Map<string, string>;
  homeIp: string;
  leaseEnds: number;
}

function homeIp(rng: Rng, user: SimUser, state: UserState, at: number, config: SimConfig): string {
  if (at >= state.leaseEnds) {
    state.homeIp = host(rng, pick(rng, user.homeNetworks));
    state.leaseEnds = at - Math.log(1 - rng()) * config.homeLeaseDays * DAY;
  }
  return state.homeIp;
}

function deviceAt(rng: Rng, user: SimUser, at: number, atOffice: boolean, taken?: Device[]): Device | null {
  const active = (taken ?? user.devices).filter((d) => d.from <= at && d.until > at);
  const workPc = active.find((d) => d.kind === 'workPc');
  if (atOffice && workPc && rng() < 0.75) return workPc;
  const personal = active.filter((d) => d.kind !== 'workPc');
  const phone = personal.find((d) => d.kind === 'phone');
  const computers = personal.filter((d) => d.kind === 'computer');
  if (phone && (computers.length === 0 || rng() < user.phoneShare)) return phone;
  if (computers.length > 0) return pick(rng, computers);
  return workPc && atOffice ? workPc : null;
}

function atHomeCity(
  rng: Rng,
  user: SimUser,
  state: UserState,
  at: number,
  config: SimConfig,
): { device: Device; ip: string; situation: Situation } | null {
  const local = new Date(at + user.home.utcOffset * HOUR);
  const weekday = local.getUTCDay() >= 1 && local.getUTCDay() <= 5;
  const hour = local.getUTCHours();
  const atOffice = user.office !== null && weekday && hour >= 9 && hour < 17 && rng() < 0.85;
  const device = deviceAt(rng, user, at, atOffice);
  if (!device) return null;
  const mobileData = () => ({
    device,
    ip: host(rng, pick(rng, user.carrier)),
    situation: 'mobileData' as const,
  });
  if (atOffice && user.office) {
    if (device.kind === 'phone' && rng() < 0.5) return mobileData();
    // An office NAT: two fixed addresses.
    return {
      device,
      ip: `${user.office.prefix}.${pick(rng, user.office.hosts.slice(0, 2))}`,
      situation: 'office',
    };
  }
  if (device.kind === 'computer' && user.vpnExits.length > 0 && chance(rng, config.vpnUseShare)) {
    const exit = rng() < 0.8 ? user.vpnExits[0]! : pick(rng, user.vpnExits);
    return { device, ip: host(rng, exit), situation: 'vpn' };
  }
  if (device.kind === 'phone' && chance(rng, config.phoneMobileDataShare)) return mobileData();
  if (chance(rng, config.elsewhereInTownShare))
    return { device, ip: host(rng, pick(rng, user.home.public)), situation: 'elsewhereInTown' };
  return { device, ip: homeIp(rng, user, state, at, config), situation: 'home' };
}

function onTrip(
  rng: Rng,
  user: SimUser,
  trip: Trip,
  at: number,
  config: SimConfig,
): { device: Device; ip: string; situation: Situation } | null {
  const device = deviceAt(rng, user, at, false, trip.devices);
  if (!device) return null;
  const situation: Situation = trip.kind === 'abroad' ? 'abroad' : 'domesticTrip';
  if (device.kind === 'phone') {
    // Roaming data leaves through the home carrier: the address is back home, whatever the map says.
    if (trip.kind === 'abroad' && chance(rng, config.roamingShare))
      return { device, ip: host(rng, pick(rng, user.carrier)), situation: 'roaming' };
    if (trip.kind === 'domestic' && chance(rng, config.phoneMobileDataShare))
      return { device, ip: host(rng, pick(rng, user.carrier)), situation: 'mobileData' };
  }
  const network = rng() < 0.75 ? trip.hotel : pick(rng, trip.city.public);
  return { device, ip: host(rng, network), situation };
}

function cookieFor(rng: Rng, device: Device, state: UserState, config: SimConfig) {
  if (device.cookieless) return { deviceId: null, deviceNote: 'noCookie' as const };
  const current = state.cookies.get(device.label);
  if (current !== undefined && !chance(rng, config.cookieLossRate))
    return { deviceId: current, deviceNote: null };
  const fresh = `sim-${hex(rng, 24)}`;
  state.cookies.set(device.label, fresh);
  return {
    deviceId: fresh,
    deviceNote: current === undefined ? ('firstUse' as const) : ('cookieCleared' as const),
  };
}

export function legitimateTimeline(world: World, config: SimConfig): LegitEvent[] {
  const events: LegitEvent[] = [];
  for (const user of world.users) {
    const rng = stream(config.seed, `timeline-${user.index}`);
    const state: UserState = { cookies: new Map(), homeIp: '', leaseEnds: -Infinity };
    for (const at of signInTimes(rng, user, config)) {
      const trip = tripAt(user, at);
      if (trip?.inTransit) continue; // no sign-ins in the air
      const where = trip
        ? onTrip(rng, user, trip.trip, at, config)
        : atHomeCity(rng, user, state, at, config);
      if (!where) continue;
      const { deviceId, deviceNote } = cookieFor(rng, where.device, state, config);
      events.push({
        kind: 'legit',
        at: Math.round(at + uniform(rng, 0, 1000)),
        user: user.index,
        ip: where.ip,
        userAgent: userAgentOf(where.device.setup, at, where.device.lagDays),
        deviceId,
        device: where.device,
        situation: where.situation,
        deviceNote,
      });
    }
  }
  return events;
}
