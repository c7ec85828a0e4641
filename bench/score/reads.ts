/**
 * The three reads of an evaluation that touch large tables (the user's familiar values, their last
 * good sign-in, the population counts of the sign-in's values), made through the real SQLite store
 * for random users, under three connection settings (RISKGATE_SQLITE_MMAP_MB / _CACHE_MB): the
 * defaults (SQLite's own: no memory map, a 2 MB page cache), a 2 GiB map, a 256 MiB cache. Says
 * whether read time that grows with the file is page fetching through read() calls.
 */
import { modelFeaturesOf } from '../../src/risk/model/index.js';
import { buildSignInContext } from '../../src/signals/context.js';
import type { GeoIp } from '../../src/signals/geo.js';
import { openSqliteStore, type SqliteStoreOptions } from '../../src/storage/sqlite/index.js';
import { attemptFor, int, profileOf, rng, type World } from './world.js';

export interface ReadTimes {
  setting: string;
  /** Mean µs per call of each read, and of the three together. */
  familiarity: number;
  lastSignIn: number;
  population: number;
  total: number;
}

const MB = 1024 * 1024;
const SETTINGS: { setting: string; options: Pick<SqliteStoreOptions, 'mmapBytes' | 'cacheBytes'> }[] = [
  { setting: "defaults (SQLite's: no map, 2 MB cache)", options: {} },
  { setting: '2 GiB map', options: { mmapBytes: 2048 * MB } },
  { setting: '256 MiB cache', options: { cacheBytes: 256 * MB } },
];

export async function measureReads(
  file: string,
  world: World,
  geo: GeoIp,
  users: number,
  n: number,
): Promise<ReadTimes[]> {
  // Each setting is measured twice, in the order A B C C B A, and averaged: the first pass also
  // warms the code and the OS page cache, which would favour whichever setting came later.
  const runs: ReadTimes[] = [];
  for (const { setting, options } of [...SETTINGS, ...[...SETTINGS].reverse()]) {
    const store = openSqliteStore({
      file,
      sessionPruneIntervalMs: 0,
      backgroundCheckpoint: false,
      ...options,
    });
    try {
      const random = rng(world.seed ^ 0x7eed);
      const inputs = Array.from({ length: 2 * n }, () => {
        const profile = profileOf(world, int(random, 0, users - 1));
        const a = attemptFor(world, profile, random);
        const context = buildSignInContext(
          { ip: a.ip, userAgent: a.userAgent, deviceId: a.deviceId, at: world.base },
          geo,
        );
        return { id: profile.id, features: modelFeaturesOf(context) };
      });
      const times = { familiarity: 0, lastSignIn: 0, population: 0 };
      const before = world.base + 365 * 86_400_000;
      // The first half warms the connection (interior pages, statement caches); the second is timed.
      for (const [i, input] of inputs.entries()) {
        const record = i >= n;
        let t = performance.now();
        await store.familiarity.familiarFeatures(input.id);
        if (record) times.familiarity += performance.now() - t;
        t = performance.now();
        await store.signIns.lastSuccessfulSignIn(input.id, before);
        if (record) times.lastSignIn += performance.now() - t;
        t = performance.now();
        await store.population.populationSnapshot(input.features);
        if (record) times.population += performance.now() - t;
      }
      const us = (total: number) => (total / n) * 1000;
      runs.push({
        setting,
        familiarity: us(times.familiarity),
        lastSignIn: us(times.lastSignIn),
        population: us(times.population),
        total: us(times.familiarity + times.lastSignIn + times.population),
      });
    } finally {
      await store.close();
    }
  }
  return SETTINGS.map(({ setting }) => {
    const [a, b] = runs.filter((r) => r.setting === setting) as [ReadTimes, ReadTimes];
    const mean = (key: 'familiarity' | 'lastSignIn' | 'population' | 'total') => (a[key] + b[key]) / 2;
    return {
      setting,
      familiarity: mean('familiarity'),
      lastSignIn: mean('lastSignIn'),
      population: mean('population'),
      total: mean('total'),
    };
  });
}
