/**
 * Bulk-loads stored history straight into a Riskgate SQLite file, with the schema Riskgate's own
 * migrations create (the file is opened once through openSqliteStore first). Rows are what the
 * pipeline and learnFromSignIn would have written for the same sign-ins:
 *   users        one row per user, all with the same argon2id hash (hashed once);
 *   sign_ins     every attempt of the history (good ones and wrong passwords), as signIns.ts maps them;
 *   familiarity  per user and (feature, value): count, first_seen, last_seen over the good sign-ins,
 *                for the keys learnFromSignIn writes (country, city, network, browser, os, device, ip,
 *                ua, deviceType; the model's `browser` with its major version wins over the family);
 *   population   per (feature, value) over all good sign-ins for the model features, '*' totals
 *                (signIns, users) and '#' distinct counts, as recordPopulation keeps them.
 * No identities rows: the store answers the default identity for a user without one.
 *
 * The file grows in phases (10k users, then 100k, then 1M): each phase appends users in id order (ids
 * are random UUIDs; sorting only makes the inserts sequential) in large transactions, with the
 * rollback journal off while loading. Between phases the file is back in WAL mode, as Riskgate runs it.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import {
  historyOf,
  ipString,
  profileOf,
  userIdOf,
  type Device,
  type HistoryEvent,
  type Net,
  type Ua,
  type World,
} from './world.js';

export interface PhaseStats {
  users: number;
  /** Users added in this phase and how many of their newest sign-in rows were kept (null: all). */
  addedUsers: number;
  keptSignIns: number | null;
  signInRows: number;
  learnedSignIns: number;
  familiarityRows: number;
  ms: number;
}

const USERS_PER_TRANSACTION = 150_000;

export interface Seen {
  count: number;
  first: number;
  last: number;
}

/** A user's good sign-ins per value, keyed by number or object (no string hashing in the hot loop). */
export interface Aggregates {
  ips: Map<number, Seen>;
  nets: Map<Net, Seen>;
  uas: Map<Ua, Seen>;
  devices: Map<Device, Seen>;
}

function bump<K>(map: Map<K, Seen>, key: K, at: number, count = 1): void {
  const seen = map.get(key);
  if (!seen) map.set(key, { count, first: at, last: at });
  else {
    seen.count += count;
    if (at < seen.first) seen.first = at;
    if (at > seen.last) seen.last = at;
  }
}

function merge(into: Map<string, Seen>, key: string | null, seen: Seen): void {
  if (key === null) return;
  const row = into.get(key);
  if (!row) into.set(key, { ...seen });
  else {
    row.count += seen.count;
    row.first = Math.min(row.first, seen.first);
    row.last = Math.max(row.last, seen.last);
  }
}

export function aggregate(events: readonly HistoryEvent[]): Aggregates {
  const agg: Aggregates = { ips: new Map(), nets: new Map(), uas: new Map(), devices: new Map() };
  for (const e of events) {
    if (e.outcome !== 'allowed') continue;
    bump(agg.ips, e.ip, e.at);
    bump(agg.nets, e.net, e.at);
    bump(agg.uas, e.ua, e.at);
    bump(agg.devices, e.device, e.at);
  }
  return agg;
}

export interface FamiliarRow extends Seen {
  feature: string;
  value: string;
}

/**
 * What learnFromSignIn would have stored for the user after learning every good sign-in: the keys of
 * familiarFeaturesOf() and modelFeaturesOf() (the model's `browser`, with its major version, wins).
 */
export function familiarRows(agg: Aggregates): FamiliarRow[] {
  const rows: FamiliarRow[] = [];
  const grouped = (feature: string, map: Map<string, Seen>) => {
    for (const [value, seen] of map) rows.push({ feature, value, ...seen });
  };
  const countries = new Map<string, Seen>();
  const cities = new Map<string, Seen>();
  for (const [net, seen] of agg.nets) {
    rows.push({ feature: 'network', value: net.cidr, ...seen });
    merge(countries, net.place.country, seen);
    merge(cities, `${net.place.country}/${net.place.city}`, seen);
  }
  grouped('country', countries);
  grouped('city', cities);
  const browsers = new Map<string, Seen>();
  const systems = new Map<string, Seen>();
  const types = new Map<string, Seen>();
  for (const [ua, seen] of agg.uas) {
    rows.push({ feature: 'ua', value: ua.userAgent, ...seen });
    merge(browsers, ua.browser, seen);
    merge(systems, ua.os, seen);
    merge(types, ua.deviceType, seen);
  }
  grouped('browser', browsers);
  grouped('os', systems);
  grouped('deviceType', types);
  for (const [ip, seen] of agg.ips) rows.push({ feature: 'ip', value: ipString(ip), ...seen });
  for (const [device, seen] of agg.devices) rows.push({ feature: 'device', value: device.id, ...seen });
  return rows;
}

/** Population counts of a phase, keyed like Aggregates; written out (as strings) once per phase. */
class PopulationDelta {
  readonly ips = new Map<number, number>();
  readonly nets = new Map<Net, number>();
  readonly uas = new Map<Ua, number>();

  add(agg: Aggregates): void {
    for (const [ip, seen] of agg.ips) this.ips.set(ip, (this.ips.get(ip) ?? 0) + seen.count);
    for (const [net, seen] of agg.nets) this.nets.set(net, (this.nets.get(net) ?? 0) + seen.count);
    for (const [ua, seen] of agg.uas) this.uas.set(ua, (this.uas.get(ua) ?? 0) + seen.count);
  }

  /** [feature, value, count] for every model feature but `device` (written per user). */
  *rows(): Generator<[string, string, number]> {
    const byString = (pairs: Iterable<[string | null, number]>) => {
      const out = new Map<string, number>();
      for (const [value, n] of pairs) if (value !== null) out.set(value, (out.get(value) ?? 0) + n);
      return out;
    };
    for (const [ip, n] of this.ips) yield ['ip', ipString(ip), n];
    for (const [net, n] of this.nets) yield ['network', net.cidr, n];
    const nets = [...this.nets];
    for (const [value, n] of byString(nets.map(([net, c]) => [net.place.country, c])))
      yield ['country', value, n];
    const uas = [...this.uas];
    for (const [ua, n] of uas) yield ['ua', ua.userAgent, n];
    for (const [value, n] of byString(uas.map(([ua, c]) => [ua.browser, c]))) yield ['browser', value, n];
    for (const [value, n] of byString(uas.map(([ua, c]) => [ua.os, c]))) yield ['os', value, n];
    for (const [value, n] of byString(uas.map(([ua, c]) => [ua.deviceType, c])))
      yield ['deviceType', value, n];
  }
}

export class HistoryFile {
  private users = 0;

  constructor(
    readonly file: string,
    private readonly world: World,
    private readonly passwordHash: string,
  ) {}

  get userCount(): number {
    return this.users;
  }

  /** Creates the file with Riskgate's schema (every migration), as an install's first start does. */
  async create(): Promise<void> {
    const store = openSqliteStore({ file: this.file, sessionPruneIntervalMs: 0 });
    await store.close();
  }

  /**
   * Adds users [current, target). keepSignIns: how many of each new user's newest sign-in rows go
   * into sign_ins (null = all); familiarity and population always cover the whole history.
   */
  grow(target: number, keepSignIns: number | null, onProgress?: (done: number) => void): PhaseStats {
    const started = performance.now();
    const db = new Database(this.file);
    const stats: PhaseStats = {
      users: target,
      addedUsers: target - this.users,
      keptSignIns: keepSignIns,
      signInRows: 0,
      learnedSignIns: 0,
      familiarityRows: 0,
      ms: 0,
    };
    try {
      // Out of WAL for the load (every page would be written twice): the rollback journal in memory
      // (better-sqlite3 refuses journal_mode OFF), no syncs. The file is a throw-away copy.
      db.pragma('journal_mode = DELETE');
      db.pragma('journal_mode = MEMORY');
      if (db.pragma('journal_mode', { simple: true }) !== 'memory')
        throw new Error('journal_mode MEMORY refused');
      db.pragma('synchronous = OFF');
      db.pragma('cache_size = -4000000'); // 4 GB: the random-key indexes stay in memory while loading
      db.pragma('temp_store = MEMORY');

      const insertUser = db.prepare(
        `INSERT INTO users (id, username, email, groups_json, roles_json, password_hash, created_at)
         VALUES (?, ?, ?, '[]', '[]', ?, ?)`,
      );
      const insertSignIn = db.prepare(
        `INSERT INTO sign_ins (id, user_id, username, at, ip, network, country, city, latitude, longitude,
           user_agent, browser, browser_family, os, device_type, device_id, outcome, risk_level, risk_state,
           user_risk_level, decision, report_only, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'none', 'none', 'none', ?, '[]', ?)`,
      );
      const insertFamiliar = db.prepare(
        `INSERT INTO familiarity (user_id, feature, value, count, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)`,
      );
      const insertDevicePopulation = db.prepare(
        `INSERT INTO population (feature, value, count) VALUES ('device', ?, ?)
         ON CONFLICT (feature, value) DO UPDATE SET count = count + excluded.count`,
      );

      // Users of this phase in id order: the users and familiarity primary keys then fill in sequence.
      const indexes = Array.from({ length: target - this.users }, (_, k) => this.users + k);
      const ids = indexes.map((index) => userIdOf(this.world, index));
      const order = indexes
        .map((_, k) => k)
        .sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));

      const population = new PopulationDelta();
      const loadBatch = db.transaction((batch: number[]) => {
        for (const k of batch) {
          const profile = profileOf(this.world, indexes[k]!);
          insertUser.run(
            profile.id,
            profile.username,
            profile.username,
            this.passwordHash,
            profile.createdAt,
          );
          const events = historyOf(this.world, profile);
          const kept = keepSignIns === null ? events : events.slice(-keepSignIns);
          for (const e of kept) {
            const { place, cidr } = e.net;
            const allowed = e.outcome === 'allowed';
            insertSignIn.run(
              randomUUID(),
              profile.id,
              profile.username,
              e.at,
              ipString(e.ip),
              cidr,
              place.country,
              place.city,
              place.latitude,
              place.longitude,
              e.ua.userAgent,
              e.ua.browser,
              e.ua.browserFamily,
              e.ua.os,
              e.ua.deviceType,
              e.device.id,
              e.outcome,
              allowed ? 'allow' : null,
              e.at,
            );
          }
          stats.signInRows += kept.length;
          const agg = aggregate(events);
          for (const seen of agg.devices.values()) stats.learnedSignIns += seen.count;
          for (const row of familiarRows(agg)) {
            insertFamiliar.run(profile.id, row.feature, row.value, row.count, row.first, row.last);
            stats.familiarityRows++;
          }
          population.add(agg);
          // Device ids are this user's own: their population rows need no phase-wide sum.
          for (const [device, seen] of agg.devices) insertDevicePopulation.run(device.id, seen.count);
        }
      });
      for (let from = 0; from < order.length; from += USERS_PER_TRANSACTION) {
        loadBatch(order.slice(from, from + USERS_PER_TRANSACTION));
        onProgress?.(Math.min(from + USERS_PER_TRANSACTION, order.length));
      }

      // Population: the per-value counts of this phase, the totals, and the distinct counts.
      const upsert = db.prepare(
        `INSERT INTO population (feature, value, count) VALUES (?, ?, ?)
         ON CONFLICT (feature, value) DO UPDATE SET count = count + excluded.count`,
      );
      db.transaction(() => {
        for (const [feature, value, count] of population.rows()) upsert.run(feature, value, count);
        upsert.run('*', 'signIns', stats.learnedSignIns);
        upsert.run('*', 'users', stats.addedUsers);
        db.prepare(`DELETE FROM population WHERE feature = '#'`).run();
        db.prepare(
          `INSERT INTO population (feature, value, count)
           SELECT '#', feature, COUNT(*) FROM population WHERE feature NOT IN ('*', '#') GROUP BY feature`,
        ).run();
      })();
      db.pragma('journal_mode = WAL');
    } finally {
      db.close();
    }
    this.users = target;
    stats.ms = performance.now() - started;
    return stats;
  }
}
