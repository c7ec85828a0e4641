/**
 * The storage backends the sign-in benchmark runs on. Each is described by the same settings an
 * install uses (data folder, database URL and schema, Redis URL and prefix) and opened the way
 * Riskgate opens them (openStore), so the baseline gets exactly the session store Riskgate uses.
 */
import type { Store } from '../../src/storage/types.js';
import { openStore, type StoreSettings } from '../../src/storage/open.js';

export type BackendName = 'SQLite' | 'PostgreSQL' | 'PostgreSQL+Redis';

/** Everything a server process needs to open the same store as the others (JSON: passed on argv). */
export interface BackendSpec {
  name: BackendName;
  /** SQLite: riskgate.sqlite in dataDir (a temp folder); PostgreSQL: a fresh schema; Redis: a fresh prefix. */
  settings: StoreSettings;
}

export function openBenchStore(spec: BackendSpec): Promise<Store> {
  return openStore(spec.settings);
}
