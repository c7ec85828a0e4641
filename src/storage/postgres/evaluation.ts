/**
 * A sign-in's evaluation in two statements. The read: each sub-store's own query as a subquery, its
 * rows returned as JSON and turned into objects by the sub-store's own converter (row_to_json gives
 * bigint columns as JSON numbers, which those converters take as well as strings). The write: the
 * sign-in upsert and, for a sign-in allowed at once, the learning CTEs in the same statement; a
 * sign-in with detections is that statement and the risk writes in one transaction.
 *
 * Both are named (prepared once per connection): the server parses and plans them once, and the
 * client sends only the parameters on every sign-in instead of the whole text.
 */
import type { EvaluatedWrite, EvaluationReads, EvaluationStore, RiskWrite, Store } from '../types.js';
import type { PopulationRow } from '../populationRows.js';
import { knownPairs, snapshotFromRows } from '../populationRows.js';
import { activeDetectionsQuery, insertDetections, toDetection, type DetectionRow } from './detections.js';
import { familiarQuery, toFamiliar, type FamiliarRow } from './familiarity.js';
import {
  defaultIdentity,
  identityQuery,
  toIdentity,
  upsertIdentityPatch,
  type IdentityRow,
} from './identities.js';
import { insertRiskHistory } from './riskHistory.js';
import { learningParams, learningStatement } from './learning.js';
import { populationSnapshotQuery } from './population.js';
import { lastSuccessQuery, SIGN_IN_PARAMS, signInUpsert, toParams } from './signIns.js';
import { toUser, type UserRow } from './users.js';
import { toPast, type PastRow } from '../pastSignIn.js';
import { withTransaction, type Pool, type Queryable } from './util.js';
import { checkCounterBatch } from '../counterBatch.js';

/** The five reads as columns; `user` is the SQL for the user id, before is $2, the values $3 and $4. */
function readColumns(user: string): string {
  return `(SELECT coalesce(json_agg(f ORDER BY f.feature COLLATE "C", f.value COLLATE "C"), '[]'::json) FROM (${familiarQuery(user)}) f) AS familiar,
  (SELECT row_to_json(s) FROM (${lastSuccessQuery(user, '$2')}) s) AS last_success,
  (SELECT row_to_json(i) FROM (${identityQuery(user)}) i) AS identity,
  (SELECT coalesce(json_agg(d ORDER BY d.created_at, d.seq), '[]'::json) FROM (${activeDetectionsQuery(user)}) d) AS active,
  (SELECT coalesce(json_agg(p), '[]'::json) FROM (${populationSnapshotQuery('$3', '$4')}) p) AS population`;
}

const READ = { name: 'riskgate-evaluation-read', text: `SELECT ${readColumns('$1')}` };

// No row for an unknown username: nothing else is read.
const READ_FOR_SIGN_IN = {
  name: 'riskgate-evaluation-read-sign-in',
  text: `SELECT row_to_json(u) AS "user", ${readColumns('u.id')} FROM users u WHERE u.username = $1`,
};

const RECORD = { name: 'riskgate-evaluation-record', text: signInUpsert() };

const LESSON = learningStatement(SIGN_IN_PARAMS + 1);
const RECORD_AND_LEARN = {
  name: 'riskgate-evaluation-record-learn',
  text: `WITH recorded AS (${signInUpsert()} RETURNING 1), ${LESSON.ctes} ${LESSON.final}`,
};

interface Answer {
  user?: UserRow;
  familiar: FamiliarRow[];
  last_success: PastRow | null;
  identity: IdentityRow | null;
  active: DetectionRow[];
  population: PopulationRow[];
}

function toReads(answer: Answer, userId: string): EvaluationReads {
  return {
    familiar: answer.familiar.map(toFamiliar),
    lastSuccess: answer.last_success ? toPast(answer.last_success) : null,
    population: snapshotFromRows(answer.population),
    identity: answer.identity ? toIdentity(answer.identity) : defaultIdentity(userId),
    active: answer.active.map(toDetection),
  };
}

function valuesFor(key: string, before: number, features: Record<string, string | null>): unknown[] {
  const pairs = knownPairs(features);
  return [key, before, pairs.map(([feature]) => feature), pairs.map(([, value]) => value)];
}

type Parts = Pick<Store, 'counters'>;

/** The sign-in's detections (which reference it) and the user's new risk, on the record's connection. */
async function writeRisk(db: Queryable, risk: RiskWrite, at: number): Promise<void> {
  if (risk.drafts.length > 0) await insertDetections(db, risk.userId, risk.signInId, risk.drafts, at);
  if (!risk.change) return;
  await upsertIdentityPatch(db, risk.userId, risk.change.patch, at);
  await insertRiskHistory(db, risk.change.history);
}

async function recordWithLesson(db: Queryable, { record, lesson, at }: EvaluatedWrite): Promise<void> {
  if (!lesson) return void (await db.query({ ...RECORD, values: toParams(record) }));
  await db.query({
    ...RECORD_AND_LEARN,
    values: [...toParams(record), ...learningParams(lesson.userId, lesson.lesson, at)],
  });
}

export function createEvaluationStore(pool: Pool, parts: Parts): EvaluationStore {
  // Most sign-ins carry no risk: one statement, no transaction. The rare one with detections is one
  // transaction, so a sign-in is never stored without the detections and risk it raised (nor they
  // without it).
  const recordSignIn = (write: EvaluatedWrite): Promise<void> => {
    const { risk } = write;
    if (!risk) return recordWithLesson(pool, write);
    return withTransaction(pool, async (client) => {
      await recordWithLesson(client, write);
      await writeRisk(client, risk, write.at);
    });
  };
  return {
    async readForEvaluation(userId, before, features) {
      const { rows } = await pool.query<Answer>({ ...READ, values: valuesFor(userId, before, features) });
      return toReads(rows[0]!, userId);
    },

    async readForSignIn(username, before, features) {
      const { rows } = await pool.query<Answer>({
        ...READ_FOR_SIGN_IN,
        values: valuesFor(username, before, features),
      });
      const answer = rows[0];
      if (!answer?.user) return null;
      return { user: toUser(answer.user), reads: toReads(answer, answer.user.id) };
    },

    // The counters' statement is its own (their SQL is not a CTE); it goes beside the sign-in's.
    async recordEvaluated(write) {
      checkCounterBatch(write.counters); // refused before anything is written
      await Promise.all([
        recordSignIn(write),
        write.counters.length > 0 ? parts.counters.apply([...write.counters], write.at) : null,
      ]);
    },
  };
}
