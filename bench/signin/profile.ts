/**
 * CPU profile of benchmark servers under sign-ins or protected pages, for finding what Riskgate
 * spends beyond the baseline (`npx tsx bench/signin/profile.ts [riskgate|baseline|both] [sign-in|page]
 * [count] [sqlite|postgres|postgres+redis]`). Requests are prepared first (a Riskgate sign-in's page
 * GET), then the server's sampling profiler (node:inspector, 100 µs) runs over the measured requests
 * only, and writes a .cpuprofile into $TMPDIR/riskgate-bench-profile/ (open it in Chrome DevTools, or
 * read the summary: main-thread time per request by origin, and the top 25 functions). Nothing is
 * asserted.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import {
  baselineSignIn,
  browserHeaders,
  destroyAgent,
  prepareMany,
  prepareRiskgateSignIn,
  signedInCookie,
} from './prepare.js';
import { cpuMs, killAllServers, startServer, type ServerProcess } from './processes.js';
import type { BackendSpec } from './backends.js';
import {
  benchServerConfig,
  Cleanup,
  makeUsers,
  postgresSchema,
  redisPrefix,
  seedUsers,
  tempDir,
  type BenchUserWithHash,
} from './setup.js';

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Where a frame comes from: a package under node_modules, a Riskgate source folder, or node itself. */
function originOf(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(src|bench)\/(.*?)(?:\/[^/]*)?$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url.startsWith('node:') ? 'node' : url === '' ? '(native)' : 'other';
}

/**
 * Two views of the samples: self time per function, and inclusive time per origin (each sample
 * counted once for every origin on its stack), which shows what helmet, ejs, ua-parser or a store
 * costs in all.
 */
function summarize(file: string, requests: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples: number[];
  };
  // The interval asked for is a minimum: a busy or descheduled thread takes fewer samples. The time
  // one sample stands for is the profile's duration over its samples.
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / profile.samples.length;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  const walk = (node: ProfileNode, origins: ReadonlySet<string>) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const hits = node.hitCount ?? 0;
    const name = functionName || '(anonymous)';
    const onStack = new Set(origins).add(originOf(url));
    if (!['(idle)', '(program)', '(garbage collector)', '(root)'].includes(name)) {
      busy += hits;
      const key = `${name} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|bench)\//, '$1/')}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + hits);
      for (const origin of onStack) inclusive.set(origin, (inclusive.get(origin) ?? 0) + hits);
    }
    for (const child of node.children ?? []) walk(byId.get(child)!, onStack);
  };
  walk(profile.nodes[0]!, new Set());
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  // Per request: samples x the sampling interval, on the main thread (argon2's pool is not sampled).
  const perRequest = (hits: number) => `${((hits * msPerSample) / requests).toFixed(3)} ms`;
  console.log(
    `  main thread busy per request: ${perRequest(busy)} (idle, GC and program excluded); by origin:`,
  );
  for (const [key, hits] of top(inclusive, 30))
    console.log(
      `  ${((100 * hits) / busy).toFixed(1).padStart(5)}%  ${perRequest(hits).padStart(9)}  ${key}`,
    );
  console.log('  self time, top 25:');
  for (const [key, hits] of top(self, 25))
    console.log(
      `  ${((100 * hits) / busy).toFixed(1).padStart(5)}%  ${perRequest(hits).padStart(9)}  ${key}`,
    );
}

type Kind = 'baseline' | 'riskgate';

async function backendFor(name: string, cleanup: Cleanup): Promise<BackendSpec> {
  const dataDir = tempDir(cleanup);
  if (name === 'sqlite') return { name: 'SQLite', settings: { dataDir } };
  const schema = await postgresSchema(POSTGRES_URL, cleanup);
  if (!schema) throw new Error('PostgreSQL is unreachable');
  const settings = { dataDir, databaseUrl: POSTGRES_URL, databaseSchema: schema };
  if (name === 'postgres') return { name: 'PostgreSQL', settings };
  const prefix = await redisPrefix(REDIS_URL, cleanup);
  if (!prefix) throw new Error('Redis is unreachable');
  return { name: 'PostgreSQL+Redis', settings: { ...settings, redisUrl: REDIS_URL, redisPrefix: prefix } };
}

/** Sends one IPC message to the server and waits for its {profiled} answer. */
async function tellProfiler(server: ServerProcess, profile: string): Promise<void> {
  const answered = once(server.child, 'message');
  server.child.send({ profile });
  await answered;
}

/** Profiles `count` measured requests of one server; prints the summary and its CPU per request. */
async function profileOne(
  kind: Kind,
  scenario: 'sign-in' | 'page',
  count: number,
  backend: BackendSpec,
  users: BenchUserWithHash[],
  profileDir: string,
): Promise<void> {
  const server = await startServer('profiled', benchServerConfig(kind, backend));
  try {
    const user = (i: number) => users[i % users.length]!;
    const base = `http://127.0.0.1:${server.port}`;
    let send: (i: number) => Promise<void>;
    if (scenario === 'sign-in') {
      // Prepared before the profiled window: each Riskgate sign-in needs its own page GET (session, CSRF).
      const prepared = await prepareMany(count + 40, 4, (i) =>
        kind === 'riskgate'
          ? prepareRiskgateSignIn(server.port, user(i))
          : Promise.resolve(baselineSignIn(user(i))),
      );
      send = async (i) => {
        const answer = await fetch(`${base}${kind === 'riskgate' ? '/auth/sign-in' : '/sign-in'}`, {
          method: 'POST',
          headers: prepared[i]!.headers,
          body: prepared[i]!.body,
          redirect: 'manual',
        });
        if (answer.status !== 303) throw new Error(`sign-in answered ${answer.status}`);
        await answer.arrayBuffer();
      };
    } else {
      const cookies = await prepareMany(8, 4, (i) => signedInCookie(server.port, kind, user(i)));
      const page = kind === 'riskgate' ? '/' : '/protected';
      send = async (i) => {
        const answer = await fetch(`${base}${page}`, { headers: browserHeaders(cookies[i % 8]!) });
        if (answer.status !== 200) throw new Error(`page answered ${answer.status}`);
        await answer.text();
      };
    }
    // Warm-up (JIT, connections, caches) outside the profile; then the measured window.
    await prepareMany(40, 4, (i) => send(count + i));
    const file = path.join(profileDir, `${kind}-${scenario}.cpuprofile`);
    await tellProfiler(server, 'start');
    const cpuBefore = cpuMs(server.child.pid);
    await prepareMany(count, 4, send);
    const cpuAfter = cpuMs(server.child.pid);
    await tellProfiler(server, file);
    const cpu = cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) / count).toFixed(3) : '?';
    console.log(`\n${kind}, ${count} x ${scenario} on ${backend.name}: ${file}`);
    console.log(`  server CPU per request (all threads, from /proc): ${cpu} ms`);
    summarize(file, count);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'riskgate';
  const kinds: Kind[] =
    which === 'both' ? ['baseline', 'riskgate'] : [which === 'baseline' ? 'baseline' : 'riskgate'];
  const scenario = process.argv[3] === 'page' ? 'page' : 'sign-in';
  const count = Number(process.argv[4] ?? 300);
  const cleanup = new Cleanup();
  const profileDir = path.join(os.tmpdir(), 'riskgate-bench-profile');
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  try {
    const users = await makeUsers(20);
    const backend = await backendFor(process.argv[5] ?? 'sqlite', cleanup);
    await seedUsers(backend, users);
    for (const kind of kinds) await profileOne(kind, scenario, count, backend, users, profileDir);
  } finally {
    killAllServers();
    destroyAgent();
    await cleanup.runAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
