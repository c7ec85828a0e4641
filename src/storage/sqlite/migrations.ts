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
  // 6: the GeoIP accuracy radius of a sign-in's location (km; NULL when the database gives none)
  `
  ALTER TABLE sign_ins ADD COLUMN accuracy_km REAL;
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
