/**
 * What the benchmark creates before measuring and removes afterwards: users (passwords hashed once, up
 * front), a temp folder for SQLite, a fresh PostgreSQL schema per PostgreSQL backend, a Redis key
 * prefix. Every resource registers its removal with Cleanup as soon as it exists.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import pg from 'pg';
import { createClient } from 'redis';
import { ARGON2_OPTIONS } from '../../src/auth/passwordHasher.js';
import { openBenchStore, type BackendSpec } from './backends.js';
import type { BenchUser } from './prepare.js';
import type { ServerConfig } from './server.js';

/** Removals run in reverse order of registration; each failure is reported, none stops the others. */
export class Cleanup {
  readonly #steps: { what: string; run: () => Promise<void> | void }[] = [];

  add(what: string, run: () => Promise<void> | void): void {
    this.#steps.push({ what, run });
  }

  async runAll(): Promise<void> {
    while (this.#steps.length > 0) {
      const step = this.#steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        console.error(`cleanup: ${step.what} failed: ${(error as Error).message}`);
      }
    }
  }
}

export interface BenchUserWithHash extends BenchUser {
  passwordHash: string;
}

/** Users with random (never common) passwords, hashed once with Riskgate's argon2id parameters. */
export async function makeUsers(count: number): Promise<BenchUserWithHash[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const password = `bench ${randomBytes(9).toString('base64url')} lantern`;
      return {
        username: `bench-user-${String(i).padStart(3, '0')}`,
        password,
        device: randomBytes(16).toString('base64url'),
        passwordHash: await argon2.hash(password, ARGON2_OPTIONS),
      };
    }),
  );
}

/** Creates the users in the backend's store (migrating it first, as opening does). */
export async function seedUsers(spec: BackendSpec, users: BenchUserWithHash[]): Promise<void> {
  const store = await openBenchStore(spec);
  try {
    const createdAt = Date.now();
    for (const user of users) {
      await store.users.createUser({
        username: user.username,
        email: null,
        groups: [],
        roles: [],
        passwordHash: user.passwordHash,
        createdAt,
      });
    }
  } finally {
    await store.close();
  }
}

/** A data folder (SQLite's file lives there), removed at the end. */
export function tempDir(cleanup: Cleanup): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-bench-'));
  cleanup.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh schema name, dropped at the end; null (with the reason printed) when PostgreSQL is unreachable. */
export async function postgresSchema(url: string, cleanup: Cleanup): Promise<string | null> {
  const admin = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 3000 });
  admin.on('error', () => undefined);
  try {
    await admin.query('SELECT 1');
  } catch (error) {
    await admin.end();
    console.warn(`!!! PostgreSQL at ${url} unreachable (${(error as Error).message}): skipping it`);
    return null;
  }
  const schema = `rg_bench_${randomBytes(5).toString('hex')}`;
  cleanup.add(`drop schema ${schema}`, async () => {
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    } finally {
      await admin.end();
    }
  });
  return schema;
}

/** A fresh key prefix, its keys deleted at the end; null (with the reason printed) when unavailable. */
export async function redisPrefix(url: string, cleanup: Cleanup): Promise<string | null> {
  const client = createClient({ url, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.destroy();
    console.warn(`!!! PostgreSQL+Redis skipped: Redis at ${url} unreachable (${(error as Error).message})`);
    return null;
  }
  const prefix = `rgbench:${randomBytes(5).toString('hex')}:`;
  cleanup.add(`delete Redis keys ${prefix}*`, async () => {
    try {
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
        if (keys.length > 0) await client.del(keys);
    } finally {
      client.destroy();
    }
  });
  return prefix;
}

/**
 * Throttle limits raised far out of reach: every benchmark sign-in comes from one IP, and each user
 * signs in many times.
 */
export const BENCH_THROTTLE = { windowSeconds: 900, maxPerIp: 100_000_000, maxPerUsername: 100_000_000 };

/** A server's settings with fresh secrets (share one config between instances that share sessions). */
export function benchServerConfig(
  kind: ServerConfig['kind'],
  backend: BackendSpec,
  sessionMaxAgeMinutes = 60,
): ServerConfig {
  return {
    kind,
    backend,
    sessionSecret: randomBytes(32).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
    sessionMaxAgeMinutes,
    throttle: BENCH_THROTTLE,
  };
}
