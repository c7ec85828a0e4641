/**
 * The mails a live server wrote to its outbox folder (no SMTP host: one .eml file per mail in
 * <dataDir>/mail), parsed by a real MIME parser, so journeys can follow a link or read a code the way
 * the mailbox's owner would.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { LiveServer } from './harness.js';

export interface OutboxMail {
  to: string;
  subject: string;
  text: string;
}

export async function outbox(s: Pick<LiveServer, 'riskgate' | 'dataDir'>): Promise<OutboxMail[]> {
  await s.riskgate.notifications.settled();
  const dir = path.join(s.dataDir, 'mail');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort();
  const mails: OutboxMail[] = [];
  for (const name of names) {
    const parsed = await simpleParser(await readFile(path.join(dir, name)));
    const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
    mails.push({ to: to?.text ?? '', subject: parsed.subject ?? '', text: parsed.text ?? '' });
  }
  return mails;
}

/** The newest mail to `address` whose text matches `pattern`, and the pattern's first group. */
export async function latestMatch(
  s: Pick<LiveServer, 'riskgate' | 'dataDir'>,
  address: string,
  pattern: RegExp,
): Promise<string> {
  const found = (await outbox(s)).filter((m) => m.to.includes(address) && pattern.test(m.text));
  const mail = found[found.length - 1];
  if (!mail) throw new Error(`no mail to ${address} matching ${pattern}`);
  return pattern.exec(mail.text)![1]!;
}
