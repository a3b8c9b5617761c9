/**
 * The database of the process: SQLite in DATA_DIR (./sqlite.ts) unless
 * DATABASE_URL names a PostgreSQL database (./postgres.ts). Opening checks the
 * encryption key against the data and applies the migrations (drizzle/<dialect>)
 * before anything else can read or write.
 *
 * Reads use db() (committed data). Writes never start here: they go through
 * lib/data/unit-of-work.ts, which owns the transaction.
 */
import "server-only";
import { config } from "@/lib/config";
import { DatabaseStartError, type Db, type Engine } from "./engine";
import { appliedMigrations, checkSchemaVersion, schemaNewerMessage, schemaNewerThanCode, schemaState } from "./schema-version";
import { dialect } from "./dialect";
import { openSqlite } from "./sqlite";
import { databaseUnavailable, SchemaNewerThanCodeError } from "./unavailable";

export type { Db, Dialect, Tx } from "./engine";

// Kept on globalThis so dev-mode module reloads, and Next's separate bundles, share one engine.
const holder = globalThis as unknown as { latchkeyEngine?: Engine; latchkeyEngineOpening?: Promise<Engine>; latchkeyWritesFailing?: boolean };

/**
 * Every write of the process, whichever dialect (review 18): refused while the database's schema is newer
 * than this code (./schema-version.ts), and watched: the last one failed because the database couldn't
 * write (./unavailable.ts: a full or read-only disk, PostgreSQL gone) until one succeeds again, which
 * /api/ready reports (lib/ops/readiness.ts). A probe that finds it set writes the heartbeat's row itself (and
 * the heartbeat writes every 30 s), so the report recovers by itself once the cause goes away.
 */
function guarded(opened: Engine): Engine {
  const watched = async <T>(run: () => Promise<T>): Promise<T> => {
    if (schemaNewerThanCode()) throw new SchemaNewerThanCodeError();
    try {
      const result = await run();
      if (holder.latchkeyWritesFailing) holder.latchkeyWritesFailing = false;
      return result;
    } catch (err) {
      if (databaseUnavailable(err)) holder.latchkeyWritesFailing = true;
      throw err;
    }
  };
  const { autocommit } = opened;
  return {
    ...opened,
    transact: (fn) => watched(() => opened.transact(fn)),
    withWriter: (fn) => watched(() => opened.withWriter(fn)),
    ...(autocommit && { autocommit: (fn) => watched(() => autocommit(fn)) }),
  };
}

/** Whether the last write failed because the database couldn't write, and none has succeeded since. */
export function writesFailing(): boolean {
  return holder.latchkeyWritesFailing === true;
}

// Its own module, so that the helpers this file uses (./raw.ts through ./schema-version.ts) can ask it without a circle.
export { dialect } from "./dialect";

/**
 * The open engine. SQLite opens on first use (synchronously); PostgreSQL must
 * have been opened by openDatabase() at start-up (migrations are async there).
 */
export function engine(): Engine {
  if (holder.latchkeyEngine) return holder.latchkeyEngine;
  if (dialect() === "postgres") {
    throw new Error("The PostgreSQL database is not open yet: openDatabase() runs at start-up (lib/startup.ts) and in test set-up");
  }
  holder.latchkeyEngine = guarded(openSqlite());
  return holder.latchkeyEngine;
}

/** Committed data, outside any transaction (read-only: writes go through lib/data/unit-of-work.ts). */
export function db(): Db {
  return engine().reader;
}

/**
 * Opens the database for this process (idempotent, concurrent calls share one opening). A database a newer
 * Latchkey migrated is refused (DatabaseStartError): this code would misread and miswrite it.
 */
export async function openDatabase(): Promise<Engine> {
  if (holder.latchkeyEngine) return holder.latchkeyEngine;
  holder.latchkeyEngineOpening ??= (async () => {
    const opened = dialect() === "sqlite" ? engine() : guarded(await (await import("./postgres")).openPostgres(config().databaseUrl as string));
    holder.latchkeyEngine = opened;
    const applied = await appliedMigrations(opened.reader, opened.dialect);
    if (schemaState(applied, opened.dialect) === "newer") {
      delete holder.latchkeyEngine;
      await opened.close();
      throw new DatabaseStartError(schemaNewerMessage(applied, opened.dialect));
    }
    return opened;
  })();
  try {
    return await holder.latchkeyEngineOpening;
  } finally {
    delete holder.latchkeyEngineOpening;
  }
}

/** Re-reads the database's migrations against this code's (readiness probes, the heartbeat). */
export async function checkDatabaseSchema() {
  return checkSchemaVersion(db(), dialect());
}

/** Closes the process's database (tests that restart, scripts, shutdown). */
export async function closeDatabase(): Promise<void> {
  const open = holder.latchkeyEngine;
  delete holder.latchkeyEngine;
  if (open) await open.close();
}
