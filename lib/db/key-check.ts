/**
 * Refuses to run against a database with a different encryption key. A check
 * value encrypted under the key is stored on first start; later starts must
 * decrypt it, or stop before any data is read or written.
 */
import "server-only";
import "./sqlite-uri";
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { DecryptionError, decryptField, encryptField } from "@/lib/crypto/aead";
import { config } from "@/lib/config";
import * as pgSchema from "./schema.pg";
import * as schema from "./schema.sqlite";
import { sqliteHasTable } from "./sqlite-has-table";

const CHECK_KEY = "encryption_key_check";
const CHECK_PLAINTEXT = "latchkey-key-check";
const CONTEXT = { table: "meta", column: "value", rowId: CHECK_KEY };

/** The database a refusal is about: the SQLite file, or PostgreSQL's host and database (never its password). */
function databaseName(): string {
  const url = config().databaseUrl;
  if (!url) return config().databaseFile;
  try {
    const parsed = new URL(url);
    return `PostgreSQL ${parsed.host}${parsed.pathname}`;
  } catch {
    return "PostgreSQL";
  }
}

export class EncryptionKeyMismatchError extends Error {
  constructor(detail: string) {
    super(
      `The encryption key does not match this database (${databaseName()}): ${detail}. ` +
        "Start Latchkey with the key this database was created with (ENCRYPTION_KEY, or the " +
        "encryption.key file in DATA_DIR). During a key rotation, also give the old key (ENCRYPTION_KEY_PREVIOUS, " +
        "or encryption.key.previous) until `npm run rotate-key` completed. Nothing was changed.",
    );
    this.name = "EncryptionKeyMismatchError";
  }
}

/**
 * Opens an existing database file strictly read-only, so that a refused start
 * leaves every byte of DATA_DIR as it was. Without a -wal file the database
 * file is the whole truth and is opened immutable (no locks, no -shm, no -wal
 * created). With one, the -shm is opened read-only too: a plain read-only
 * connection still writes its read marks there. A -wal without its -shm (rare)
 * falls back to a plain read-only connection, which still never checkpoints.
 */
function openReadOnly(databaseFile: string): Database.Database {
  const uri = pathToFileURL(databaseFile).href;
  const options = { readonly: true, fileMustExist: true };
  if (!fs.existsSync(`${databaseFile}-wal`)) return new Database(`${uri}?mode=ro&immutable=1`, options);
  try {
    return new Database(`${uri}?mode=ro&readonly_shm=1`, options);
  } catch {
    return new Database(databaseFile, options);
  }
}

/** The key check of an existing database, before anything opens it for writing. */
export function checkKeyReadOnly(databaseFile: string): void {
  const sqlite = openReadOnly(databaseFile);
  try {
    if (sqliteHasTable(sqlite, "meta")) compareCheckValue(drizzle(sqlite, { schema }));
  } finally {
    sqlite.close();
  }
}

/** Throws unless the stored check value decrypts under our key; false when there is none yet (a fresh database). */
function compareCheckValue(db: BetterSQLite3Database<typeof schema>): boolean {
  const row = db.select().from(schema.meta).where(eq(schema.meta.key, CHECK_KEY)).get();
  const hasData = row ? false : db.select({ id: schema.accounts.id }).from(schema.accounts).limit(1).get() !== undefined;
  return judgeCheckValue(row?.value, hasData);
}

/** The rule, whichever database the stored value came from. */
function judgeCheckValue(stored: string | undefined, hasData: boolean): boolean {
  if (stored === undefined) {
    if (hasData) throw new EncryptionKeyMismatchError("the key check value is missing");
    return false;
  }
  try {
    if (decryptField(stored, CONTEXT) !== CHECK_PLAINTEXT) throw new DecryptionError("unexpected check value");
  } catch (err) {
    if (err instanceof DecryptionError) throw new EncryptionKeyMismatchError(err.message);
    throw err;
  }
  return true;
}

/** After migrations, on the writable connection: checks the key again, or stores the check value on first start. */
export function verifyEncryptionKey(db: BetterSQLite3Database<typeof schema>): void {
  if (!compareCheckValue(db)) {
    db.insert(schema.meta)
      .values({ key: CHECK_KEY, value: encryptField(CHECK_PLAINTEXT, CONTEXT) })
      .onConflictDoNothing()
      .run();
  }
}

/**
 * PostgreSQL's key check (lib/db/postgres.ts), under the migration advisory
 * lock so replicas starting together store one check value. Called before the
 * migrations with store=false (a database that has a check value refuses a
 * wrong key before anything in it changes), then after them with store=true
 * (a fresh database gets its check value).
 */
export async function verifyEncryptionKeyPostgres(db: NodePgDatabase<typeof pgSchema>, options: { store: boolean }): Promise<void> {
  const [row] = await db.select().from(pgSchema.meta).where(eq(pgSchema.meta.key, CHECK_KEY)).limit(1);
  const hasData = row ? false : (await db.select({ id: pgSchema.accounts.id }).from(pgSchema.accounts).limit(1)).length > 0;
  if (!judgeCheckValue(row?.value, hasData) && options.store) {
    await db
      .insert(pgSchema.meta)
      .values({ key: CHECK_KEY, value: encryptField(CHECK_PLAINTEXT, CONTEXT) })
      .onConflictDoNothing();
  }
}
