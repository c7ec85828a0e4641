#!/usr/bin/env node
/** `npx riskgate <command>` / `npm run cli -- <command>`: manage users and demo data from scripts. */
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { configFromEnv } from '../config/env.js';
import { ConfigError, parseConfig } from '../config/options.js';
import { openStore } from '../storage/open.js';
import { UserInputError } from '../auth/users.js';
import { DuplicateUsernameError } from '../storage/types.js';
import { RemediationRefused } from '../remediation/passwordActions.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { ActionRefused } from '../admin/actions.js';

dotenv.config({ quiet: true });

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(28)} ${command.summary}`);
  return `Usage: riskgate <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nSettings come from the environment (see .env.example), e.g. RISKGATE_DATA_DIR.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(
      name && name !== 'help' && name !== '--help' ? `Unknown command "${name}".\n\n${usage()}` : usage(),
    );
    return name && name !== 'help' && name !== '--help' ? 64 : 0;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: command.options ?? {},
    allowPositionals: true,
    strict: true,
  });
  if (command.standalone) {
    command.standalone((line) => console.log(line));
    return 0;
  }
  const config = parseConfig(configFromEnv().options);
  const store = await openStore(config);
  const context: CommandContext = {
    store,
    config,
    values: values as Record<string, string | boolean | undefined>,
    positionals,
    out: (line) => console.log(line),
  };
  try {
    await command.run!(context);
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected =
      error instanceof UserInputError ||
      error instanceof RemediationRefused ||
      error instanceof ActionRefused ||
      error instanceof ConfigError ||
      error instanceof DuplicateUsernameError;
    const isArgs =
      error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(expected || isArgs ? (error as Error).message : error);
    process.exit(expected || isArgs ? 64 : 1);
  },
);
