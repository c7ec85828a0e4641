/** `npm start`: the runnable reference server on the embedded default (SQLite in RISKGATE_DATA_DIR). */
import path from 'node:path';
import dotenv from 'dotenv';
import { configFromEnv } from './config/env.js';
import { ConfigError } from './config/options.js';
import { createRiskgate } from './riskgate.js';
import { createDemoApp } from './demo/app.js';
import { describeCredentials } from './admin/bootstrap.js';

dotenv.config({ quiet: true });

async function main(): Promise<void> {
  const { options, server } = configFromEnv();
  const riskgate = await createRiskgate(options);
  const app = createDemoApp(riskgate);
  const hasUsers = (await riskgate.store.users.countUsers()) > 0;
  // Shown once on this console, never logged: the first admin's password and authenticator key.
  const firstAdmin = await riskgate.adminServices.firstAdmin();
  if (firstAdmin) for (const line of describeCredentials(firstAdmin)) console.log(line);
  const listener = app.listen(server.port, server.host, () => {
    const address = listener.address();
    const port = typeof address === 'object' && address ? address.port : server.port;
    console.log(
      `Riskgate reference server on http://${server.host}:${port}/ (data in ${path.resolve(riskgate.config.dataDir)})`,
    );
    if (!hasUsers) console.log('No users yet. Create demo users with: npm run cli -- demo');
  });
  const stop = () => {
    listener.close(() => void riskgate.close().then(() => process.exit(0)));
    listener.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  console.error(error);
  process.exit(1);
});
