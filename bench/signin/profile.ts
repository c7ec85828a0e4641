/**
 * CPU profile of one benchmark server under sign-ins or protected pages, for finding what Riskgate
 * spends beyond argon2 (`npx tsx bench/signin/profile.ts [riskgate|baseline] [sign-in|page] [count]`).
 * SQLite in a temp folder; the server runs with `node --cpu-prof` and writes a .cpuprofile into
 * $TMPDIR/riskgate-bench-profile/ when it exits (open it in Chrome DevTools, or read the summary this
 * prints: self time per function, the top 25). Nothing is asserted; it measures nothing against a baseline.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  baselineSignIn,
  browserHeaders,
  prepareMany,
  prepareRiskgateSignIn,
  signedInCookie,
} from './prepare.js';
import { startServer } from './processes.js';
import { Cleanup, makeUsers, seedUsers, tempDir } from './setup.js';

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
function summarize(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] };
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
  console.log(`${busy} busy samples (idle, GC and program excluded); inclusive time by origin:`);
  for (const [key, hits] of top(inclusive, 30))
    console.log(`  ${((100 * hits) / busy).toFixed(1).padStart(5)}%  ${key}`);
  console.log('self time, top 25:');
  for (const [key, hits] of top(self, 25))
    console.log(`  ${((100 * hits) / busy).toFixed(1).padStart(5)}%  ${key}`);
}

async function main(): Promise<void> {
  const kind = process.argv[2] === 'baseline' ? 'baseline' : 'riskgate';
  const scenario = process.argv[3] === 'page' ? 'page' : 'sign-in';
  const count = Number(process.argv[4] ?? 300);
  const cleanup = new Cleanup();
  const profileDir = path.join(os.tmpdir(), 'riskgate-bench-profile');
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  try {
    const users = await makeUsers(20);
    const backend = { name: 'SQLite' as const, settings: { dataDir: tempDir(cleanup) } };
    await seedUsers(backend, users);
    const server = await startServer(
      'profiled',
      {
        kind,
        backend,
        sessionSecret: randomBytes(32).toString('base64url'),
        encryptionKey: randomBytes(32).toString('base64'),
        sessionMaxAgeMinutes: 60,
        throttle: { windowSeconds: 900, maxPerIp: 100_000_000, maxPerUsername: 100_000_000 },
      },
      { kind: 'free' },
      ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    );
    const user = (i: number) => users[i % users.length]!;
    const base = `http://127.0.0.1:${server.port}`;
    const post = async (i: number) => {
      const prepared =
        kind === 'riskgate' ? await prepareRiskgateSignIn(server.port, user(i)) : baselineSignIn(user(i));
      const answer = await fetch(`${base}${kind === 'riskgate' ? '/auth/sign-in' : '/sign-in'}`, {
        method: 'POST',
        headers: prepared.headers,
        body: prepared.body,
        redirect: 'manual',
      });
      if (answer.status !== 303) throw new Error(`sign-in answered ${answer.status}`);
    };
    if (scenario === 'sign-in') await prepareMany(count, 4, post);
    else {
      const cookies = await prepareMany(8, 4, (i) => signedInCookie(server.port, kind, user(i)));
      const page = kind === 'riskgate' ? '/' : '/protected';
      await prepareMany(count, 8, async (i) => {
        const answer = await fetch(`${base}${page}`, { headers: browserHeaders(cookies[i % 8]!) });
        if (answer.status !== 200) throw new Error(`page answered ${answer.status}`);
        await answer.text();
      });
    }
    await server.stop();
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('the server wrote no profile');
    console.log(`${kind}, ${count} x ${scenario}: ${path.join(profileDir, file)}`);
    summarize(path.join(profileDir, file));
  } finally {
    await cleanup.runAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
