/**
 * A real SMTP server on 127.0.0.1 (random port) that keeps every mail it receives, parsed. A mail is
 * stored before the server answers "250", so once Riskgate's sends have settled, `mails` holds them.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
  raw: string;
}

export class TestSmtp {
  readonly mails: ReceivedMail[] = [];
  /** Answer this many DATA commands with a temporary failure before accepting (retry tests). */
  failNext = 0;
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(options: { user?: string; password?: string } = {}): Promise<TestSmtp> {
    let self: TestSmtp | null = null;
    const config: SMTPServerOptions = {
      logger: false,
      disabledCommands: options.user ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !options.user,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === options.user && auth.password === options.password)
          return callback(null, { user: auth.username });
        callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          if (self!.failNext > 0) {
            self!.failNext--;
            const error = new Error('Try again later') as Error & { responseCode: number };
            error.responseCode = 451;
            return callback(error);
          }
          simpleParser(raw)
            .then((parsed) => {
              self!.mails.push({
                to: session.envelope.rcptTo.map((r) => r.address),
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                headers: parsed.headers,
                raw: raw.toString('utf8'),
              });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    };
    const server = new SMTPServer(config);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    self = new TestSmtp(server, port);
    return self;
  }

  /** Riskgate mail options pointing at this server (plain SMTP on loopback, quick retries). */
  options(extra: Record<string, unknown> = {}) {
    return {
      smtp: { host: '127.0.0.1', port: this.port, requireTls: false },
      from: 'Example Security <security@example.com>',
      retryDelayMs: 1,
      ...extra,
    };
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
