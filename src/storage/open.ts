/**
 * One setting picks the backend: a postgres:// URL selects PostgreSQL (for several instances sharing
 * state); otherwise SQLite in the data folder, the embedded default with nothing to install.
 */
import path from 'node:path';
import type { Store } from './types.js';
import { openSqliteStore } from './sqlite/index.js';

export interface StoreSettings {
  dataDir: string;
  databaseUrl?: string;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

export async function openStore(settings: StoreSettings): Promise<Store> {
  if (isPostgresUrl(settings.databaseUrl)) {
    // Loaded only when asked for, so SQLite users never load the PostgreSQL driver.
    const { openPostgresStore } = await import('./postgres/index.js');
    return openPostgresStore({ connectionString: settings.databaseUrl });
  }
  return openSqliteStore({ file: path.join(settings.dataDir, 'riskgate.sqlite') });
}
