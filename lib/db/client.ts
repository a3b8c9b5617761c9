/**
 * OLD SYNCHRONOUS API, being replaced by ./database.ts and lib/data/unit-of-work.ts
 * (issue 11); deleted once every caller has moved.
 *
 * The one database connection of the process: SQLite in WAL mode with a busy
 * timeout, migrations from drizzle/ applied on first use, and the encryption
 * key checked against the database before anything else can read or write.
 */
import "server-only";
// Before better-sqlite3 loads: the read-only key check opens the database by URI (see key-check.ts).
import "./sqlite-uri";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { config } from "@/lib/config";
import { keyRing } from "@/lib/crypto/keys";
import { sealPlaintextIdpSubjects } from "./idp-subject";
import { checkKeyReadOnly, verifyEncryptionKey } from "./key-check";
import * as schema from "./schema";

/** The Drizzle database, with its better-sqlite3 handle ($client) for the few hot paths that prepare raw statements. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A transaction handle; services that write take it so the change and its activity event commit together. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { latchkeyDb?: Db };

function open(): Db {
  const { dataDir, databaseFile } = config();
  // An existing database is checked read-only first: a wrong key must not change a byte of DATA_DIR
  // (no chmod, no WAL checkpoint on close, no migration).
  if (fs.existsSync(databaseFile)) checkKeyReadOnly(databaseFile);
  // A new database: the key (generated into DATA_DIR when not given) exists before the database does.
  else keyRing();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new Database(databaseFile);
  fs.chmodSync(databaseFile, 0o600);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema });
  try {
    migrate(db, { migrationsFolder: path.join(process.cwd(), "drizzle", "sqlite") });
    verifyEncryptionKey(db);
    // Data migrations SQL can't do (encryption), right after the schema's, before any read.
    const sealed = sealPlaintextIdpSubjects(sqlite);
    if (sealed > 0) console.log(`Encrypted the identity-provider subjects of ${sealed} users`);
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return db;
}

export function db(): Db {
  // Kept on globalThis so dev-mode module reloads reuse one connection.
  globalForDb.latchkeyDb ??= open();
  return globalForDb.latchkeyDb;
}

/** The better-sqlite3 handle under drizzle, for hot paths that use prepared statements directly. */
export function sqliteHandle(): Database.Database {
  return (db() as unknown as { $client: Database.Database }).$client;
}

/**
 * Runs fn in a BEGIN IMMEDIATE transaction: the write lock is taken up front,
 * so a read-then-write cannot interleave with another writer.
 */
export function writeTransaction<T>(fn: (tx: Tx) => T): T {
  return db().transaction(fn, { behavior: "immediate" });
}
