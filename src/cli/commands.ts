/** The CLI's commands. Each is small: parse its arguments, call a service, print the result. */
import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import type { RiskgateConfig } from '../config/options.js';
import type { Store } from '../storage/types.js';
import { createUser, setUserPassword, UserInputError } from '../auth/users.js';
import { ENV_VARIABLES } from '../config/env.js';
import path from 'node:path';
import { seedDemo } from './demo.js';
import { withCliNotifications } from './notifications.js';
import { ADMIN_COMMANDS } from './adminCommands.js';
import { queueLeakedPairs } from '../jobs/leakedPairs.js';
import { parseLeakFile } from './leakFile.js';
import { FEED_NAMES, type FeedName } from '../signals/feeds/feeds.js';
import { refreshFeed } from '../signals/feeds/refresh.js';
import pino from 'pino';
import { JobScheduler } from '../jobs/scheduler.js';
import { defaultJobs } from '../jobs/index.js';
import { PasswordSprayWatch } from '../jobs/passwordSpray.js';
import { Keys } from '../crypto/keys.js';
import { resolveSecrets } from '../config/secrets.js';
import { normalizeUsername } from '../auth/username.js';
import { BuiltinDirectory } from '../auth/builtinDirectory.js';
import { RiskService } from '../remediation/riskService.js';
import {
  issueTemporaryPassword,
  requirePasswordReset,
  type PasswordActionDeps,
} from '../remediation/passwordActions.js';

export interface CommandContext {
  store: Store;
  config: RiskgateConfig;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  out: (line: string) => void;
}

export interface Command {
  summary: string;
  options?: ParseArgsConfig['options'];
  run?(context: CommandContext): Promise<void>;
  /** Commands that never touch users run without opening (or creating) the database. */
  standalone?(out: (line: string) => void): void;
}

const passwordOptions = {
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
} as const;

/** A password from --password-stdin (preferred: not in shell history), --password or RISKGATE_PASSWORD. */
function passwordFrom(values: CommandContext['values']): string {
  if (values['password-stdin']) return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  const password = (values.password as string | undefined) ?? process.env.RISKGATE_PASSWORD;
  if (!password)
    throw new UserInputError('Give a password with --password-stdin, --password or RISKGATE_PASSWORD.');
  return password;
}

function username(context: CommandContext): string {
  const name = context.positionals[0];
  if (!name) throw new UserInputError('Give a username.');
  return name;
}

async function passwordActionTarget(
  context: CommandContext,
): Promise<{ deps: PasswordActionDeps; userId: string }> {
  const user = await context.store.users.findUserByUsername(normalizeUsername(username(context)));
  if (!user) throw new UserInputError(`No user named "${username(context)}".`);
  const deps: PasswordActionDeps = {
    store: context.store,
    directory: new BuiltinDirectory(context.store.users),
    risk: new RiskService(context.store),
    revokeSessions: (userId) => context.store.sessions.destroyUserSessions(userId),
  };
  return { deps, userId: user.id };
}

const list = (value: unknown) =>
  typeof value === 'string' && value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

const CORE_COMMANDS: Record<string, Command> = {
  'user:create': {
    summary: 'user:create <username> [--email E] [--groups a,b] --password-stdin',
    options: { ...passwordOptions, email: { type: 'string' }, groups: { type: 'string' } },
    async run(context) {
      const user = await createUser(
        context.store,
        {
          username: username(context),
          password: passwordFrom(context.values),
          email: (context.values.email as string | undefined) ?? null,
          groups: list(context.values.groups),
        },
        { minLength: context.config.password.minLength },
      );
      context.out(`Created user ${user.username} (${user.id}).`);
    },
  },
  'user:set-password': {
    summary: 'user:set-password <username> --password-stdin',
    options: passwordOptions,
    async run(context) {
      const { deps, userId } = await passwordActionTarget(context);
      // The owner is told, as when an admin resets it in the console; sent before exiting.
      await withCliNotifications(context, deps, async (notifications) => {
        await setUserPassword(
          context.store,
          username(context),
          passwordFrom(context.values),
          context.config.password.minLength,
        );
        notifications.users.passwordChanged(userId, 'adminReset');
      });
      context.out(`Password changed for ${username(context)}.`);
    },
  },
  'user:list': {
    summary: 'user:list [--limit N] [--offset N]',
    options: { limit: { type: 'string' }, offset: { type: 'string' } },
    async run(context) {
      const limit = Number(context.values.limit ?? 100);
      const offset = Number(context.values.offset ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) {
        throw new UserInputError('--limit and --offset take whole numbers.');
      }
      const users = await context.store.users.listUsers({ offset, limit });
      context.out(['username', 'risk', 'state', 'mfa', 'groups'].join('\t'));
      for (const user of users) {
        const identity = await context.store.identities.getIdentity(user.id);
        context.out(
          [
            user.username,
            identity.riskLevel,
            identity.riskState,
            identity.totpSecret ? 'yes' : 'no',
            user.groups.join(','),
          ].join('\t'),
        );
      }
      context.out(`${users.length} of ${await context.store.users.countUsers()} users`);
    },
  },
  'user:temp-password': {
    summary: 'user:temp-password <username>  (prints a temporary password; next sign-in must change it)',
    async run(context) {
      const { deps, userId } = await passwordActionTarget(context);
      // The owner is told by mail, as when an admin does it in the console; sent before exiting.
      await withCliNotifications(context, deps, async (notifications) => {
        const password = await issueTemporaryPassword(
          { ...deps, notify: notifications.users },
          userId,
          Date.now(),
        );
        context.out(`Temporary password for ${username(context)} (shown once): ${password}`);
      });
    },
  },
  'user:require-reset': {
    summary: 'user:require-reset <username>  (next sign-in: MFA, then a new password)',
    async run(context) {
      const { deps, userId } = await passwordActionTarget(context);
      await requirePasswordReset(deps, userId, Date.now());
      context.out(`${username(context)} must reset their password at the next sign-in.`);
    },
  },
  'feeds:refresh': {
    summary: 'feeds:refresh <tor|vpn|hosting|malicious> <url>  (downloads an IP list into the feeds folder)',
    async run(context) {
      const [name, url] = context.positionals;
      if (!name || !url || !(FEED_NAMES as readonly string[]).includes(name)) {
        throw new UserInputError(`Give a feed name (${FEED_NAMES.join(', ')}) and a URL.`);
      }
      const dir = context.config.feedsDir ?? path.join(context.config.dataDir, 'feeds');
      try {
        const result = await refreshFeed(dir, name as FeedName, url);
        context.out(
          `${name}: ${result.ranges} ranges saved to ${dir} (${result.invalid} unreadable lines skipped). Restart or reload to use it.`,
        );
      } catch (error) {
        throw new UserInputError((error as Error).message);
      }
    },
  },
  'leaks:import': {
    summary:
      'leaks:import <file>  (username:password or username,password per line; checked by the leakedPairs job)',
    async run(context) {
      const file = context.positionals[0];
      if (!file) throw new UserInputError('Give the file of leaked pairs.');
      const pairs = parseLeakFile(readFileSync(file, 'utf8'));
      const keys = new Keys(resolveSecrets(context.config).masterKey);
      const queued = await queueLeakedPairs(context.store, keys, pairs.valid);
      context.out(
        `${queued} pair(s) queued (passwords sealed); ${pairs.skipped} unreadable line(s) skipped. They are checked by the leakedPairs job (riskgate jobs:run).`,
      );
    },
  },
  'jobs:run': {
    summary: 'jobs:run  (runs offline jobs that are due now; skips any another instance is running)',
    async run(context) {
      const risk = new RiskService(context.store);
      const keys = new Keys(resolveSecrets(context.config).masterKey);
      const spray = PasswordSprayWatch.fromConfig(context.store, keys, context.config);
      const directory = new BuiltinDirectory(context.store.users);
      const jobs = defaultJobs({
        store: context.store,
        risk,
        config: context.config,
        spray,
        keys,
        directory,
      });
      const scheduler = new JobScheduler(context.store.jobs, jobs, Date.now, pino({ level: 'silent' }));
      for (const result of await scheduler.runDue()) {
        context.out(
          result.ran
            ? `${result.job}: ${result.summary}`
            : `${result.job}: not due (ran recently or running elsewhere)`,
        );
      }
    },
  },
  migrate: {
    summary: 'migrate  (applies pending schema migrations; the server also does this at start)',
    async run(context) {
      // Opening the store applies migrations (idempotently, under a lock in PostgreSQL).
      context.out(`Schema is up to date (${context.config.databaseUrl ? 'PostgreSQL' : 'SQLite'}).`);
    },
  },
  demo: {
    summary: 'demo  (creates demo users and prints how to try each flow)',
    async run(context) {
      await seedDemo(context);
    },
  },
  'env:example': {
    summary: 'env:example  (prints .env.example: every variable, its default and meaning)',
    standalone(out) {
      out('# Riskgate settings. Every variable is optional outside production; defaults shown.');
      for (const variable of ENV_VARIABLES) {
        out(`\n# ${variable.meaning}. Default: ${variable.default}`);
        out(`# ${variable.name}=${variable.default.startsWith('(') ? '' : variable.default}`);
      }
    },
  },
};

export const COMMANDS: Record<string, Command> = { ...CORE_COMMANDS, ...ADMIN_COMMANDS };
