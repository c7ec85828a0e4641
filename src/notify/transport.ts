/**
 * Where mails go: the configured SMTP server, or (no SMTP host) one .eml file per mail in a folder, so
 * a development install shows every mail it would have sent without any server to set up.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { RiskgateConfig } from '../config/options.js';

export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface MailTransport {
  /** Where mails go, for the start-up log line (never credentials). */
  readonly description: string;
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

const SMTP_TIMEOUT_MS = 15_000;

function smtpTransport(smtp: NonNullable<RiskgateConfig['mail']['smtp']>): MailTransport {
  const transporter = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    // Without implicit TLS, insist on STARTTLS: the password and the "This wasn't me" links must not
    // cross the network in clear text.
    requireTLS: !smtp.secure && smtp.requireTls,
    auth: smtp.user && smtp.password ? { user: smtp.user, pass: smtp.password } : undefined,
    // A slow or dead server must not hold a mail (or a process shutdown) for minutes.
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
    pool: true,
    maxConnections: 2,
  });
  return {
    description: `SMTP ${smtp.host}:${smtp.port}${smtp.secure ? ' (TLS)' : smtp.requireTls ? ' (STARTTLS)' : ''}`,
    async send(mail) {
      await transporter.sendMail(mail);
    },
    close: () => transporter.close(),
  };
}

function folderTransport(dir: string): MailTransport {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `.eml files in ${dir}`,
    async send(mail) {
      const info = await builder.sendMail(mail);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const name = `${stamp}-${randomBytes(4).toString('hex')}.eml`;
      // 0600: the files hold single-use links meant for one person.
      await writeFile(path.join(dir, name), info.message as Buffer, { mode: 0o600 });
    },
    close: () => builder.close(),
  };
}

export function createMailTransport(config: Pick<RiskgateConfig, 'mail' | 'dataDir'>): MailTransport {
  if (config.mail.smtp) return smtpTransport(config.mail.smtp);
  return folderTransport(config.mail.outboxDir ?? path.join(config.dataDir, 'mail'));
}
