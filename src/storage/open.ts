/**
 * Settings pick the backends: a postgres:// URL selects PostgreSQL for all state (several instances
 * can share it), otherwise SQLite in the data folder, the embedded default with nothing to install.
 * A redis:// URL additionally moves sessions, counters and limits to Redis.
 */
import path from 'node:path';
import type { Store } from './types.js';
import { openSqliteStore } from './sqlite/index.js';

export interface StoreSettings {
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
  redisUrl?: string;
  redisPrefix?: string;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

async function openDatabase(settings: StoreSettings): Promise<Store> {
  if (isPostgresUrl(settings.databaseUrl)) {
    // Loaded only when asked for, so SQLite users never load the PostgreSQL driver.
    const { openPostgresStore } = await import('./postgres/index.js');
    return openPostgresStore({ connectionString: settings.databaseUrl, schema: settings.databaseSchema });
  }
  return openSqliteStore({ file: path.join(settings.dataDir, 'riskgate.sqlite') });
}

export async function openStore(settings: StoreSettings): Promise<Store> {
  return openDatabase(settings);
}
