/**
 * Runs offline jobs on a schedule inside every server instance. Each run first takes the job's lease
 * for one period in the shared store, so however many instances run, each job runs once per period.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { JobStore } from '../storage/types.js';

export interface Job {
  name: string;
  intervalMs: number;
  /** Does the work; returns a one-line summary for the run log. */
  run(now: number): Promise<string>;
}

export interface JobResult {
  job: string;
  ran: boolean;
  summary?: string;
}

export class JobScheduler {
  readonly holder = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<JobResult[]> | null = null;

  constructor(
    private readonly jobs: JobStore,
    private readonly schedule: Job[],
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  /** Runs every job whose lease is free; safe to call from any number of instances at once. */
  async runDue(): Promise<JobResult[]> {
    const results: JobResult[] = [];
    for (const job of this.schedule) {
      const now = this.now();
      if (!(await this.jobs.tryAcquireLease(`job:${job.name}`, this.holder, job.intervalMs, now))) {
        results.push({ job: job.name, ran: false });
        continue;
      }
      const summary = await job.run(now);
      await this.jobs.recordJobRun({ job: job.name, holder: this.holder, at: now, summary });
      this.logger.info({ event: 'job', job: job.name, summary }, 'offline job ran');
      results.push({ job: job.name, ran: true, summary });
    }
    return results;
  }

  /** Checks at start and then every `checkEveryMs`; the timer never keeps the process alive. */
  start(checkEveryMs: number): void {
    const tick = () => {
      // One check at a time; a failing store is logged and retried at the next tick, never fatal.
      this.running ??= this.runDue()
        .catch((error: unknown) => {
          this.logger.warn({ err: error }, 'offline jobs could not run');
          return [];
        })
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, checkEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
