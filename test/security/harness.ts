/**
 * A real Riskgate listening on a real port (every request goes over HTTP), on SQLite or PostgreSQL,
 * with clients that browse it from chosen addresses, and a snapshot of everything its store holds.
 * Loopback is a trusted proxy here, so X-Forwarded-For picks a client's address, except in servers
 * started with `trustProxy: false`.
 */
import type { Server } from 'node:http';
import type { RiskgateOptions } from '../../src/riskgate.js';
import { openPostgresStore } from '../../src/storage/postgres/index.js';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { POSTGRES_URL, dropSchema, randomSchema, requirePostgres } from '../helpers/postgres.js';
import { listen } from '../browser/browser.js';
import { snapshotPostgres, snapshotSqlite, type Snapshot } from './snapshot.js';

export type SqlBackend = 'SQLite' | 'PostgreSQL';

export interface LiveServer extends TestRiskgate {
  url: string;
  server: Server;
  client(ip?: string, userAgent?: string): TestClient;
  snapshot(): Promise<Snapshot>;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function serve(
  rg: TestRiskgate,
  snapshot: () => Promise<Snapshot>,
  cleanup: () => Promise<void>,
): Promise<LiveServer> {
  const { server, url } = await listen(rg.app);
  return {
    ...rg,
    url,
    server,
    // Work an answer leaves in the background (mails, the reset link's look-up) belongs to that request.
    snapshot: async () => {
      await rg.riskgate.notifications.settled();
      return snapshot();
    },
    client: (ip = IP.london, userAgent?: string) => new TestClient(url, ip, userAgent),
    async close() {
      await closeServer(server);
      await rg.close();
      await cleanup();
    },
  };
}

export async function startLiveServer(options: RiskgateOptions = {}): Promise<LiveServer> {
  const rg = await startRiskgate({ jobs: { enabled: false }, ...options });
  return serve(
    rg,
    () => Promise.resolve(snapshotSqlite(rg.dataDir)),
    async () => undefined,
  );
}

/** The same server on a fresh PostgreSQL schema (skips loudly without PostgreSQL, fails in CI). */
export async function startPostgresLiveServer(
  context: Mocha.Context,
  options: RiskgateOptions = {},
): Promise<LiveServer | null> {
  const admin = await requirePostgres(context);
  if (!admin) return null;
  const schema = randomSchema();
  const store = await openPostgresStore({ connectionString: POSTGRES_URL, schema });
  const rg = await startRiskgate({ jobs: { enabled: false }, ...options, store });
  return serve(
    rg,
    () => snapshotPostgres(admin, schema),
    async () => {
      await dropSchema(admin, schema);
      await admin.end();
    },
  );
}

export async function startOn(
  backend: SqlBackend,
  context: Mocha.Context,
  options: RiskgateOptions = {},
): Promise<LiveServer | null> {
  return backend === 'SQLite' ? startLiveServer(options) : startPostgresLiveServer(context, options);
}
