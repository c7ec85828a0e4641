/** Admin commands for scripts: the first admin, API tokens, risky users and the remediation actions. */
import os from 'node:os';
import { z } from 'zod';
import type { ActorRef } from '../storage/adminTypes.js';
import { Keys } from '../crypto/keys.js';
import { resolveSecrets } from '../config/secrets.js';
import { BuiltinDirectory } from '../auth/builtinDirectory.js';
import { normalizeUsername } from '../auth/username.js';
import { UserInputError } from '../auth/users.js';
import { RiskService } from '../remediation/riskService.js';
import { AuditLog } from '../admin/audit.js';
import { ApiTokens, publicToken } from '../admin/tokens.js';
import { AdminActions } from '../admin/actions.js';
import { Reports } from '../admin/reports.js';
import { PolicyService } from '../policy/service/service.js';
import { createAdminAccount, describeCredentials, enrolAuthenticator } from '../admin/bootstrap.js';
import { reasonField, riskyUsersQuery, tokenCreateInput } from '../admin/schemas.js';
import type { Command, CommandContext } from './commands.js';
import { withCliNotifications } from './notifications.js';
import type { Notifications } from '../notify/index.js';

/** The operator at this terminal, as the audit log names them. */
function cliActor(): ActorRef {
  const user = os.userInfo().username;
  return { kind: 'cli', id: `cli:${user}`, name: `${user} (command line)` };
}

function services(context: CommandContext, notify?: Notifications) {
  const keys = new Keys(resolveSecrets(context.config).masterKey);
  const audit = new AuditLog(context.store, Date.now);
  const directory = new BuiltinDirectory(context.store.users);
  const actions = new AdminActions({
    store: context.store,
    directory,
    risk: new RiskService(context.store),
    audit,
    revokeSessions: (userId) => context.store.sessions.destroyUserSessions(userId),
    now: Date.now,
    ...(notify ? { notify: notify.users } : {}),
  });
  // The stored policies (the configured ones only seed an empty store), as the server uses them.
  const policies = new PolicyService({
    store: context.store,
    directory,
    defaults: context.config.policies,
    cacheTtlMs: 0,
    now: Date.now,
  });
  const reports = new Reports({
    store: context.store,
    directory,
    policies: () => policies.effective(),
    now: Date.now,
  });
  return { keys, audit, actions, reports, tokens: new ApiTokens(context.store, directory, keys, Date.now) };
}

function parse<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UserInputError(`${flag}: ${result.error.issues[0]!.message}`);
  return result.data;
}

const reasonOption = { reason: { type: 'string' } } as const;
const reasonOf = (context: CommandContext) => parse(reasonField, context.values.reason, '--reason');

async function userIdOf(context: CommandContext, name = context.positionals[0]): Promise<string> {
  if (!name) throw new UserInputError('Give a username.');
  const user = await context.store.users.findUserByUsername(normalizeUsername(name));
  if (!user) throw new UserInputError(`No user named "${name}".`);
  return user.id;
}

/** One user action with a required --reason. */
function userAction(
  summary: string,
  run: (s: ReturnType<typeof services>, userId: string, reason: string) => Promise<string>,
): Command {
  return {
    summary,
    options: reasonOption,
    async run(context) {
      const reason = reasonOf(context);
      const userId = await userIdOf(context);
      const directory = new BuiltinDirectory(context.store.users);
      const deps = {
        directory,
        risk: new RiskService(context.store),
        revokeSessions: (id: string) => context.store.sessions.destroyUserSessions(id),
      };
      // The owner hears of the action (MFA reset, ...) by mail, as from the console; sent before exiting.
      const done = await withCliNotifications(context, deps, (notify) =>
        run(services(context, notify), userId, reason),
      );
      context.out(done);
    },
  };
}

export const ADMIN_COMMANDS: Record<string, Command> = {
  'admin:create': {
    summary:
      'admin:create <username> [--email e]  (an admin with a new password and authenticator key, shown once)',
    options: { email: { type: 'string' } },
    async run(context) {
      const username = context.positionals[0];
      if (!username) throw new UserInputError('Give a username.');
      const issuer = context.config.mfa.issuer ?? context.config.appName;
      const { keys } = services(context);
      const email = typeof context.values.email === 'string' ? context.values.email : null;
      const credentials = await createAdminAccount(
        context.store,
        keys,
        { username, email, issuer },
        Date.now(),
      );
      for (const line of describeCredentials(credentials)) context.out(line);
    },
  },
  'admin:mfa': {
    summary: 'admin:mfa <username>  (replaces an admin’s authenticator; the new key is shown once)',
    async run(context) {
      const username = context.positionals[0];
      if (!username) throw new UserInputError('Give a username.');
      const issuer = context.config.mfa.issuer ?? context.config.appName;
      const result = await enrolAuthenticator(
        context.store,
        services(context).keys,
        username,
        issuer,
        Date.now(),
      );
      await services(context).audit.record(cliActor(), {
        action: 'user.enrolAuthenticator',
        target: { type: 'user', id: await userIdOf(context), label: username },
      });
      context.out(`New authenticator key for ${username} (shown once): ${result.totpSecret}`);
      context.out(`otpauth URI: ${result.otpauthUri}`);
    },
  },
  'token:create': {
    summary: 'token:create <name>  (an admin API token, shown once)',
    options: reasonOption,
    async run(context) {
      const input = parse(
        tokenCreateInput,
        { name: context.positionals[0] ?? '', reason: context.values.reason },
        'name',
      );
      const { tokens, audit } = services(context);
      const actor = cliActor();
      const { token, record } = await tokens.create(input.name, actor);
      await audit.record(actor, {
        action: 'token.create',
        target: { type: 'apiToken', id: record.id, label: record.name },
        reason: input.reason,
      });
      context.out(`Token "${record.name}" (id ${record.id}), shown once:`);
      context.out(token);
    },
  },
  'token:revoke': {
    summary: 'token:revoke <id>',
    options: reasonOption,
    async run(context) {
      const id = context.positionals[0];
      if (!id) throw new UserInputError('Give the token id (see token:list).');
      const { tokens, audit } = services(context);
      const record = await context.store.apiTokens.getApiToken(id);
      if (!record) throw new UserInputError(`No token with id ${id}.`);
      const revoked = await tokens.revoke(id);
      await audit.record(cliActor(), {
        action: 'token.revoke',
        target: { type: 'apiToken', id, label: record.name },
        reason: typeof context.values.reason === 'string' ? context.values.reason : null,
        result: revoked ? 'ok' : 'refused',
      });
      if (!revoked) throw new UserInputError(`Token "${record.name}" was already revoked.`);
      context.out(`Token "${record.name}" revoked.`);
    },
  },
  'token:list': {
    summary: 'token:list  (name, id, creator, created, last used, revoked)',
    async run(context) {
      const list = (await services(context).tokens.list()).map(publicToken);
      for (const t of list) {
        const when = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
        context.out(
          `${t.id}  ${t.name}  by ${t.createdBy.name}  created ${when(t.createdAt)}  last used ${when(t.lastUsedAt)}${t.revokedAt ? `  REVOKED ${when(t.revokedAt)}` : ''}`,
        );
      }
      context.out(`${list.length} token(s)`);
    },
  },
  'users:risky': {
    summary: 'users:risky [--level high,medium] [--state atRisk] [--limit 100]  (risky users, highest first)',
    options: { level: { type: 'string' }, state: { type: 'string' }, limit: { type: 'string' } },
    async run(context) {
      const query = parse(
        riskyUsersQuery,
        {
          level: context.values.level,
          state: context.values.state,
          sort: 'level',
          perPage: context.values.limit ?? '100',
        },
        'options',
      );
      const result = await services(context).reports.riskyUsers(query);
      for (const u of result.users)
        context.out(
          `${u.username ?? u.userId}\t${u.riskLevel}\t${u.riskState}\t${new Date(u.updatedAt).toISOString()}`,
        );
      context.out(`${result.users.length} of ${result.total} risky user(s)`);
    },
  },
  'user:dismiss-risk': userAction('user:dismiss-risk <username> --reason r', async (s, id, reason) => {
    return `Dismissed: ${await s.actions.dismissUserRisk(cliActor(), id, reason)} detection(s) closed.`;
  }),
  'user:block': userAction(
    'user:block <username> --reason r  (also ends their sessions)',
    async (s, id, reason) => {
      return `Blocked; ${await s.actions.block(cliActor(), id, reason)} session(s) ended.`;
    },
  ),
  'user:unblock': userAction('user:unblock <username> --reason r', async (s, id, reason) => {
    await s.actions.unblock(cliActor(), id, reason);
    return 'Unblocked.';
  }),
  'user:reset-mfa': userAction(
    'user:reset-mfa <username> --reason r  (removes the authenticator)',
    async (s, id, reason) => {
      await s.actions.resetMfa(cliActor(), id, reason);
      return 'MFA reset: the user must register a new authenticator.';
    },
  ),
  'sessions:revoke': userAction(
    'sessions:revoke <username> --reason r  (signs the user out everywhere)',
    async (s, id, reason) => {
      return `${await s.actions.revokeSessions(cliActor(), id, reason)} session(s) ended.`;
    },
  ),
  'risk:bulk-dismiss': {
    summary:
      'risk:bulk-dismiss (--level low | <username>...) --reason r  (dismisses user risk, each audited)',
    options: { ...reasonOption, level: { type: 'string' } },
    async run(context) {
      const reason = reasonOf(context);
      const s = services(context);
      let userIds: string[];
      if (context.values.level !== undefined) {
        if (context.positionals.length)
          throw new UserInputError('Give either --level or usernames, not both.');
        const levels = parse(riskyUsersQuery.shape.level, context.values.level, '--level');
        // Every matching user, page by page (the list shrinks as they are dismissed, so always page 1).
        userIds = [];
        for (let page = 1; ; page++) {
          const result = await s.reports.riskyUsers(
            parse(
              riskyUsersQuery,
              { level: levels, state: 'atRisk,confirmedCompromised', perPage: '100', page: String(page) },
              'options',
            ),
          );
          userIds.push(...result.users.map((u) => u.userId));
          if (page >= result.pages) break;
        }
      } else {
        if (!context.positionals.length) throw new UserInputError('Give --level or at least one username.');
        userIds = await Promise.all(context.positionals.map((name) => userIdOf(context, name)));
      }
      const result = await s.actions.bulkDismiss(cliActor(), userIds, reason);
      for (const r of result.refused) context.out(`not dismissed ${r.userId}: ${r.message}`);
      context.out(`Dismissed the risk of ${result.dismissed.length} user(s).`);
    },
  },
};
