/**
 * The two measurements, each over the variants of one backend ("contenders"): a warm-up per variant,
 * then two windows per variant interleaved A B C C B A, merged per variant (see load.ts summarize).
 */
import { runLoad, summarize, type LoadResult, type LoadTarget, type LoadWindow } from './load.js';
import {
  baselineSignIn,
  browserHeaders,
  prepareMany,
  prepareRiskgateSignIn,
  signedInCookie,
  type PreparedRequest,
} from './prepare.js';
import type { ServerProcess } from './processes.js';
import type { Variant } from './report.js';
import type { ServerConfig } from './server.js';
import type { BenchUserWithHash } from './setup.js';

/** The fixed parameters of bench/signin.ts that the measurements use. */
export interface MeasureParams {
  connections: number;
  windowS: number;
  warmupSignIns: number;
  warmupPagesS: number;
  poolFactor: number;
  maxPool: number;
  signedInSessions: number;
  prepareConcurrency: number;
  /** How many times the A B C C B A sequence of windows runs (more rounds: less noise, longer run). */
  rounds: number;
}

export interface Contender {
  variant: Variant;
  kind: ServerConfig['kind'];
  servers: ServerProcess[];
}

function warnOnWarmUpErrors(c: Contender, scenario: string, result: LoadResult): void {
  if (result.errors === 0) return;
  console.warn(`  warm-up ${scenario} | ${c.variant}: ${result.errors} errors, ${result.ok} ok`);
  for (const sample of result.errorSamples) console.warn(`      error: ${sample.replace(/\s+/g, ' ')}`);
}

/**
 * Variants in order, then in reverse (A B C C B A), `rounds` times: a steady drift in machine load
 * hits each variant equally.
 */
function palindrome(contenders: Contender[], rounds: number): Contender[] {
  const once = [...contenders, ...[...contenders].reverse()];
  return Array.from({ length: rounds }, () => once).flat();
}

/** Sign-in POSTs against each server of `c`, from pools of `size` prepared requests per server. */
async function signInTargets(
  c: Contender,
  users: BenchUserWithHash[],
  size: number,
  p: MeasureParams,
): Promise<LoadTarget[]> {
  let nextUser = 0;
  const user = () => users[nextUser++ % users.length]!;
  return Promise.all(
    c.servers.map(async (server): Promise<LoadTarget> => {
      let next: () => PreparedRequest | null;
      if (c.kind === 'baseline') {
        // No CSRF token, nothing single-use: the bare form post, any number of times.
        const requests = users.map((u) => baselineSignIn(u));
        let used = 0;
        next = () => requests[used++ % requests.length]!;
      } else {
        const pool = await prepareMany(size, p.prepareConcurrency, () =>
          prepareRiskgateSignIn(server.port, user()),
        );
        let used = 0;
        next = () => pool[used++] ?? null;
      }
      const path = c.kind === 'riskgate' ? '/auth/sign-in' : '/sign-in';
      return {
        port: server.port,
        pid: server.child.pid,
        method: 'POST',
        path,
        next,
        expect: { status: 303, location: '/' },
      };
    }),
  );
}

export async function measureSignIns(
  contenders: Contender[],
  users: BenchUserWithHash[],
  p: MeasureParams,
): Promise<Map<Variant, LoadResult>> {
  const rates = new Map<Variant, number>();
  for (const c of contenders) {
    const warm = await runLoad(await signInTargets(c, users, p.warmupSignIns, p), {
      connections: p.connections,
      amount: p.warmupSignIns,
    });
    const result = summarize([warm]);
    warnOnWarmUpErrors(c, 'sign-in', result);
    rates.set(c.variant, result.rate / c.servers.length);
  }
  const windows = new Map<Variant, LoadWindow[]>(contenders.map((c) => [c.variant, []]));
  for (const c of palindrome(contenders, p.rounds)) {
    const perServer = rates.get(c.variant)!;
    const size = Math.min(p.maxPool, Math.ceil(perServer * p.windowS * p.poolFactor) + 4 * p.connections);
    const targets = await signInTargets(c, users, size, p);
    windows
      .get(c.variant)!
      .push(await runLoad(targets, { connections: p.connections, durationS: p.windowS }));
  }
  return new Map([...windows].map(([variant, list]) => [variant, summarize(list)]));
}

export async function measurePages(
  contenders: Contender[],
  users: BenchUserWithHash[],
  p: MeasureParams,
): Promise<Map<Variant, LoadResult>> {
  const targetsOf = new Map<Variant, LoadTarget[]>();
  for (const c of contenders) {
    const cookies = await prepareMany(p.signedInSessions, p.prepareConcurrency, (i) =>
      signedInCookie(c.servers[i % c.servers.length]!.port, c.kind, users[i % users.length]!),
    );
    const requests = cookies.map((cookie) => ({ headers: browserHeaders(cookie) }));
    const targets = c.servers.map((server): LoadTarget => {
      let next = 0;
      return {
        port: server.port,
        pid: server.child.pid,
        method: 'GET',
        path: c.kind === 'riskgate' ? '/' : '/protected',
        next: () => requests[next++ % requests.length]!,
        expect: { status: 200 },
      };
    });
    targetsOf.set(c.variant, targets);
    const warm = await runLoad(targets, { connections: p.connections, durationS: p.warmupPagesS });
    warnOnWarmUpErrors(c, 'protected page', summarize([warm]));
  }
  const windows = new Map<Variant, LoadWindow[]>(contenders.map((c) => [c.variant, []]));
  for (const c of palindrome(contenders, p.rounds)) {
    const window = await runLoad(targetsOf.get(c.variant)!, {
      connections: p.connections,
      durationS: p.windowS,
    });
    windows.get(c.variant)!.push(window);
  }
  return new Map([...windows].map(([variant, list]) => [variant, summarize(list)]));
}
