/**
 * Direct access to a test instance's SQLite file, for what the API can't do
 * on purpose: moving a token's expiry into the past (the clock seam of API
 * tests) and checking that a refused request wrote nothing.
 */
import path from "node:path";
import Database from "better-sqlite3";
import type { Instance } from "./server";

export function openInstanceDatabase(instance: Pick<Instance, "dataDir">): Database.Database {
  const database = new Database(path.join(instance.dataDir, "latchkey.db"));
  database.pragma("busy_timeout = 5000");
  return database;
}

export type TokenRowSnapshot = { id: string; name: string; expires_at: number; last_used_at: number | null };

/** Every row of the tables a request could write to, for before/after comparisons. */
export function snapshot(database: Database.Database) {
  return {
    tokens: database.prepare("SELECT id, name, expires_at, last_used_at FROM access_tokens ORDER BY id").all() as TokenRowSnapshot[],
    events: (database.prepare("SELECT count(*) AS n FROM activity_events").get() as { n: number }).n,
    users: database.prepare("SELECT id, role, is_blocked FROM users ORDER BY id").all(),
    sessions: (database.prepare("SELECT count(*) AS n FROM sessions").get() as { n: number }).n,
    invites: database.prepare("SELECT id, token_digest FROM invites ORDER BY id").all(),
  };
}
