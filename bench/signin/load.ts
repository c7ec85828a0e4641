/**
 * Measuring: autocannon against one or more servers in parallel (one autocannon instance per server,
 * summing throughput), each request taken from a prepared supply and checked on its answer. Latencies
 * are collected per response so percentiles over several instances and several windows are exact.
 */
import autocannon from 'autocannon';
import { browserHeaders, type PreparedRequest } from './prepare.js';
import { cpuMs } from './processes.js';

export interface LoadTarget {
  port: number;
  /** The server's process id, to account its CPU time. */
  pid?: number;
  method: 'GET' | 'POST';
  path: string;
  /** The next request; null once a prepared pool is used up (that instance then stops, see `ranOut`). */
  next: () => PreparedRequest | null;
  /** A success is exactly this status (and Location, when given); anything else is an error. */
  expect: { status: number; location?: string };
}

export interface LoadRun {
  connections: number;
  /** Either a duration in seconds or a fixed number of requests per target. */
  durationS?: number;
  amount?: number;
}

export interface LoadResult {
  ok: number;
  errors: number;
  /** Successful answers per second, summed over the targets. */
  rate: number;
  p50: number;
  p99: number;
  /** Measured time, summed over the windows. */
  seconds: number;
  errorSamples: string[];
  /** A prepared pool ran out before the duration: the window was cut there (see seconds). */
  ranOut: boolean;
  /** Server CPU time (all its threads) per successful request, in ms; null when not measurable. */
  cpuPerOk: number | null;
}

export interface TargetResult {
  ok: number;
  errors: number;
  seconds: number;
  latencies: number[];
  samples: string[];
  ranOut: boolean;
  cpuMs: number | null;
}

const MAX_SAMPLES = 5;

function headerOf(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {}))
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  return undefined;
}

function runTarget(target: LoadTarget, run: LoadRun): Promise<TargetResult> {
  const out: TargetResult = {
    ok: 0,
    errors: 0,
    seconds: 0,
    latencies: [],
    samples: [],
    ranOut: false,
    cpuMs: null,
  };
  const cpuBefore = cpuMs(target.pid);
  const startedAt = Date.now();
  let lastAnswerAt = startedAt;
  let ranOutAt: number | null = null;
  let instance: autocannon.Instance | null = null;
  const { expect } = target;

  return new Promise((resolve, reject) => {
    instance = autocannon(
      {
        url: `http://127.0.0.1:${target.port}`,
        connections: run.connections,
        pipelining: 1,
        timeout: 30,
        ...(run.amount !== undefined ? { amount: run.amount } : { duration: run.durationS ?? 10 }),
        requests: [
          {
            method: target.method,
            path: target.path,
            setupRequest(request, context) {
              const state = context as { filler?: boolean };
              const prepared = target.next();
              state.filler = prepared === null;
              if (prepared) return { ...request, headers: { ...prepared.headers }, body: prepared.body };
              // Pool used up: stop, and until autocannon's next tick send harmless requests we ignore.
              if (ranOutAt === null) {
                ranOutAt = Date.now();
                out.ranOut = true;
                instance?.stop();
              }
              return { ...request, method: 'GET', path: '/healthz', headers: browserHeaders(null), body: '' };
            },
            onResponse(status, body, context, headers) {
              if ((context as { filler?: boolean }).filler) return;
              lastAnswerAt = Date.now();
              const location = headerOf(headers as Record<string, unknown>, 'location');
              if (
                status === expect.status &&
                (expect.location === undefined || location === expect.location)
              ) {
                out.ok++;
                return;
              }
              out.errors++;
              if (out.samples.length < MAX_SAMPLES)
                out.samples.push(`${status}${location ? ` -> ${location}` : ''} ${body.slice(0, 160)}`);
            },
          },
        ],
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        out.errors += result.errors + result.timeouts;
        const cpuAfter = cpuMs(target.pid);
        out.cpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
        // autocannon's own duration is rounded to its 1 s tick: fine for 5 s windows, too coarse for a
        // fixed amount (warm-ups), which is timed from the start to the last answer instead.
        if (ranOutAt !== null) out.seconds = Math.max(0.001, (ranOutAt - startedAt) / 1000);
        else if (run.amount !== undefined) out.seconds = Math.max(0.001, (lastAnswerAt - startedAt) / 1000);
        else out.seconds = result.duration;
        resolve(out);
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      if (ranOutAt === null) out.latencies.push(responseTime);
    });
  });
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** One measured window: every target at once (throughput summed over them, latencies pooled). */
export interface LoadWindow {
  targets: TargetResult[];
}

export async function runLoad(targets: LoadTarget[], run: LoadRun): Promise<LoadWindow> {
  return { targets: await Promise.all(targets.map((target) => runTarget(target, run))) };
}

/**
 * Merges the windows of one variant (run at different moments, interleaved with the other variants):
 * the rate is time-weighted over the windows, percentiles are over every latency of every window.
 */
export function summarize(windows: LoadWindow[]): LoadResult {
  const all = windows.flatMap((w) => w.targets);
  const seconds = windows.map((w) => Math.max(...w.targets.map((t) => t.seconds)));
  const rates = windows.map((w) => w.targets.reduce((sum, t) => sum + t.ok / t.seconds, 0));
  const totalSeconds = seconds.reduce((a, b) => a + b, 0);
  const latencies = all.flatMap((t) => t.latencies).sort((a, b) => a - b);
  return {
    ok: all.reduce((sum, t) => sum + t.ok, 0),
    errors: all.reduce((sum, t) => sum + t.errors, 0),
    rate: rates.reduce((sum, rate, i) => sum + rate * seconds[i]!, 0) / totalSeconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    seconds: totalSeconds,
    errorSamples: all.flatMap((t) => t.samples).slice(0, MAX_SAMPLES),
    ranOut: all.some((t) => t.ranOut),
    cpuPerOk: all.some((t) => t.cpuMs === null)
      ? null
      : all.reduce((sum, t) => sum + t.cpuMs!, 0) /
        Math.max(
          1,
          all.reduce((sum, t) => sum + t.ok, 0),
        ),
  };
}
