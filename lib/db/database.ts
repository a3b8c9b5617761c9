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
import type { Db, Dialect, Engine } from "./engine";
import { openSqlite } from "./sqlite";

export type { Db, Dialect, Tx } from "./engine";

// Kept on globalThis so dev-mode module reloads, and Next's separate bundles, share one engine.
const holder = globalThis as unknown as { latchkeyEngine?: Engine; latchkeyEngineOpening?: Promise<Engine> };

export function dialect(): Dialect {
  return config().databaseUrl ? "postgres" : "sqlite";
}

/**
 * The open engine. SQLite opens on first use (synchronously); PostgreSQL must
 * have been opened by openDatabase() at start-up (migrations are async there).
 */
export function engine(): Engine {
  if (holder.latchkeyEngine) return holder.latchkeyEngine;
  if (dialect() === "postgres") {
    throw new Error("The PostgreSQL database is not open yet: openDatabase() runs at start-up (lib/startup.ts) and in test set-up");
  }
  holder.latchkeyEngine = openSqlite();
  return holder.latchkeyEngine;
}

/** Committed data, outside any transaction (read-only: writes go through lib/data/unit-of-work.ts). */
export function db(): Db {
  return engine().reader;
}

/** Opens the database for this process (idempotent, concurrent calls share one opening). */
export async function openDatabase(): Promise<Engine> {
  if (holder.latchkeyEngine) return holder.latchkeyEngine;
  if (dialect() === "sqlite") return engine();
  holder.latchkeyEngineOpening ??= import("./postgres").then(async ({ openPostgres }) => {
    const opened = await openPostgres(config().databaseUrl as string);
    holder.latchkeyEngine = opened;
    return opened;
  });
  try {
    return await holder.latchkeyEngineOpening;
  } finally {
    delete holder.latchkeyEngineOpening;
  }
}

/** Closes the process's database (tests that restart, scripts, shutdown). */
export async function closeDatabase(): Promise<void> {
  const open = holder.latchkeyEngine;
  delete holder.latchkeyEngine;
  if (open) await open.close();
}
