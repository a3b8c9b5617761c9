/**
 * The SQLite engine: one file in DATA_DIR, WAL mode, two connections. The
 * writer runs every transaction, one at a time (an in-process queue, then
 * BEGIN IMMEDIATE against other processes); the reader is query_only and sees
 * committed data, so a request never reads another's half-done transaction.
 */
import "server-only";
// Before better-sqlite3 loads: the read-only key check opens the database by URI (see key-check.ts).
import "./sqlite-uri";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import pLimit from "p-limit";
import { config } from "@/lib/config";
import { ensurePrivateDataDir } from "@/lib/crypto/data-dir";
import { keyRing } from "@/lib/crypto/keys";
import { DatabaseStartError, type Db, type Engine } from "./engine";
import { sealPlaintextIdpSubjects } from "./idp-subject";
import { checkKeyReadOnly, verifyEncryptionKey } from "./key-check";
import * as schema from "./schema";
import { sqliteCommittedVersion } from "./sqlite-committed-version";
import { type Housekeeper, housekeepInBackground } from "./sqlite-housekeeping";

export const SQLITE_MIGRATIONS = path.join(process.cwd(), "drizzle", "sqlite");

/**
 * The writer's page cache, in KiB (the reader keeps better-sqlite3's 16 MB,
 * which the searches and lists at 100,000 users use). The writer's filled up
 * with the start-up passes (migrations, counts, the search index's check) and
 * then stayed resident at 16 MB; its writes touch few pages each, and a page
 * it misses comes from the operating system's page cache, not the disk.
 */
const WRITER_CACHE_KIB = 4_096;

function connect(file: string, options: { queryOnly: boolean }): Database.Database {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  if (options.queryOnly) sqlite.pragma("query_only = ON");
  else {
    sqlite.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
    // A deleted row's bytes are overwritten with zeros, not left in the file's free space for a copy of it to hold
    // (review 31: a deleted person's sealed email, digests and tokens stayed there). ON, not FAST: FAST leaves the
    // pages a delete frees whole (a mail's overflow pages, an emptied leaf) as they were. The extra writes are
    // those freed pages only; a delete within a page dirties that page anyway.
    sqlite.pragma("secure_delete = ON");
  }
  return sqlite;
}

/** How many prepared statements each connection keeps for Drizzle (least recently used go first). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Drizzle sees it: the same handle, but `prepare` keeps the
 * statements it compiled, by SQL text. Drizzle prepares every query it runs
 * afresh (building a statement costs more than most of our indexed lookups),
 * and the hot paths run the same few dozen texts over and over. A kept
 * statement is handed out in object mode (Drizzle switches it to raw mode itself
 * when it wants arrays); one still busy in an iteration is not shared. The
 * native handle (engine().native) stays uncached for code that holds its own
 * statements.
 */
export function withStatementCache(sqlite: Database.Database): Database.Database {
  const kept = new Map<string, Database.Statement>();
  const prepare = (source: string): Database.Statement => {
    const statement = kept.get(source);
    if (statement && !statement.busy) {
      // Most recently used last, so the first entry is the one to evict.
      kept.delete(source);
      kept.set(source, statement);
      return statement.reader ? statement.raw(false) : statement;
    }
    const fresh = sqlite.prepare(source);
    if (!statement) {
      if (kept.size >= STATEMENT_CACHE_SIZE) kept.delete(kept.keys().next().value as string);
      kept.set(source, fresh);
    }
    return fresh;
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === "prepare") return prepare;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      let method = bound.get(property);
      if (!method) bound.set(property, (method = (value as (...args: unknown[]) => unknown).bind(target)));
      return method;
    },
  });
}

/**
 * A restore killed part-way (lib/ops/restore.ts: its staged copy `latchkey.db.restoring-<pid>`, the files
 * --force set aside as `latchkey.db.replaced-<time>`, then the rename) can leave DATA_DIR without latchkey.db.
 * A start there must not create a new, empty instance beside the data (its /setup open to whoever comes first):
 * it stops and says what to do (review 18).
 */
function refuseInterruptedRestore(dataDir: string, databaseFile: string): void {
  const base = path.basename(databaseFile);
  const left = fs.readdirSync(dataDir).filter((name) => name.startsWith(`${base}.restoring-`) || name.startsWith(`${base}.replaced-`));
  if (left.length === 0) return;
  throw new DatabaseStartError(
    `${databaseFile} is missing, but ${dataDir} holds ${left.join(", ")}: a restore did not finish. ` +
      `Run the restore again (npm run restore), or move a kept-aside ${base}.replaced-… file back to ${base}. No new database was created.`,
  );
}

/** Opens (creating and migrating when new) the instance's SQLite database. Synchronous: SQLite is a file. */
export function openSqlite(): Engine {
  const { dataDir, databaseFile } = config();
  // Before anything in it is read: a directory anyone may write to may hold their database or key.
  ensurePrivateDataDir(dataDir);
  // An existing database is checked read-only first: a wrong key must not change a byte of DATA_DIR
  // (no chmod, no WAL checkpoint on close, no migration).
  if (fs.existsSync(databaseFile)) checkKeyReadOnly(databaseFile);
  else {
    refuseInterruptedRestore(dataDir, databaseFile);
    // A new database: the key (generated into DATA_DIR when not given) exists before the database does.
    keyRing();
  }
  const writer = connect(databaseFile, { queryOnly: false });
  fs.chmodSync(databaseFile, 0o600);
  const writerDb = drizzle(withStatementCache(writer), { schema }) as Db;
  try {
    migrate(writerDb, { migrationsFolder: SQLITE_MIGRATIONS });
    verifyEncryptionKey(writerDb);
    // Data migrations SQL can't do (encryption), right after the schema's, before any read.
    const sealed = sealPlaintextIdpSubjects(writer);
    if (sealed > 0) console.log(`Encrypted the identity-provider subjects of ${sealed} users`);
  } catch (err) {
    writer.close();
    throw err;
  }
  const reader = connect(databaseFile, { queryOnly: true });
  // One transaction at a time on the one writer connection; BEGIN IMMEDIATE orders us against other processes.
  const queue = pLimit(1);
  // Every write on the writer moves it in finally: a failed one only costs the caches a reload.
  const version = sqliteCommittedVersion(reader);
  return {
    dialect: "sqlite",
    reader: drizzle(withStatementCache(reader), { schema }) as Db,
    native: { kind: "sqlite", writer, reader },
    withWriter: (fn) =>
      queue(async () => {
        try {
          return await fn();
        } finally {
          version.committed();
        }
      }),
    transact: (fn) =>
      queue(async () => {
        writer.exec("BEGIN IMMEDIATE");
        try {
          const result = await fn(writerDb);
          writer.exec("COMMIT");
          return result;
        } catch (err) {
          if (writer.inTransaction) writer.exec("ROLLBACK");
          throw err;
        } finally {
          version.committed();
        }
      }),
    committedVersion: version.read,
    close: async () => {
      await queue(async () => undefined);
      await housekeepers.get(writer)?.stop();
      reader.close();
      // Everything in the WAL into the database file, so the file alone is the whole instance after a stop.
      writer.pragma("wal_checkpoint(TRUNCATE)");
      writer.close();
    },
  };
}

const housekeepers = new WeakMap<Database.Database, Housekeeper>();

/**
 * For server processes (lib/startup.ts) and the bench's in-process writers:
 * WAL checkpoints and planner statistics from a worker thread instead of
 * inside a request's COMMIT (lib/db/sqlite-housekeeping.ts). Tests and
 * one-shot scripts don't need it.
 */
export function startSqliteHousekeeping(opened: Engine): void {
  if (opened.native.kind !== "sqlite" || housekeepers.has(opened.native.writer)) return;
  housekeepers.set(opened.native.writer, housekeepInBackground(config().databaseFile, opened.native.writer));
}
