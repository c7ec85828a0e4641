/**
 * What Riskgate adds to every request, in server CPU: protected pages and sign-in POSTs sent to the
 * Riskgate demo app and to the bare baseline app (`npx tsx bench/signin/requestCost.ts [pages]
 * [sign-ins] [rounds] [in flight]`: pages and sign-ins per variant and round, defaults 1000, 20, 10
 * rounds, 16 requests in flight). Both servers run on one SQLite file in a temp folder, each in its
 * own process (pinned to the same core where taskset exists); the windows are interleaved R B B R per
 * round so drifting machine load hits both alike. CPU is read from /proc (user + system, every thread)
 * around each window, so it counts only the measured requests (the sign-in page GETs a Riskgate POST
 * needs are made before its window). Prints CPU per request in µs and the Riskgate/baseline ratio,
 * over all rounds and per round. Nothing is asserted. See docs/benchmarks.md ("Profile").
 */
import http from 'node:http';
import {
  baselineSignIn,
  browserHeaders,
  destroyAgent,
  prepareMany,
  prepareRiskgateSignIn,
  signedInCookie,
  type PreparedRequest,
} from './prepare.js';
import { CAN_PIN, cpuMs, killAllServers, startServer, type ServerProcess } from './processes.js';
import {
  benchServerConfig,
  Cleanup,
  makeUsers,
  seedUsers,
  tempDir,
  type BenchUserWithHash,
} from './setup.js';
import type { ServerConfig } from './server.js';

const PAGES = Number(process.argv[2] ?? 1000); // per variant and round
const SIGN_INS = Number(process.argv[3] ?? 20);
const ROUNDS = Number(process.argv[4] ?? 10);
// Requests in flight per server: enough that the server rarely waits for the client.
const CONCURRENCY = Number(process.argv[5] ?? 16);

type Kind = ServerConfig['kind'];

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function request(port: number, method: string, path: string, prepared: PreparedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: prepared.headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(prepared.body);
  });
}

interface Contender {
  kind: Kind;
  server: ServerProcess;
  cookies: string[];
}

/** Server CPU (ms) spent while `work` runs; the server is otherwise idle. */
async function cpuDuring(server: ServerProcess, work: () => Promise<unknown>): Promise<number> {
  const before = cpuMs(server.child.pid);
  await work();
  // Let the end-of-response work (session saves, log flushes) land inside the window.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const after = cpuMs(server.child.pid);
  if (before === null || after === null) throw new Error('no /proc: CPU per request cannot be read');
  return after - before;
}

async function pages(contender: Contender, count: number): Promise<void> {
  const path = contender.kind === 'riskgate' ? '/' : '/protected';
  await prepareMany(count, CONCURRENCY, async (i) => {
    const cookie = contender.cookies[i % contender.cookies.length]!;
    const status = await request(contender.server.port, 'GET', path, { headers: browserHeaders(cookie) });
    if (status !== 200) throw new Error(`${contender.kind} page answered ${status}`);
  });
}

async function signIns(contender: Contender, users: BenchUserWithHash[], count: number): Promise<number> {
  const { kind, server } = contender;
  const user = (i: number) => users[i % users.length]!;
  const prepared = await prepareMany(count, 4, (i) =>
    kind === 'riskgate'
      ? prepareRiskgateSignIn(server.port, user(i))
      : Promise.resolve(baselineSignIn(user(i))),
  );
  const path = kind === 'riskgate' ? '/auth/sign-in' : '/sign-in';
  return cpuDuring(server, () =>
    prepareMany(count, 4, async (i) => {
      const status = await request(server.port, 'POST', path, prepared[i]!);
      if (status !== 303) throw new Error(`${kind} sign-in answered ${status}`);
    }),
  );
}

function report(what: string, totals: Record<Kind, number>, count: number): void {
  const us = (kind: Kind) => (totals[kind] * 1000) / count;
  console.log(
    `${what.padEnd(15)} Riskgate ${us('riskgate').toFixed(0).padStart(6)} µs  baseline ${us('baseline')
      .toFixed(0)
      .padStart(6)} µs  ratio ${(totals.riskgate / totals.baseline).toFixed(3)}  (${count} each)`,
  );
}

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  try {
    const users = await makeUsers(16);
    const backend = { name: 'SQLite' as const, settings: { dataDir: tempDir(cleanup) } };
    await seedUsers(backend, users);
    const config = (kind: Kind): ServerConfig => benchServerConfig(kind, backend);
    const contenders: Record<Kind, Contender> = { riskgate: null!, baseline: null! };
    for (const kind of ['riskgate', 'baseline'] as const) {
      // Both on the same core (where taskset exists), the client elsewhere: alike caches and clocks.
      const server = await startServer(
        kind,
        config(kind),
        CAN_PIN ? { kind: 'core', cpu: 1 } : { kind: 'free' },
      );
      cleanup.add(`stop ${kind}`, () => server.stop());
      const cookies = await prepareMany(8, 4, (i) => signedInCookie(server.port, kind, users[i]!));
      contenders[kind] = { kind, server, cookies };
      await pages(contenders[kind], 1000); // warm-up: JIT, template cache, connection pool
    }
    const order: Kind[] = ['riskgate', 'baseline', 'baseline', 'riskgate'];
    const pageCpu: Record<Kind, number> = { riskgate: 0, baseline: 0 };
    const signInCpu: Record<Kind, number> = { riskgate: 0, baseline: 0 };
    const roundRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const thisRound: Record<Kind, number> = { riskgate: 0, baseline: 0 };
      for (const kind of order) {
        const contender = contenders[kind];
        const spent = await cpuDuring(contender.server, () => pages(contender, PAGES / 2));
        pageCpu[kind] += spent;
        thisRound[kind] += spent;
        if (SIGN_INS > 0) signInCpu[kind] += await signIns(contender, users, SIGN_INS / 2);
      }
      roundRatios.push(thisRound.riskgate / thisRound.baseline);
    }
    report('protected page', pageCpu, PAGES * ROUNDS);
    const sorted = [...roundRatios].sort((a, b) => a - b);
    console.log(
      `  page ratio per round: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)}, ` +
        `range ${sorted[0]!.toFixed(3)} to ${sorted[sorted.length - 1]!.toFixed(3)} (${ROUNDS} rounds)`,
    );
    if (SIGN_INS > 0) report('sign-in POST', signInCpu, SIGN_INS * ROUNDS);
  } finally {
    agent.destroy();
    destroyAgent();
    await cleanup.runAll();
    killAllServers();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
