/**
 * The PostgreSQL backend: same tables and semantics as SQLite, for installs where several server
 * instances share one database. Every limit (single-use codes, counters, claims, flow versions) is
 * one conditional statement, so it holds across instances without application-side locks.
 */
import pg from 'pg';
import type { Store } from '../types.js';
import { migrate } from './migrations.js';
import { createUserStore } from './users.js';
import { createIdentityStore } from './identities.js';
import { createSignInStore } from './signIns.js';
import { createDetectionStore } from './detections.js';
import { createFamiliarityStore } from './familiarity.js';
import { createCounterStore } from './counters.js';
import { createFlowStore } from './flows.js';
import { createJobStore } from './jobs.js';
import { createEvaluationStore } from './evaluation.js';
import { createLearningStore } from './learning.js';
import { createPopulationStore } from './population.js';
import { createAttemptStore } from './attempts.js';
import { createLeakStore } from './leaks.js';
import { createPolicyStore } from './policies.js';
import { createNotifyStore } from './notify.js';
import { PostgresSessionStore } from './sessions.js';
import { createApiTokenStore, createAuditStore } from './audit.js';
import { createRiskHistoryStore } from './riskHistory.js';
import { createReportStore } from './reports.js';
import { createDetectionAdminStore } from './detectionActions.js';

export { PostgresSessionStore } from './sessions.js';
export { migrate, MIGRATIONS } from './migrations.js';

export interface PostgresStoreOptions {
  /** libpq-style URL, e.g. postgres://riskgate@db.internal:5432/riskgate. */
  connectionString: string;
  /** Schema holding Riskgate's tables; created if missing. Default `public`. */
  schema?: string;
  /** Most connections this instance opens. Default 10. */
  max?: number;
  /** How often expired sessions are deleted; 0 turns the timer off. Default 15 minutes. */
  sessionPruneIntervalMs?: number;
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = options.schema ?? 'public';
  const searchPath = `SET search_path TO ${pg.escapeIdentifier(schema)}`;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    // Fail closed quickly instead of hanging a sign-in when the database cannot be reached.
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
    // Runs (and finishes) before a new connection is handed out, so every query sees the schema.
    // Per connection rather than the `options` startup parameter, which a connection string's own
    // ?options= would silently replace; a failed SET fails that connection, not a later query.
    onConnect: async (client: pg.ClientBase) => {
      await client.query(searchPath);
    },
  });
  // An idle pooled connection that dies (server restart, failover) emits 'error' on the pool; without a
  // listener that would crash the process. pg-pool already drops the client, and the next query opens
  // a fresh connection or fails to its caller, so there is nothing more to do here.
  pool.on('error', () => undefined);

  try {
    await migrate(pool, schema);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const sessions = new PostgresSessionStore(pool, { pruneIntervalMs: options.sessionPruneIntervalMs });
  let closing: Promise<void> | null = null;
  const counters = createCounterStore(pool);
  const detections = createDetectionStore(pool);
  const identities = createIdentityStore(pool);
  const riskHistory = createRiskHistoryStore(pool);

  return {
    users: createUserStore(pool),
    identities,
    signIns: createSignInStore(pool),
    detections,
    familiarity: createFamiliarityStore(pool),
    population: createPopulationStore(pool),
    evaluation: createEvaluationStore(pool, { counters }),
    learning: createLearningStore(pool),
    attempts: createAttemptStore(pool),
    leaks: createLeakStore(pool),
    counters,
    flows: createFlowStore(pool),
    jobs: createJobStore(pool),
    policies: createPolicyStore(pool),
    notify: createNotifyStore(pool),
    sessions,
    audit: createAuditStore(pool),
    apiTokens: createApiTokenStore(pool),
    riskHistory,
    reports: createReportStore(pool),
    detectionActions: createDetectionAdminStore(pool),
    async ping() {
      await pool.query('SELECT 1');
    },
    close() {
      // Idempotent: shutdown paths (signal handler plus test teardown) may both call it; a second call
      // waits for the same shutdown instead of calling pool.end() twice (which rejects).
      closing ??= (async () => {
        sessions.close();
        await pool.end();
      })();
      return closing;
    },
  };
}
