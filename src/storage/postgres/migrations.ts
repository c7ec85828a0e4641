/**
 * Schema versions for PostgreSQL. Step N (0-based) creates version N + 1 and is recorded in
 * riskgate_migrations. Steps are only ever appended: a released step is never edited, because
 * databases in the field have already run it.
 *
 * Same tables as the SQLite backend, with native types: BIGINT millisecond timestamps, BOOLEAN flags,
 * JSONB documents and TEXT[] groups/roles. No foreign keys point at `users`: apps may bring their own
 * user directory. sign_ins and detections carry an identity `seq` that plays the part of SQLite's
 * rowid: it breaks ties between rows written in the same millisecond, in insertion order.
 */
import pg from 'pg';
import { withTransaction, type Pool } from './util.js';

export const MIGRATIONS: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    -- "C" collation: byte-wise equality and ordering, as in SQLite, whatever the database locale.
    username      TEXT COLLATE "C" NOT NULL UNIQUE,
    email         TEXT,
    groups        TEXT[] NOT NULL,
    roles         TEXT[] NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
  );

  CREATE TABLE identities (
    user_id                 TEXT PRIMARY KEY,
    risk_level              TEXT NOT NULL DEFAULT 'none',
    risk_state              TEXT NOT NULL DEFAULT 'none',
    totp_secret             TEXT,
    totp_last_step          BIGINT NOT NULL DEFAULT 0,
    mfa_prompted_at         BIGINT,
    must_change_password    BOOLEAN NOT NULL DEFAULT false,
    password_reset_required BOOLEAN NOT NULL DEFAULT false,
    blocked                 BOOLEAN NOT NULL DEFAULT false,
    updated_at              BIGINT NOT NULL DEFAULT 0
  );

  CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
  );

  CREATE TABLE sign_ins (
    id              TEXT PRIMARY KEY,
    seq             BIGINT GENERATED ALWAYS AS IDENTITY,
    user_id         TEXT,
    username        TEXT NOT NULL,
    at              BIGINT NOT NULL,
    ip              TEXT NOT NULL,
    network         TEXT NOT NULL,
    country         TEXT,
    city            TEXT,
    latitude        DOUBLE PRECISION,
    longitude       DOUBLE PRECISION,
    user_agent      TEXT NOT NULL,
    browser         TEXT,
    browser_family  TEXT,
    os              TEXT,
    device_type     TEXT NOT NULL,
    device_id       TEXT,
    outcome         TEXT NOT NULL,
    risk_level      TEXT NOT NULL,
    risk_state      TEXT NOT NULL,
    user_risk_level TEXT NOT NULL,
    decision        TEXT,
    report_only     JSONB NOT NULL,
    updated_at      BIGINT NOT NULL
  );
  -- Matches both per-user reads (last good sign-in, recent sign-ins) including their tie-break.
  CREATE INDEX sign_ins_user_at ON sign_ins (user_id, at DESC, seq DESC);

  CREATE TABLE detections (
    id          TEXT PRIMARY KEY,
    seq         BIGINT GENERATED ALWAYS AS IDENTITY,
    user_id     TEXT NOT NULL,
    sign_in_id  TEXT,
    type        TEXT NOT NULL,
    level       TEXT NOT NULL,
    timing      TEXT NOT NULL,
    scope       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    evidence    JSONB,
    status      TEXT NOT NULL,
    closed_by   TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
  );
  CREATE INDEX detections_user_status ON detections (user_id, status);
  CREATE INDEX detections_sign_in ON detections (sign_in_id);

  CREATE TABLE familiarity (
    user_id    TEXT NOT NULL,
    feature    TEXT NOT NULL,
    value      TEXT NOT NULL,
    count      INTEGER NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    PRIMARY KEY (user_id, feature, value)
  );

  CREATE TABLE counters (
    key        TEXT PRIMARY KEY,
    count      INTEGER NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX counters_expires ON counters (expires_at);

  -- Claims live apart from counters so a claim key can never be mistaken for a counter of the same name.
  CREATE TABLE claims (
    key        TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX claims_expires ON claims (expires_at);

  CREATE TABLE flows (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    sign_in_id TEXT NOT NULL,
    state      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    data       JSONB NOT NULL,
    attempts   INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX flows_expires ON flows (expires_at);

  CREATE TABLE sessions (
    sid        TEXT PRIMARY KEY,
    sess       JSONB NOT NULL,
    expires_at BIGINT NOT NULL,
    user_id    TEXT
  );
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE INDEX sessions_expires ON sessions (expires_at);
  `,
  // 2: offline jobs (leases and a run log), and ageing by level and age
  `
  CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
  );

  CREATE TABLE job_runs (
    seq     BIGSERIAL PRIMARY KEY,
    job     TEXT NOT NULL,
    holder  TEXT NOT NULL,
    at      BIGINT NOT NULL,
    summary TEXT NOT NULL
  );
  CREATE INDEX job_runs_job ON job_runs (job, seq);

  CREATE INDEX detections_active_level ON detections (status, level, created_at);
  `,
  // 3: population statistics for the familiarity model (feature '*' holds the totals)
  `
  CREATE TABLE population (
    feature TEXT NOT NULL,
    value   TEXT NOT NULL,
    count   BIGINT NOT NULL,
    PRIMARY KEY (feature, value)
  );
  `,
  // 4: failed attempts (password fingerprints) for password-spray detection
  `
  CREATE TABLE failed_attempts (
    seq BIGSERIAL PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    username    TEXT NOT NULL,
    ip          TEXT NOT NULL,
    at          BIGINT NOT NULL
  );
  CREATE INDEX failed_attempts_at ON failed_attempts (at);
  CREATE INDEX sign_ins_ip_at ON sign_ins (ip, at);
  `,
  // 5: imported leaked pairs waiting for the matching job (passwords sealed)
  `
  CREATE TABLE leaked_pairs (
    id BIGSERIAL PRIMARY KEY,
    username        TEXT NOT NULL,
    sealed_password TEXT NOT NULL
  );
  `,
  // 6: admin: audit log, API tokens (hashed), risk history, and the indexes the reports page on
  `
  CREATE TABLE audit_log (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target_id    TEXT,
    target_label TEXT,
    reason       TEXT,
    result       TEXT NOT NULL,
    detail       JSONB NOT NULL
  );
  CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
  CREATE INDEX audit_log_action ON audit_log (action, seq);
  CREATE INDEX audit_log_target ON audit_log (target_id, seq);

  CREATE TABLE api_tokens (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    created_by_kind TEXT NOT NULL,
    created_by_id   TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_used_at    BIGINT,
    revoked_at      BIGINT
  );

  CREATE TABLE risk_history (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    TEXT NOT NULL,
    at         BIGINT NOT NULL,
    level_from TEXT NOT NULL,
    level_to   TEXT NOT NULL,
    state_from TEXT NOT NULL,
    state_to   TEXT NOT NULL,
    cause      JSONB NOT NULL
  );
  CREATE INDEX risk_history_user ON risk_history (user_id, seq);

  -- Risk levels as numbers so "sort by level" is an index order, not a CASE over every row.
  ALTER TABLE identities ADD COLUMN risk_rank SMALLINT GENERATED ALWAYS AS
    (CASE risk_level WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 0 END) STORED;
  -- Partial indexes: the reports list only risky rows, a small share of all users and sign-ins.
  CREATE INDEX identities_risky_updated ON identities (updated_at) WHERE risk_state <> 'none';
  CREATE INDEX identities_risky_rank ON identities (risk_rank, updated_at) WHERE risk_state <> 'none';
  CREATE INDEX identities_state_updated ON identities (risk_state, updated_at);
  CREATE INDEX identities_state_rank ON identities (risk_state, risk_rank, updated_at);
  CREATE INDEX identities_mfa_registered ON identities (user_id) WHERE totp_secret IS NOT NULL;
  CREATE INDEX identities_mfa_prompted ON identities (mfa_prompted_at)
    WHERE totp_secret IS NULL AND mfa_prompted_at IS NOT NULL;
  CREATE INDEX sign_ins_risky_at ON sign_ins (at) WHERE risk_level <> 'none';
  CREATE INDEX sign_ins_risky_level_at ON sign_ins (risk_level, at) WHERE risk_level <> 'none';
  CREATE INDEX detections_created ON detections (created_at);
  CREATE INDEX detections_status_created ON detections (status, created_at);
  `,
  // 7: policies: every saved version of the three policies (the highest is in force); what the policies
  // saw about the user at each sign-in (for the impact preview); report-only results findable by time
  `
  CREATE TABLE policy_versions (
    version       INTEGER PRIMARY KEY,
    document      JSONB NOT NULL,
    changed_by_id TEXT NOT NULL,
    changed_by    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    changed_at    BIGINT NOT NULL
  );
  ALTER TABLE sign_ins ADD COLUMN policy_inputs JSONB;
  CREATE INDEX sign_ins_report_only ON sign_ins (at DESC, id DESC) WHERE report_only <> '[]'::jsonb;
  `,
  // 8: notify: users that reached the alert level, waiting for the next aggregated admin mail
  `
  CREATE TABLE risk_alerts (
    id BIGSERIAL PRIMARY KEY,
    user_id TEXT NOT NULL,
    level   TEXT NOT NULL,
    at      BIGINT NOT NULL
  );
  `,
  // 9: the GeoIP accuracy radius of a sign-in's location (km; NULL when the database gives none)
  `
  ALTER TABLE sign_ins ADD COLUMN accuracy_km DOUBLE PRECISION;
  `, // 10: a user's active detections, in order, from one index (the planner had preferred
  // (status, created_at) for the ORDER BY and filtered every active detection of everybody)
  `
  DROP INDEX detections_user_status;
  CREATE INDEX detections_user_status_created ON detections (user_id, status, created_at);
  `,
  // 11: admins found without reading every user (risk alerts, the first-admin check)
  `
  CREATE INDEX users_roles ON users USING gin (roles);
  `,
];

/** First key of the two-key advisory lock: "RISK", so Riskgate's locks stay apart from other apps'. */
const LOCK_CLASS = 0x5249534b;

/**
 * Brings `schema` up to date, creating it if missing. Every transaction first takes an advisory lock
 * keyed on the schema, so of several instances starting at once one migrates and the others wait,
 * then find nothing left to do. The lock is transaction-scoped: a crashed migrator cannot leave it held.
 */
export async function migrate(pool: Pool, schema = 'public'): Promise<void> {
  const qualified = pg.escapeIdentifier(schema);
  const lock = async (client: pg.PoolClient): Promise<void> => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
    // SET LOCAL: correct whatever search_path the caller's pool uses, and gone at COMMIT.
    await client.query(`SET LOCAL search_path TO ${qualified}`);
  };

  await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, schema]);
    // Look first: CREATE SCHEMA IF NOT EXISTS still needs CREATE on the database, which a
    // least-privilege role given an existing schema does not have.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${qualified}`);
    await client.query(`SET LOCAL search_path TO ${qualified}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS riskgate_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`,
    );
  });

  // One transaction per step, so a failing step leaves the earlier ones applied and recorded.
  for (;;) {
    const done = await withTransaction(pool, async (client) => {
      await lock(client);
      const { rows } = await client.query<{ current: number | null }>(
        'SELECT max(version) AS current FROM riskgate_migrations',
      );
      const current = rows[0]?.current ?? 0;
      if (current > MIGRATIONS.length) {
        throw new Error(
          `database schema version ${current} is newer than this Riskgate (${MIGRATIONS.length}); upgrade Riskgate`,
        );
      }
      if (current === MIGRATIONS.length) return true;
      // No parameters, so pg sends the simple protocol, which accepts several statements at once.
      await client.query(MIGRATIONS[current]!);
      await client.query('INSERT INTO riskgate_migrations (version, applied_at) VALUES ($1, now())', [
        current + 1,
      ]);
      return false;
    });
    if (done) return;
  }
}
