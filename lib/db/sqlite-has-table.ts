/**
 * Whether a SQLite file opened outside the data layer (the key check, backup, restore's running-server check)
 * has a table yet: a file from an older schema, or one never started, may not.
 */
import type Database from "better-sqlite3";

export function sqliteHasTable(sqlite: Database.Database, name: string): boolean {
  return sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}
