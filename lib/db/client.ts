/**
 * OLD SYNCHRONOUS API, being replaced by ./database.ts and lib/data/unit-of-work.ts
 * (issue 11); deleted once every caller has moved.
 *
 * Until then it is a synchronous view of the engine's one writer connection
 * (./sqlite.ts), not a connection of its own: code not yet converted then
 * joins the unit of work it is called from (its statements run inside the
 * open transaction, its writeTransaction becomes a savepoint) instead of
 * waiting on the engine's write lock from a second connection, which would
 * block until SQLITE_BUSY. Opening, migrations and the key check are the engine's.
 */
import "server-only";
import type Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { engine } from "./database";
import * as schema from "./schema";

type SyncDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** The engine's transaction type, so converted code can hand its tx (or db()) to functions not yet converted. */
export type Tx = import("./engine").Tx;
export type Db = SyncDb;

const globalForDb = globalThis as unknown as { latchkeyDb?: SyncDb };

function syncDb(): SyncDb {
  const native = engine().native;
  if (native.kind !== "sqlite") throw new Error("The old synchronous database API (lib/db/client.ts) works on SQLite only");
  // Rebuilt when the engine was reopened (tests that restart with another data directory).
  if (globalForDb.latchkeyDb?.$client !== native.writer) globalForDb.latchkeyDb = drizzle(native.writer, { schema });
  return globalForDb.latchkeyDb;
}

export function db(): Db {
  return syncDb();
}

/** The better-sqlite3 handle under drizzle, for hot paths that use prepared statements directly. */
export function sqliteHandle(): Database.Database {
  return syncDb().$client;
}

/**
 * Runs fn in a BEGIN IMMEDIATE transaction: the write lock is taken up front,
 * so a read-then-write cannot interleave with another writer. Inside a unit of
 * work (same connection) it is a savepoint of that unit's transaction.
 */
export function writeTransaction<T>(fn: (tx: Tx) => T): T {
  return syncDb().transaction((tx) => fn(tx as unknown as Tx), { behavior: "immediate" });
}
