/**
 * A real Riskgate on a fresh SQLite file in a temp folder, behind the demo app, with a clock the test
 * controls (grace periods, TOTP steps, expiry) and loopback trusted for X-Forwarded-For.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSync } from 'otplib';
import type { Express } from 'express';
import { createRiskgate, type Riskgate, type RiskgateOptions } from '../../src/riskgate.js';
import { createDemoApp } from '../../src/demo/app.js';
import { createUser } from '../../src/auth/users.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { Keys } from '../../src/crypto/keys.js';
import { generateSecret } from 'otplib';

export class Clock {
  constructor(public current = Date.now()) {}
  now = () => this.current;
  advance(ms: number): void {
    this.current += ms;
  }
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export interface TestRiskgate {
  riskgate: Riskgate;
  app: Express;
  clock: Clock;
  dataDir: string;
  addUser(
    username: string,
    options?: { password?: string; mfa?: boolean; groups?: string[]; email?: string; roles?: string[] },
  ): Promise<{ id: string; password: string; totpSecret: string | null }>;
  /** A TOTP code at the test clock, `steps` periods ahead (codes are single-use, so tests move on). */
  totp(secret: string, steps?: number): string;
  close(): Promise<void>;
}

export const DEFAULT_PASSWORD = 'tranquil meadow lantern 42';

export async function startRiskgate(
  options: RiskgateOptions = {},
  existingDataDir?: string,
  clock = new Clock(),
): Promise<TestRiskgate> {
  const dataDir = existingDataDir ?? mkdtempSync(path.join(os.tmpdir(), 'riskgate-test-'));
  const riskgate = await createRiskgate({
    dataDir,
    trustProxy: 'loopback',
    logLevel: 'silent',
    now: clock.now,
    // Tests move the clock by hours to stage travel while a browser (often the admin console) stays
    // signed in; the idle limit would sign those out. It is on by default in Riskgate and tested, on
    // explicitly, in test/web/sessionLifetime.test.ts.
    sessionIdleMinutes: 0,
    ...options,
  });
  const app = createDemoApp(riskgate);
  const keys = new Keys(resolveSecrets(riskgate.config).masterKey);
  return {
    riskgate,
    app,
    clock,
    dataDir,
    async addUser(
      username,
      { password = DEFAULT_PASSWORD, mfa = true, groups = [], email, roles = [] } = {},
    ) {
      const user = await createUser(
        riskgate.store,
        { username, password, groups, email, roles },
        { skipPasswordRules: true, now: clock.now() },
      );
      let totpSecret: string | null = null;
      if (mfa) {
        totpSecret = generateSecret();
        await riskgate.store.identities.updateIdentity(
          user.id,
          { totpSecret: keys.secretBox.seal(totpSecret) },
          clock.now(),
        );
      }
      return { id: user.id, password, totpSecret };
    },
    totp(secret, steps = 0) {
      return generateSync({ secret, epoch: Math.floor(clock.now() / 1000) + steps * 30 });
    },
    async close() {
      await riskgate.close();
      if (!existingDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Known addresses in the DB-IP lite database. */
export const IP = {
  london: '81.2.69.142',
  londonNeighbour: '81.2.69.160',
  falkenstein: '5.9.0.1',
  sydney: '1.1.1.1',
  tokyo: '133.242.0.1',
  paris: '195.154.0.1',
  mountainView: '8.8.8.8',
} as const;
