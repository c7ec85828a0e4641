/**
 * The embedded SQLite backend: one file holds users, risk state, history, counters, flows and sessions,
 * so a Riskgate install needs nothing else running.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../types.js';
import { migrate } from './migrations.js';
import { applyPragmas } from './pragmas.js';
import { DEFAULT_CHECKPOINTER, startCheckpointer } from './checkpointer.js';
import { createUserStore } from './users.js';
import { createIdentityStore } from './identities.js';
import { createSignInStore } from './signIns.js';
import { createDetectionStore } from './detections.js';
import { createFamiliarityStore } from './familiarity.js';
import { createCounterStore } from './counters.js';
import { createFlowStore } from './flows.js';
import { createJobStore } from './jobs.js';
import { createPopulationStore } from './population.js';
import { createAttemptStore } from './attempts.js';
import { createLeakStore } from './leaks.js';
import { createPolicyStore } from './policies.js';
import { createNotifyStore } from './notify.js';
import { SqliteSessionStore } from './sessions.js';
import { createApiTokenStore, createAuditStore } from './audit.js';
import { createRiskHistoryStore } from './riskHistory.js';
import { createReportStore } from './reports.js';
import { createEvaluationStore } from './evaluation.js';
import { createLearningStore } from './learning.js';
import { createDetectionAdminStore } from './detectionActions.js';

export { SqliteSessionStore } from './sessions.js';

export interface SqliteStoreOptions {
  /** Path of the database file (parent folders are created), or ':memory:'. */
  file: string;
  /** How often expired sessions are deleted; 0 turns the timer off. Default 15 minutes. */
  sessionPruneIntervalMs?: number;
  /**
   * Bytes of the file read through a memory map (PRAGMA mmap_size; better-sqlite3's build caps it at
   * 2 GiB) and of SQLite's page cache. Defaults are SQLite's own (no map, 2000 KiB): with the file in
   * the OS page cache, bench:score measured the same read times with a 2 GiB map or a 256 MiB cache
   * at 10k and 100k users; they are there for a machine that cannot keep the file cached.
   */
  mmapBytes?: number;
  cacheBytes?: number;
  /** WAL checkpoints in a worker thread instead of inside commits (checkpointer.ts). Default on. */
  backgroundCheckpoint?: boolean;
}

function isInMemory(file: string): boolean {
  return file === ':memory:' || file === '';
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  if (!isInMemory(options.file)) mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
  const db = new Database(options.file);
  try {
    applyPragmas(db, options);
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }

  const sessions = new SqliteSessionStore(db, { pruneIntervalMs: options.sessionPruneIntervalMs });
  let closed = false;
  const checkpointer =
    options.backgroundCheckpoint !== false && !isInMemory(options.file)
      ? startCheckpointer(db, { file: path.resolve(options.file), ...DEFAULT_CHECKPOINTER })
      : null;

  const parts = {
    identities: createIdentityStore(db),
    signIns: createSignInStore(db),
    detections: createDetectionStore(db),
    population: createPopulationStore(db),
    familiarity: createFamiliarityStore(db),
    users: createUserStore(db),
    counters: createCounterStore(db),
    riskHistory: createRiskHistoryStore(db),
  };
  return {
    ...parts,
    evaluation: createEvaluationStore(db, parts),
    learning: createLearningStore(db),
    attempts: createAttemptStore(db),
    leaks: createLeakStore(db),
    flows: createFlowStore(db),
    jobs: createJobStore(db),
    policies: createPolicyStore(db),
    notify: createNotifyStore(db),
    sessions,
    audit: createAuditStore(db),
    apiTokens: createApiTokenStore(db),
    reports: createReportStore(db),
    detectionActions: createDetectionAdminStore(db),
    async ping() {
      if (closed) throw new Error('the SQLite store is closed');
      db.prepare('SELECT 1').get();
    },
    async close() {
      // Idempotent: shutdown paths (signal handler plus test teardown) may both call it.
      if (closed) return;
      closed = true;
      sessions.close();
      await checkpointer?.stop();
      db.close();
      checkpointer?.closeFiles(); // after the connection: see closeFiles
    },
  };
}
