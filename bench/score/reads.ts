/**
 * The three reads of an evaluation that touch large tables, run directly (same SQL as
 * src/storage/sqlite/*.ts) for random users under three connection settings: SQLite's defaults as
 * openSqliteStore leaves them (2 MB page cache, no mmap), a 256 MB page cache, and a memory-mapped
 * file. Says whether read time that grows with the file is page fetching through read() calls.
 */
import Database from 'better-sqlite3';
import { modelFeaturesOf } from '../../src/risk/model/index.js';
import { buildSignInContext } from '../../src/signals/context.js';
import type { GeoIp } from '../../src/signals/geo.js';
import { HOT_QUERIES } from './report.js';
import { attemptFor, int, profileOf, rng, type World } from './world.js';

export interface ReadTimes {
  setting: string;
  /** Mean µs per call of each read, and of the three together. */
  familiarity: number;
  lastSignIn: number;
  population: number;
  total: number;
}

const SETTINGS: { setting: string; pragmas: string[] }[] = [
  { setting: 'defaults (as Riskgate opens it)', pragmas: [] },
  { setting: 'cache_size 256 MB', pragmas: ['cache_size = -262144'] },
  { setting: 'mmap_size 16 GB', pragmas: ['mmap_size = 17179869184'] },
];

function sqlOf(name: string): string {
  const query = HOT_QUERIES.find((q) => q.name === name);
  if (!query) throw new Error(`no hot query ${name}`);
  return query.sql;
}

export function measureReads(file: string, world: World, geo: GeoIp, users: number, n: number): ReadTimes[] {
  return SETTINGS.map(({ setting, pragmas }) => {
    const db = new Database(file, { readonly: true });
    try {
      for (const pragma of pragmas) db.pragma(pragma);
      const familiar = db.prepare(sqlOf('familiarity.familiarFeatures'));
      const last = db.prepare(sqlOf('signIns.lastSuccessfulSignIn'));
      const population = db.prepare(sqlOf('population.populationSnapshot'));
      const random = rng(world.seed ^ 0x7eed);
      const inputs = Array.from({ length: 2 * n }, () => {
        const profile = profileOf(world, int(random, 0, users - 1));
        const a = attemptFor(world, profile, random);
        const context = buildSignInContext(
          { ip: a.ip, userAgent: a.userAgent, deviceId: a.deviceId, at: world.base },
          geo,
        );
        const pairs = Object.entries(modelFeaturesOf(context)).filter(([, v]) => v !== null);
        return { id: profile.id, pairs: JSON.stringify(pairs) };
      });
      const times = { familiarity: 0, lastSignIn: 0, population: 0 };
      // The first half warms the connection (interior pages, statement caches); the second is timed.
      for (const [i, input] of inputs.entries()) {
        const record = i >= n;
        let t = performance.now();
        familiar.all(input.id);
        if (record) times.familiarity += performance.now() - t;
        t = performance.now();
        last.get(input.id, world.base + 365 * 86_400_000);
        if (record) times.lastSignIn += performance.now() - t;
        t = performance.now();
        population.all(input.pairs);
        if (record) times.population += performance.now() - t;
      }
      const us = (total: number) => (total / n) * 1000;
      return {
        setting,
        familiarity: us(times.familiarity),
        lastSignIn: us(times.lastSignIn),
        population: us(times.population),
        total: us(times.familiarity + times.lastSignIn + times.population),
      };
    } finally {
      db.close();
    }
  });
}
