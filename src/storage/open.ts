/**
 * Settings pick the backends: a postgres:// URL selects PostgreSQL for all state (several instances
 * can share it), otherwise SQLite in the data folder, the embedded default with nothing to install.
 * A redis:// URL additionally moves sessions, counters and limits to Redis.
 */
import path from 'node:path';
import type { Store } from './types.js';
import { checkCounterBatch } from './counterBatch.js';
import { openSqliteStore } from './sqlite/index.js';
import type { RedisParts } from './redis/index.js';

export interface StoreSettings {
  dataDir: string;
  /** SQLite only: memory-mapped MiB of the file and page-cache MiB (SqliteStoreOptions). */
  sqliteMmapMb?: number;
  sqliteCacheMb?: number;
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
  return openSqliteStore({
    file: path.join(settings.dataDir, 'riskgate.sqlite'),
    ...(settings.sqliteMmapMb === undefined ? {} : { mmapBytes: settings.sqliteMmapMb * 1024 * 1024 }),
    ...(settings.sqliteCacheMb === undefined ? {} : { cacheBytes: settings.sqliteCacheMb * 1024 * 1024 }),
  });
}

/** The SQL store with counters, limits and sessions moved to Redis; ping and close cover both. */
export function withRedis(sql: Store, redis: RedisParts): Store {
  return {
    ...sql,
    counters: redis.counters,
    sessions: redis.sessions,
    evaluation: {
      ...sql.evaluation,
      // The counters live in Redis: their writes go there, beside the database's write.
      async recordEvaluated(write) {
        checkCounterBatch(write.counters); // refused before anything is written
        await Promise.all([
          sql.evaluation.recordEvaluated({ ...write, counters: [] }),
          write.counters.length > 0 ? redis.counters.apply([...write.counters], write.at) : null,
        ]);
      },
    },
    async ping() {
      await Promise.all([sql.ping(), redis.ping()]);
    },
    async close() {
      await Promise.all([sql.close(), redis.close()]);
    },
  };
}

export async function openStore(settings: StoreSettings): Promise<Store> {
  const sql = await openDatabase(settings);
  if (!settings.redisUrl) return sql;
  try {
    const { openRedisParts } = await import('./redis/index.js');
    return withRedis(sql, await openRedisParts({ url: settings.redisUrl, prefix: settings.redisPrefix }));
  } catch (error) {
    await sql.close();
    throw error;
  }
}
