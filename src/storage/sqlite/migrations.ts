/**
 * Schema versions. Step N (0-based) takes the database from `user_version` N to N + 1. Steps are only
 * ever appended: a released step is never edited, because files in the field have already run it.
 *
 * No foreign keys point at `users`: apps may bring their own user directory, so identities, sign-ins
 * and the rest are keyed by whatever user id the directory hands out.
 */
import type Database from 'better-sqlite3';

export const MIGRATIONS: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    email         TEXT,
    groups_json   TEXT NOT NULL,
    roles_json    TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE identities (
    user_id                 TEXT PRIMARY KEY,
    risk_level              TEXT NOT NULL DEFAULT 'none',
    risk_state              TEXT NOT NULL DEFAULT 'none',
    totp_secret             TEXT,
    totp_last_step          INTEGER NOT NULL DEFAULT 0,
    mfa_prompted_at         INTEGER,
    must_change_password    INTEGER NOT NULL DEFAULT 0,
    password_reset_required INTEGER NOT NULL DEFAULT 0,
    blocked                 INTEGER NOT NULL DEFAULT 0,
    updated_at              INTEGER NOT NULL DEFAULT 0
  ) STRICT;

  CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE sign_ins (
    id              TEXT PRIMARY KEY,
    user_id         TEXT,
    username        TEXT NOT NULL,
    at              INTEGER NOT NULL,
    ip              TEXT NOT NULL,
    network         TEXT NOT NULL,
    country         TEXT,
    city            TEXT,
    latitude        REAL,
    longitude       REAL,
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
    report_only     TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sign_ins_user_at ON sign_ins (user_id, at);

  CREATE TABLE detections (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    sign_in_id  TEXT,
    type        TEXT NOT NULL,
    level       TEXT NOT NULL,
    timing      TEXT NOT NULL,
    scope       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    evidence    TEXT,
    status      TEXT NOT NULL,
    closed_by   TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX detections_user_status ON detections (user_id, status);
  CREATE INDEX detections_sign_in ON detections (sign_in_id);

  CREATE TABLE familiarity (
    user_id    TEXT NOT NULL,
    feature    TEXT NOT NULL,
    value      TEXT NOT NULL,
    count      INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    PRIMARY KEY (user_id, feature, value)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE counters (
    key        TEXT PRIMARY KEY,
    count      INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;

  -- Claims live apart from counters so a claim key can never be mistaken for a counter of the same name.
  CREATE TABLE claims (
    key        TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE flows (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    sign_in_id TEXT NOT NULL,
    state      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    data       TEXT NOT NULL,
    attempts   INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX flows_expires ON flows (expires_at);

  CREATE TABLE sessions (
    sid        TEXT PRIMARY KEY,
    sess       TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    user_id    TEXT
  ) STRICT;
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE INDEX sessions_expires ON sessions (expires_at);
  `,
  // 2: offline jobs (leases and a run log), and ageing by level and age
  `
  CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE job_runs (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    job     TEXT NOT NULL,
    holder  TEXT NOT NULL,
    at      INTEGER NOT NULL,
    summary TEXT NOT NULL
  ) STRICT;
  CREATE INDEX job_runs_job ON job_runs (job, seq);

  CREATE INDEX detections_active_level ON detections (status, level, created_at);
  `,
  // 3: population statistics for the familiarity model (feature '*' holds the totals)
  `
  CREATE TABLE population (
    feature TEXT NOT NULL,
    value   TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (feature, value)
  ) STRICT;
  `,
  // 4: failed attempts (password fingerprints) for password-spray detection
  `
  CREATE TABLE failed_attempts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint TEXT NOT NULL,
    username    TEXT NOT NULL,
    ip          TEXT NOT NULL,
    at          INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX failed_attempts_at ON failed_attempts (at);
  CREATE INDEX sign_ins_ip_at ON sign_ins (ip, at);
  `,
  // 5: imported leaked pairs waiting for the matching job (passwords sealed)
  `
  CREATE TABLE leaked_pairs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username        TEXT NOT NULL,
    sealed_password TEXT NOT NULL
  ) STRICT;
  `,
  // 6: admin: audit log, API tokens (hashed), risk history, and the indexes the reports page on
  `
  CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target_id    TEXT,
    target_label TEXT,
    reason       TEXT,
    result       TEXT NOT NULL,
    detail       TEXT NOT NULL
  ) STRICT;
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
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER,
    revoked_at      INTEGER
  ) STRICT;

  CREATE TABLE risk_history (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    TEXT NOT NULL,
    at         INTEGER NOT NULL,
    level_from TEXT NOT NULL,
    level_to   TEXT NOT NULL,
    state_from TEXT NOT NULL,
    state_to   TEXT NOT NULL,
    cause      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX risk_history_user ON risk_history (user_id, seq);

  -- Risk levels as numbers so "sort by level" is an index order, not a CASE over every row.
  ALTER TABLE identities ADD COLUMN risk_rank INTEGER GENERATED ALWAYS AS
    (CASE risk_level WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 0 END) VIRTUAL;
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
    document      TEXT NOT NULL,
    changed_by_id TEXT NOT NULL,
    changed_by    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    changed_at    INTEGER NOT NULL
  ) STRICT;
  ALTER TABLE sign_ins ADD COLUMN policy_inputs TEXT;
  CREATE INDEX sign_ins_report_only ON sign_ins (at, id) WHERE report_only <> '[]';
  `,
  // 8: notify: users that reached the alert level, waiting for the next aggregated admin mail
  `
  CREATE TABLE risk_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    level   TEXT NOT NULL,
    at      INTEGER NOT NULL
  ) STRICT;
  `,
  // 9: the GeoIP accuracy radius of a sign-in's location (km; NULL when the database gives none)
  `
  ALTER TABLE sign_ins ADD COLUMN accuracy_km REAL;
  `, // 10: a user's active detections, in order, from one index (the planner had preferred
  // (status, created_at) for the ORDER BY and filtered every active detection of everybody)
  `
  DROP INDEX detections_user_status;
  CREATE INDEX detections_user_status_created ON detections (user_id, status, created_at);
  `,
  // 11: admins found without reading every user (risk alerts, the first-admin check): most users have
  // no role, so the index holds only those with one
  `
  CREATE INDEX users_with_roles ON users (created_at) WHERE roles_json <> '[]';
  `,
];

/**
 * Brings the schema up to date. BEGIN IMMEDIATE takes the write lock before reading the version, so
 * two processes opening the same new file cannot both run step 1; the loser waits (busy_timeout),
 * then sees the new version and does nothing.
 */
export function migrate(db: Database.Database): void {
  const apply = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `database schema version ${current} is newer than this Riskgate (${MIGRATIONS.length}); upgrade Riskgate`,
      );
    }
    for (let version = current; version < MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version]!);
      // user_version lives in the file header and is covered by the transaction like any write.
      db.pragma(`user_version = ${version + 1}`);
    }
  });
  apply.immediate();
}
