/**
 * Everything a Riskgate store holds, as comparable text: "no state change" means the snapshot before and
 * after a request are equal. Read straight from the tables (SQLite file or PostgreSQL schema), so
 * nothing Riskgate's own code does can hide a change. Left out: a session's cookie expiry (reading a
 * session renews it), and sessions holding nothing but a CSRF token (any page, error pages included,
 * gives a visitor one: that is someone opening a page, not a change of anyone's state).
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import pg from 'pg';

export type Snapshot = Record<string, unknown[]>;

function isBlankSession(table: string, row: Record<string, unknown>): boolean {
  if (table !== 'sessions' || row.user_id !== null) return false;
  const sess = (typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess) as Record<string, unknown>;
  return Object.keys(sess).every((key) => key === 'cookie' || key === 'csrfToken');
}

function withoutExpiry(table: string, row: Record<string, unknown>): Record<string, unknown> {
  if (table !== 'sessions') return row;
  const sess =
    typeof row.sess === 'string'
      ? (JSON.parse(row.sess) as Record<string, unknown>)
      : { ...(row.sess as object) };
  delete (sess as Record<string, unknown>).cookie;
  return { sid: row.sid, user_id: row.user_id, sess };
}

export function snapshotSqlite(dataDir: string): Snapshot {
  const db = new Database(path.join(dataDir, 'riskgate.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare<[], { name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .all()
      .map((t) => t.name);
    const snapshot: Snapshot = {};
    for (const table of tables) {
      const rows = db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
      snapshot[table] = rows
        .filter((row) => !isBlankSession(table, row))
        .map((row) => JSON.stringify(withoutExpiry(table, row)))
        .sort();
    }
    return snapshot;
  } finally {
    db.close();
  }
}

export async function snapshotPostgres(pool: pg.Pool, schema: string): Promise<Snapshot> {
  const { rows: tables } = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  const snapshot: Snapshot = {};
  for (const { table_name: table } of tables) {
    const { rows } = await pool.query<Record<string, unknown>>(
      `SELECT * FROM ${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`,
    );
    snapshot[table] = rows
      .filter((row) => !isBlankSession(table, row))
      .map((row) => JSON.stringify(withoutExpiry(table, row)))
      .sort();
  }
  return snapshot;
}
