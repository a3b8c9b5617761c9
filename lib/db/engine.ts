/**
 * What the rest of lib/ gets from a database, whichever it is: a reader for
 * committed data and one way to write. Both dialects (./sqlite.ts,
 * ./postgres.ts) provide this shape; nothing above lib/db and lib/data knows
 * which one runs.
 */
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type * as schema from "./schema";

export type Dialect = "sqlite" | "postgres";

/**
 * A Drizzle database or transaction. Typed with SQLite's builders (the schema's
 * source of types); on PostgreSQL the object is node-postgres's Drizzle database
 * with tables of the same names, columns and JavaScript values. Use only what
 * both dialects share: `await` a query (rows as an array), `.returning()`,
 * `.onConflictDoNothing()/.onConflictDoUpdate()`, `db.query.*` and the helpers in
 * ./raw.ts. Never the SQLite-only `.get()`, `.all()`, `.run()`, `.values()`, and
 * never `.transaction()` (writes go through lib/data/unit-of-work.ts).
 */
export type Db = BetterSQLite3Database<typeof schema>;
/** The same type inside a unit of work; the name says "this reads and writes the open transaction". */
export type Tx = Db;

export type Engine = {
  dialect: Dialect;
  /** Committed data, outside any transaction. Read-only on SQLite (a stray write fails loudly). */
  reader: Db;
  /**
   * Runs fn in one transaction holding the instance's write lock, so a
   * read-then-write can't interleave with another writer in this or any other
   * process (SQLite: BEGIN IMMEDIATE on the one writer connection; PostgreSQL:
   * a transaction-scoped advisory lock). Commits when fn resolves, rolls back
   * when it throws.
   */
  transact<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs fn, which sends exactly one statement (atomic by itself), outside the instance's write lock:
   * PostgreSQL sends it alone on a writer connection (no BEGIN, no lock, no COMMIT: one round trip);
   * absent on SQLite (use transact). Only for a statement whose own row locks keep the rules (the
   * token endpoint's consume-and-mint, lib/oidc/adapter.ts); never for anything that records an
   * activity event (the event chain needs the write lock).
   */
  autocommit?<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A value that changes whenever a commit may have changed what a read returns, for caches that keep
   * an answer while nothing was written since. Two equal values mean the same committed data.
   * - SQLite (synchronous): moved by this process's every write at once, and by other processes'
   *   commits (PRAGMA data_version) within a millisecond (lib/db/sqlite-committed-version.ts).
   * - PostgreSQL: changes whenever any transaction commits (or starts writing) anywhere on the
   *   database server: the text of a fresh snapshot (xmin:xmax:in-progress ids), whichever replica
   *   committed. Coalesced: a call shares a read sent after it was made, never one already under way.
   */
  committedVersion: () => number | Promise<string>;
  /**
   * Runs fn when no transaction is open on the writing connection (SQLite: in
   * the writer's queue; PostgreSQL: at once). For libraries that write through
   * the native handle themselves (rate-limiter-flexible's stores).
   */
  withWriter<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * The driver's own handle, for such libraries: better-sqlite3's writer connection (and its query_only
   * reader, for the one hot path that runs its own prepared statement: token verification), or node-postgres's pool.
   */
  native:
    | { kind: "sqlite"; writer: import("better-sqlite3").Database; reader: import("better-sqlite3").Database }
    | { kind: "postgres"; pool: unknown };
  close(): Promise<void>;
};

/** The database can't be opened (unreachable, or a version Latchkey doesn't support): start-up refuses with this message. */
export class DatabaseStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseStartError";
  }
}
