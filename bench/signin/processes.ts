/**
 * Server processes for the benchmark: each server runs in its own Node process (so two instances are
 * two event loops, as in production, and the load generator never shares a loop with a server).
 * Every child is tracked and killed on the way out, even when the benchmark fails or is interrupted.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerConfig } from './server.js';
import { cpuQuota } from './cpuQuota.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_ENTRY = path.join('bench', 'signin', 'server.ts');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

export interface ServerProcess {
  label: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system, every thread: argon2 runs on libuv's pool) a process has used so far, in ms;
 * null where /proc is not available. Far less sensitive to other load on the machine than throughput.
 */
export function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is field 3, utime field 14, stime field 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Last resort (process exit, signals): kill whatever is still running, synchronously. */
export function killAllServers(): void {
  for (const child of running)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

/** Whether `taskset` can pin processes here (Linux with util-linux); checked once. */
export const CAN_PIN = (() => {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Where a server runs: anywhere, pinned to one core, or in a CPU-quota group of its own. */
export type Placement = { kind: 'free' } | { kind: 'core'; cpu: number } | { kind: 'quota'; cores: number };

/**
 * Starts one server process. Pinned to a core with taskset (every thread, so argon2's libuv pool
 * too: the instance gets exactly one core's worth of CPU; taskset execs the server in place, so the
 * pid and its /proc CPU times are the server's own), or moved into a CPU-quota group of its own
 * (cpuQuota.ts) before it loads anything.
 */
export async function startServer(
  label: string,
  config: ServerConfig,
  placement: Placement = { kind: 'free' },
  /** Extra node options (profile.ts adds --cpu-prof, which NODE_OPTIONS may not carry). */
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const args = [...nodeArgs, '--import', 'tsx', SERVER_ENTRY, JSON.stringify(config)];
  const pinned = placement.kind === 'core' && CAN_PIN;
  const command = pinned ? 'taskset' : process.execPath;
  const child = spawn(command, pinned ? ['-c', String(placement.cpu), process.execPath, ...args] : args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const group = placement.kind === 'quota' ? cpuQuota.group(placement.cores) : null;
  if (group && child.pid !== undefined) group.add(child.pid);
  running.add(child);
  const exited = once(child, 'exit');
  // Once the process is gone its group is empty and can go, however the process ended.
  if (group) void exited.then(() => group.remove());
  const diedEarly = exited.then(([code]) => {
    throw new Error(`${label}: server exited with code ${String(code)} before listening`);
  });
  diedEarly.catch(() => undefined); // it also rejects at the normal exit, long after the race is over
  let timer: NodeJS.Timeout | undefined;
  try {
    const port = await Promise.race([
      once(child, 'message').then(([message]) => (message as { port: number }).port),
      diedEarly,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${label}: not listening after 60 s`)), START_TIMEOUT_MS);
      }),
    ]);
    return {
      label,
      port,
      child,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return void running.delete(child);
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(killer);
        running.delete(child);
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    running.delete(child);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
