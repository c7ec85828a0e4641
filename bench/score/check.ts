/**
 * Checks the bulk loader against Riskgate itself: a few users' histories are bulk-loaded into one
 * file and replayed through the engine (assessAuthenticated, then completeSignIn as if MFA passed, so
 * every good sign-in is learned whatever its decision) into another, and the rows compared. The
 * familiarity and population tables must be identical, and every good sign-in's stored context
 * (address, network, geo, user agent, device) the same.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { createRiskgate } from '../../src/riskgate.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { HistoryFile } from './build.js';
import { BenchClock } from './measure.js';
import { historyOf, ipString, profileOf, type HistoryEvent, type Profile, type World } from './world.js';

export interface CheckResult {
  users: number;
  replayed: number;
  familiarity: { rows: number; mismatched: number };
  population: { rows: number; mismatched: number };
  signIns: { rows: number; mismatched: number };
}

const CONTEXT_COLUMNS = `user_id, at, ip, network, country, city, latitude, longitude, user_agent, browser,
  browser_family, os, device_type, device_id`;

function rows(file: string, sql: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(sql).all() as unknown[]).map((row) => JSON.stringify(row));
  } finally {
    db.close();
  }
}

function compare(bulk: string[], engine: string[]): { rows: number; mismatched: number } {
  const theirs = new Set(engine);
  const ours = new Set(bulk);
  const missing = bulk.filter((row) => !theirs.has(row)).length;
  const extra = engine.filter((row) => !ours.has(row)).length;
  return { rows: bulk.length, mismatched: missing + extra };
}

export async function checkAgainstEngine(
  world: World,
  passwordHash: string,
  password: string,
  dir: string,
  users: number,
): Promise<CheckResult> {
  const bulkFile = path.join(dir, 'check-bulk.sqlite');
  const engineFile = path.join(dir, 'check-engine.sqlite');
  const bulk = new HistoryFile(bulkFile, world, passwordHash);
  await bulk.create();
  bulk.grow(users, null);

  const clock = new BenchClock(0);
  const store = openSqliteStore({ file: engineFile, sessionPruneIntervalMs: 0 });
  const gate = await createRiskgate({
    store,
    dataDir: dir,
    now: clock.now,
    logLevel: 'silent',
    jobs: { enabled: false, intervalMinutes: 60, lowRiskAgeingDays: 180 },
  });
  let replayed = 0;
  try {
    const events: { profile: Profile; event: HistoryEvent }[] = [];
    for (let index = 0; index < users; index++) {
      const profile = profileOf(world, index);
      for (const event of historyOf(world, profile)) {
        if (event.outcome === 'allowed') events.push({ profile, event });
      }
    }
    events.sort((a, b) => a.event.at - b.event.at);
    for (const { profile, event } of events) {
      clock.advance(event.at - clock.now());
      const evaluated = await gate.engine.assessAuthenticated(
        { id: profile.id, username: profile.username, email: profile.username, groups: [] },
        { ip: ipString(event.ip), userAgent: event.ua.userAgent, deviceId: event.device.id, password },
      );
      await gate.engine.completeSignIn(evaluated, { mfaPassed: true });
      replayed++;
    }
  } finally {
    await gate.close();
  }

  const familiarity = `SELECT user_id, feature, value, count, first_seen, last_seen FROM familiarity ORDER BY 1, 2, 3`;
  const population = `SELECT feature, value, count FROM population ORDER BY 1, 2`;
  return {
    users,
    replayed,
    familiarity: compare(rows(bulkFile, familiarity), rows(engineFile, familiarity)),
    population: compare(rows(bulkFile, population), rows(engineFile, population)),
    signIns: compare(
      rows(bulkFile, `SELECT ${CONTEXT_COLUMNS} FROM sign_ins WHERE outcome = 'allowed' ORDER BY 1, 2`),
      rows(engineFile, `SELECT ${CONTEXT_COLUMNS} FROM sign_ins ORDER BY 1, 2`),
    ),
  };
}
