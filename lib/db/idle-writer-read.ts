/**
 * Committed reads on SQLite's writer connection while it has no transaction
 * open, for hot paths whose requests each commit a write (the OpenID
 * provider's token endpoint: every refresh grant is one transaction).
 *
 * Why: in WAL mode a connection drops its whole page cache when it starts a
 * read and finds that another connection committed since its last one. The
 * query_only reader (./sqlite.ts) therefore reads every page from the file or
 * the WAL again after each of the writer's commits, while the writer keeps
 * its cache across its own commits. Measured on this project's 2-vCPU machine
 * (five point lookups between commits): 130–420 µs on the reader against
 * 40–55 µs on the writer (docs/benchmarks.md, round 8).
 *
 * Why it is safe: the writer is only borrowed when `inTransaction` is false,
 * checked in the same synchronous step that runs the statement (better-sqlite3
 * is synchronous, so no BEGIN can slip in between). Outside a transaction a
 * read on the writer is an autocommit read of committed data, exactly what
 * the reader would return; a half-done transaction is never seen. While a
 * transaction is open (the unit of work awaits inside it) the reader answers.
 *
 * Statements are prepared once per connection and engine. SQLite only: the
 * callers keep their PostgreSQL path.
 */
import "server-only";
import type Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { engine, type Db } from "./database";
import * as schema from "./schema";

type Connection = { native: Database.Database; db: Db };
type Pair<T> = { writer: Database.Database; onWriter: T; onReader: T };

const drizzles = new WeakMap<Database.Database, Db>();

function drizzleOn(native: Database.Database): Db {
  let found = drizzles.get(native);
  if (!found) drizzles.set(native, (found = drizzle(native, { schema }) as unknown as Db));
  return found;
}

/**
 * `make` run once for each SQLite connection (given the native handle and a Drizzle database over
 * it, for building the SQL); the returned function hands back the one to use NOW — the writer's
 * when it has no open transaction, else the reader's. Use the result synchronously (no await
 * between picking and running). Null on PostgreSQL.
 */
export function onIdleWriter<T>(make: (connection: Connection) => T): (() => T) | null {
  const built = new WeakMap<object, Pair<T>>();
  if (engine().native.kind !== "sqlite") return null;
  return () => {
    const native = engine().native;
    if (native.kind !== "sqlite") throw new Error("onIdleWriter is SQLite-only");
    let pair = built.get(native.writer);
    if (!pair) {
      pair = {
        writer: native.writer,
        onWriter: make({ native: native.writer, db: drizzleOn(native.writer) }),
        onReader: make({ native: native.reader, db: drizzleOn(native.reader) }),
      };
      built.set(native.writer, pair);
    }
    return pair.writer.inTransaction ? pair.onReader : pair.onWriter;
  };
}
