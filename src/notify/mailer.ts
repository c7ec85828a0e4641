/**
 * Sends mails in the background. Callers (sign-in, flows, jobs) hand a mail over and go on: a slow or
 * dead SMTP server never delays or fails what the user is doing. Each mail is tried a bounded number
 * of times with growing pauses; one that still fails is logged (kind and error, never the addresses'
 * contents or a link) and counted in riskgate_mails_total{result="failed"}.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { MailTransport, OutgoingMail } from './transport.js';

export const MAIL_KINDS = [
  'riskAlert',
  'weeklyDigest',
  'passwordChanged',
  'mfaChanged',
  'unfamiliarSignIn',
  'emailCode',
  'codeReused',
  'passwordReset',
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface MailerSettings {
  from: string;
  appName: string;
  maxAttempts: number;
  /** First pause between attempts; doubles after each failure. */
  retryDelayMs: number;
}

export interface Mail {
  kind: MailKind;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export class Mailer {
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborted by close(): pending retries stop waiting, so shutdown is not held for minutes. */
  private readonly closing = new AbortController();
  private readonly counter: Counter<'kind' | 'result'>;

  constructor(
    private readonly transport: MailTransport,
    private readonly settings: MailerSettings,
    private readonly logger: Logger,
    register: Registry,
  ) {
    this.counter = new Counter({
      name: 'riskgate_mails_total',
      help: 'Notification mails by kind and result (sent, retried, failed).',
      labelNames: ['kind', 'result'] as const,
      registers: [register],
    });
    for (const kind of MAIL_KINDS)
      for (const result of ['sent', 'retried', 'failed']) this.counter.inc({ kind, result }, 0);
  }

  get description(): string {
    return this.transport.description;
  }

  /** Queues a mail and returns at once. */
  send(mail: Mail): void {
    if (mail.to.length === 0) return;
    this.track(this.deliver(mail));
  }

  /** Runs background work (look-ups before a send) so settled() and close() wait for it too. */
  track(work: Promise<void>): void {
    const guarded = work.catch((error: unknown) =>
      this.logger.warn({ event: 'mail', err: error }, 'notification could not be prepared'),
    );
    this.inFlight.add(guarded);
    void guarded.finally(() => this.inFlight.delete(guarded));
  }

  /** Resolves when every queued mail has been sent or given up (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.settled();
    this.transport.close();
  }

  private async deliver(mail: Mail): Promise<void> {
    const outgoing: OutgoingMail = {
      from: this.settings.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      // RFC 3834: out-of-office robots must not answer.
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
    };
    let delay = this.settings.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      let err: ReturnType<typeof describeError>;
      try {
        await this.transport.send(outgoing);
        this.counter.inc({ kind: mail.kind, result: 'sent' });
        this.logger.info(
          { event: 'mail', kind: mail.kind, recipients: mail.to.length, attempt },
          'mail sent',
        );
        return;
      } catch (error) {
        err = describeError(error);
      }
      if (attempt >= this.settings.maxAttempts) return this.giveUp(mail, attempt, err, 'mail given up');
      this.counter.inc({ kind: mail.kind, result: 'retried' });
      this.logger.warn({ event: 'mail', kind: mail.kind, attempt, err }, 'mail failed, will retry');
      await sleep(delay, undefined, { signal: this.closing.signal, ref: false }).catch(() => undefined);
      if (this.closing.signal.aborted) return this.giveUp(mail, attempt, err, 'mail given up: shutting down');
      delay *= 2;
    }
  }

  private giveUp(mail: Mail, attempts: number, err: ReturnType<typeof describeError>, msg: string): void {
    this.counter.inc({ kind: mail.kind, result: 'failed' });
    this.logger.error({ event: 'mail', kind: mail.kind, recipients: mail.to.length, attempts, err }, msg);
  }
}

/** Code and message only: nodemailer errors can carry the whole envelope (addresses) and command. */
function describeError(error: unknown): { code?: string; message: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : undefined, message: error.message };
}
