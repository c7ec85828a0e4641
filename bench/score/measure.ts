/**
 * The measurements: full risk evaluations through `engine.assessAuthenticated` on a Riskgate opened on
 * a history file (one call at a time, timed with performance.now()), a second pass with every store
 * call timed to see where the time goes, and argon2id verification with Riskgate's parameters.
 *
 * Besides wall time, each evaluation records the process CPU time it used (every thread's, from
 * process.resourceUsage(): the checkpointer's worker thread too) and whether the main thread was
 * preempted (an involuntary context switch of that thread, from /proc) while it ran, both read
 * outside the timed region. On a machine shared with other work, wall-time tails are mostly the
 * scheduler; these say which tails are Riskgate's own.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { createRiskgate, type Riskgate } from '../../src/riskgate.js';
import { verifyPassword } from '../../src/auth/passwordHasher.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import type { Store } from '../../src/storage/types.js';
import type { DirectoryUser } from '../../src/domain/identity.js';
import { buildSignInContext } from '../../src/signals/context.js';
import type { GeoIp } from '../../src/signals/geo.js';
import { parseUserAgent } from '../../src/signals/userAgent.js';
import { percentiles, type Percentiles } from '../percentiles.js';
import { attemptFor, int, profileOf, rng, type AttemptKind, type Random, type World } from './world.js';

/** One timed operation: wall ms, process CPU ms, context switches and what else happened meanwhile. */
export interface Sample {
  start: number;
  wall: number;
  cpu: number;
  /** The process was preempted (another process got the core) while the operation ran. */
  involuntary: number;
  voluntary: number;
  /** The SQLite WAL was restarted during the operation: a checkpoint ran in it or just before it. */
  walRestart: boolean;
  /** A V8 garbage collection overlapped the operation (filled in by GcLog.mark). */
  gc: boolean;
  /** What kind of operation it was, for percentiles by kind (SizeBench: with or without detections). */
  tag?: string;
}

export type Cause = 'preempted' | 'walRestart' | 'gc';

/**
 * The main thread's own context switches, from /proc (Linux): process.resourceUsage() counts every
 * thread's, and the SQLite checkpointer's worker thread sleeps and wakes on its own schedule.
 * Falls back to the process's counts elsewhere.
 */
function mainThreadSwitches(): { voluntary: number; involuntary: number } {
  try {
    const status = readFileSync(`/proc/self/task/${process.pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    const switches = {
      voluntary: field('voluntary_ctxt_switches'),
      involuntary: field('nonvoluntary_ctxt_switches'),
    };
    if (Number.isFinite(switches.voluntary) && Number.isFinite(switches.involuntary)) return switches;
  } catch {
    // not Linux: below
  }
  const usage = process.resourceUsage();
  return { voluntary: usage.voluntaryContextSwitches, involuntary: usage.involuntaryContextSwitches };
}

export class Samples {
  readonly list: Sample[] = [];

  async time<T>(operation: () => Promise<T>, wal?: () => string): Promise<T> {
    const walBefore = wal?.();
    const switchesBefore = mainThreadSwitches();
    const before = process.resourceUsage();
    const start = performance.now();
    const result = await operation();
    const wall = performance.now() - start;
    const after = process.resourceUsage();
    const switchesAfter = mainThreadSwitches();
    this.list.push({
      start,
      wall,
      cpu: (after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime) / 1000,
      involuntary: switchesAfter.involuntary - switchesBefore.involuntary,
      voluntary: switchesAfter.voluntary - switchesBefore.voluntary,
      walRestart: wal !== undefined && wal() !== walBefore,
      gc: false,
    });
    return result;
  }

  wall(): Percentiles {
    return percentiles(this.list.map((s) => s.wall));
  }

  cpu(): Percentiles {
    return percentiles(this.list.map((s) => s.cpu));
  }

  static causes(s: Sample): Cause[] {
    const causes: Cause[] = [];
    if (s.involuntary > 0) causes.push('preempted');
    if (s.walRestart) causes.push('walRestart');
    if (s.gc) causes.push('gc');
    return causes;
  }

  /** Wall time of the operations with none of the causes above: what the code itself costs. */
  /** Percentiles of the operations with this tag. */
  tagged(tag: string): Percentiles {
    return percentiles(this.list.filter((s) => s.tag === tag).map((s) => s.wall));
  }

  clean(): Percentiles {
    return percentiles(this.list.filter((s) => Samples.causes(s).length === 0).map((s) => s.wall));
  }

  share(cause: Cause): number {
    return this.list.filter((s) => Samples.causes(s).includes(cause)).length / Math.max(1, this.list.length);
  }

  /** The slowest 1%: how many had each cause (one sample can have several), and how many none. */
  tail(): { n: number; preempted: number; walRestart: number; gc: number; none: number } {
    const slowest = [...this.list]
      .sort((a, b) => b.wall - a.wall)
      .slice(0, Math.ceil(this.list.length / 100));
    const has = (cause: Cause) => slowest.filter((s) => Samples.causes(s).includes(cause)).length;
    return {
      n: slowest.length,
      preempted: has('preempted'),
      walRestart: has('walRestart'),
      gc: has('gc'),
      none: slowest.filter((s) => Samples.causes(s).length === 0).length,
    };
  }
}

/** V8 garbage collections of the run, to mark the samples they overlapped. */
export class GcLog {
  private readonly pauses: { start: number; end: number }[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      this.pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
    }
  });

  start(): void {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  stop(): void {
    this.observer.disconnect();
  }

  mark(samples: Samples): void {
    for (const s of samples.list) {
      const end = s.start + s.wall;
      s.gc = this.pauses.some((p) => p.start < end && p.end > s.start);
    }
  }
}

/**
 * Reads the WAL header's checkpoint sequence and salt (bytes 12-19): they change when SQLite
 * restarts the WAL after a checkpoint. A pread outside the timed region.
 */
function walProbe(file: string): { read: () => string; close: () => void } {
  let fd: number | null = null;
  const buffer = Buffer.alloc(8);
  return {
    read() {
      try {
        fd ??= openSync(`${file}-wal`, 'r');
        return readSync(fd, buffer, 0, 8, 12) === 8 ? buffer.toString('hex') : 'short';
      } catch {
        return 'none';
      }
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/** argon2id verifications of one hash made with ARGON2_OPTIONS, one after another. */
export async function measureArgon2(
  samples: Samples,
  hash: string,
  password: string,
  times: number,
): Promise<void> {
  for (let i = 0; i < times; i++) {
    const ok = await samples.time(() => verifyPassword(hash, password));
    if (!ok) throw new Error('argon2 verification failed: wrong benchmark hash');
  }
}

/** The clock Riskgate is given: moves one second per sign-in, from just after the history ends. */
export class BenchClock {
  constructor(private t: number) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface SizeTarget {
  /** Users in the file (the measurement picks among indexes 0 .. users - 1). */
  users: number;
  file: string;
  dataDir: string;
  world: World;
  password: string;
  clock: BenchClock;
  seed: number;
}

const JOBS_OFF = { enabled: false, intervalMinutes: 60, lowRiskAgeingDays: 180 };

function newKinds(): Record<AttemptKind, number> {
  return { familiar: 0, newIp: 0, newDevice: 0, browserUpdate: 0, newCountry: 0 };
}

/** A Riskgate on one history file, evaluating sign-ins of random existing users. */
export class SizeBench {
  readonly evaluations = new Samples();
  /**
   * completeSignIn after an allowed sign-in, timed apart: what a sign-in does next. An allowed sign-in
   * is learned in the evaluation's own write, so this only notifies.
   */
  readonly learning = new Samples();
  /** The event-loop turn before each recorded evaluation (ms): where the checkpointer's main-thread share runs. */
  readonly turns: number[] = [];
  readonly decisions: Record<string, number> = {};
  readonly kinds = newKinds();
  risky = 0;
  private readonly random: Random;
  private readonly wal: ReturnType<typeof walProbe>;

  private constructor(
    readonly target: SizeTarget,
    private readonly gate: Riskgate,
    private readonly stores: Store[],
    private readonly timing: { on: boolean } | null,
  ) {
    this.random = rng(target.seed);
    this.wal = walProbe(target.file);
  }

  static async open(target: SizeTarget, storeCalls?: StoreCalls): Promise<SizeBench> {
    const raw = openSqliteStore({
      file: target.file,
      sessionPruneIntervalMs: 0,
      // BENCH_SCORE_CHECKPOINT=inline: SQLite's own checkpoints inside commits, to compare with the worker.
      backgroundCheckpoint: process.env.BENCH_SCORE_CHECKPOINT !== 'inline',
    });
    const timing = storeCalls ? { on: false } : null;
    const store = storeCalls && timing ? timedStore(raw, storeCalls, timing) : raw;
    const gate = await createRiskgate({
      store,
      dataDir: target.dataDir,
      now: target.clock.now,
      logLevel: 'silent',
      jobs: JOBS_OFF,
    });
    return new SizeBench(target, gate, [raw], timing);
  }

  /** `count` evaluations; recorded unless warm-up. */
  async evaluate(count: number, record: boolean): Promise<void> {
    const { target } = this;
    for (let i = 0; i < count; i++) {
      const profile = profileOf(target.world, int(this.random, 0, target.users - 1));
      const attempt = attemptFor(target.world, profile, this.random);
      const user: DirectoryUser = {
        id: profile.id,
        username: profile.username,
        email: profile.username,
        groups: [],
      };
      const assess = () =>
        this.gate.engine.assessAuthenticated(user, {
          ip: attempt.ip,
          userAgent: attempt.userAgent,
          deviceId: attempt.deviceId,
          password: target.password,
        });
      target.clock.advance(1000);
      // A turn of the event loop between sign-ins, as a server has: timers and the checkpointer's
      // messages run there, not inside the next evaluation's timing.
      const turnStarted = performance.now();
      await new Promise((resolve) => setImmediate(resolve));
      if (record) this.turns.push(performance.now() - turnStarted);
      if (this.timing) this.timing.on = record;
      const evaluated = record ? await this.evaluations.time(assess, this.wal.read) : await assess();
      if (this.timing) this.timing.on = false;
      // Sign-ins with detections also write them, the user's risk and its history.
      if (record) this.evaluations.list.at(-1)!.tag = evaluated.drafts.length > 0 ? 'detections' : 'quiet';
      if (evaluated.decision.kind === 'allow') {
        const learn = () => this.gate.engine.completeSignIn(evaluated, { mfaPassed: false });
        if (record) await this.learning.time(learn, this.wal.read);
        else await learn();
      }
      if (!record) continue;
      this.decisions[evaluated.decision.kind] = (this.decisions[evaluated.decision.kind] ?? 0) + 1;
      this.kinds[attempt.kind]++;
      if (evaluated.signInRisk !== 'none') this.risky++;
    }
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wal.close();
    await this.gate.close();
    for (const store of this.stores) await store.close();
  }
}

/** Per store method ("signIns.recordSignIn"): wall ms of each call made inside an evaluation. */
export type StoreCalls = Map<string, number[]>;

/** The store with every sub-store method timed while `timing.on` (sessions are left alone). */
function timedStore(store: Store, calls: StoreCalls, timing: { on: boolean }): Store {
  const wrapped: Record<string, unknown> = { ...store };
  for (const [name, part] of Object.entries(store)) {
    if (name === 'sessions' || typeof part !== 'object' || part === null) continue;
    wrapped[name] = new Proxy(part as object, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        const key = `${name}.${String(property)}`;
        return async (...args: unknown[]) => {
          if (!timing.on) return method.apply(target, args);
          const started = performance.now();
          try {
            return await method.apply(target, args);
          } finally {
            const list = calls.get(key) ?? [];
            list.push(performance.now() - started);
            calls.set(key, list);
          }
        };
      },
    });
  }
  return wrapped as unknown as Store;
}

/**
 * The CPU-only first step of every evaluation, in isolation: building the SignInContext (UA parsing
 * and the geo lookup) for `n` measured-style sign-ins. Mean µs per call.
 */
export function measureContext(
  world: World,
  geo: GeoIp,
  users: number,
  n: number,
): { context: number; userAgent: number; geo: number } {
  const random = rng(world.seed ^ 0xc0ffee);
  const attempts = Array.from({ length: n }, () =>
    attemptFor(world, profileOf(world, int(random, 0, users - 1)), random),
  );
  const mean = (run: (a: (typeof attempts)[number]) => unknown): number => {
    for (const a of attempts.slice(0, 200)) run(a); // warm-up
    const started = performance.now();
    for (const a of attempts) run(a);
    return ((performance.now() - started) / attempts.length) * 1000;
  };
  return {
    context: mean((a) =>
      buildSignInContext({ ip: a.ip, userAgent: a.userAgent, deviceId: a.deviceId, at: world.base }, geo),
    ),
    userAgent: mean((a) => parseUserAgent(a.userAgent, a.deviceId)),
    geo: mean((a) => geo.lookup(a.ip)),
  };
}
