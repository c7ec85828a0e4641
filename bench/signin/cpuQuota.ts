/**
 * CPU-limited "containers" for the benchmark's servers: one Linux cgroup per server process with a
 * CFS quota (cgroup v1 `cpu.cfs_quota_us`, or v2 `cpu.max`), as a container runtime's CPU limit
 * does. Each instance then has a fixed share of CPU whatever else runs, so two instances are two
 * equal machines and the rest of the CPU is left for PostgreSQL, Redis and the load generator.
 * Needs a writable cgroup hierarchy (root on a cgroup v1 machine, or a delegated v2 subtree);
 * `available()` says whether this machine has one.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Quota period: short, so a throttled server waits milliseconds, not a whole 100 ms period. */
const PERIOD_US = 20_000;
const PREFIX = 'rgbench-';

interface Hierarchy {
  version: 1 | 2;
  root: string;
}

function hierarchy(): Hierarchy | null {
  const v1 = '/sys/fs/cgroup/cpu';
  if (existsSync(path.join(v1, 'cpu.cfs_quota_us'))) return { version: 1, root: v1 };
  const v2 = '/sys/fs/cgroup';
  try {
    const enabled = readFileSync(path.join(v2, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
    if (enabled.includes('cpu')) return { version: 2, root: v2 };
  } catch {
    // no v2 root with the cpu controller
  }
  return null;
}

export interface QuotaGroup {
  readonly name: string;
  /** Moves a process (all its threads) into the group. */
  add(pid: number): void;
  /** Removes the group (its processes must have exited or moved). Never throws. */
  remove(): void;
}

function create(where: Hierarchy, name: string, cores: number): QuotaGroup {
  const dir = path.join(where.root, name);
  mkdirSync(dir);
  const quota = Math.max(1000, Math.round(cores * PERIOD_US));
  if (where.version === 1) {
    writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(quota));
  } else {
    writeFileSync(path.join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
  }
  return {
    name,
    add(pid) {
      writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
    },
    remove() {
      try {
        rmdirSync(dir);
      } catch {
        // still has a process (it is being killed) or already gone; removeStale() tidies next run
      }
    },
  };
}

let counter = 0;

export const cpuQuota = {
  /** Whether quota groups can be made here (checked by making and removing one). */
  available(): boolean {
    const where = hierarchy();
    if (!where) return false;
    try {
      create(where, `${PREFIX}probe-${process.pid}`, 0.5).remove();
      return true;
    } catch {
      return false;
    }
  },

  /** A new group limited to `cores` CPUs' worth of time (0.5: half of one core). */
  group(cores: number): QuotaGroup {
    const where = hierarchy();
    if (!where) throw new Error('no writable cgroup cpu controller');
    return create(where, `${PREFIX}${process.pid}-${counter++}`, cores);
  },

  /** Empty groups an interrupted earlier run left behind. */
  removeStale(): void {
    const where = hierarchy();
    if (!where) return;
    for (const entry of readdirSync(where.root)) {
      if (!entry.startsWith(PREFIX)) continue;
      try {
        rmdirSync(path.join(where.root, entry));
      } catch {
        // in use by a running benchmark
      }
    }
  },
};
