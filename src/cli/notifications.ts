/**
 * Mails from command-line actions: the owner hears of an operator's change exactly as of an admin's
 * in the console (password set or reset, authenticator removed, temporary password). The mailer runs
 * for the one command and is closed, every mail sent or given up, before the command returns.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { UserDirectory } from '../domain/identity.js';
import type { RiskService } from '../remediation/riskService.js';
import { Keys } from '../crypto/keys.js';
import { resolveSecrets } from '../config/secrets.js';
import { createNotifications, type Notifications } from '../notify/index.js';
import { VIEWS_DIR } from '../paths.js';
import type { CommandContext } from './commands.js';

export interface CliNotifyDeps {
  directory: UserDirectory;
  risk: RiskService;
  revokeSessions: (userId: string) => Promise<unknown>;
}

export async function withCliNotifications<T>(
  context: CommandContext,
  deps: CliNotifyDeps,
  run: (notifications: Notifications) => Promise<T>,
): Promise<T> {
  const notifications = createNotifications({
    config: context.config,
    store: context.store,
    directory: deps.directory,
    risk: deps.risk,
    keys: new Keys(resolveSecrets(context.config).masterKey),
    viewsDir: VIEWS_DIR,
    register: new Registry(),
    // Warnings (a mail given up) go to stderr; stdout stays the command's output.
    logger: pino({ level: 'warn' }, pino.destination(2)),
    holder: randomUUID(),
    revokeSessions: deps.revokeSessions,
    now: Date.now,
  });
  try {
    return await run(notifications);
  } finally {
    await notifications.close();
  }
}
