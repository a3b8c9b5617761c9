/**
 * OLD SYNCHRONOUS API, being replaced by ./database.ts and lib/data/unit-of-work.ts
 * (issue 11); deleted once every caller has moved.
 *
 * Until then it is a view of the new engine's writer connection (./sqlite.ts),
 * not a second connection: code not yet converted (e.g. activity events written
 * through prepared statements on sqliteHandle()) then runs inside the unit of
 * work that is open on that connection, instead of waiting on its write lock.
 */
import "server-only";
import type Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { engine } from "./database";
import * as schema from "./schema";

/** The Drizzle database, with its better-sqlite3 handle ($client) for the few hot paths that prepare raw statements. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A transaction handle; services that write take it so the change and its activity event commit together. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

const views = new WeakMap<Database.Database, Db>();

/** The better-sqlite3 handle under drizzle, for hot paths that use prepared statements directly. */
export function sqliteHandle(): Database.Database {
  const native = engine().native;
  if (native.kind !== "sqlite") throw new Error("The old synchronous database API works on SQLite only");
  return native.writer;
}

export function db(): Db {
  const writer = sqliteHandle();
  let view = views.get(writer);
  if (!view) {
    view = drizzle(writer, { schema }) as Db;
    views.set(writer, view);
  }
  return view;
}

/**
 * Runs fn in a BEGIN IMMEDIATE transaction: the write lock is taken up front,
 * so a read-then-write cannot interleave with another writer.
 */
export function writeTransaction<T>(fn: (tx: Tx) => T): T {
  return db().transaction(fn, { behavior: "immediate" });
}
