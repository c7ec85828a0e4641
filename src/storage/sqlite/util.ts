/**
 * Small conversions shared by the SQLite sub-stores.
 *
 * better-sqlite3 is synchronous; the sub-stores still expose `async` methods because the PostgreSQL
 * backend cannot be synchronous, and `async` turns a thrown SqliteError into a rejection so callers
 * handle both backends the same way.
 */
import type Database from 'better-sqlite3';

export type Db = Database.Database;

/** SQLite has no boolean type and better-sqlite3 refuses to bind JS booleans. */
export function toInt(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
