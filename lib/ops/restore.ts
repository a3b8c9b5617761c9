/**
 * `npm run restore` (scripts/restore.ts): a backup file (./backup-file.ts)
 * into an empty instance: the SQLite file in DATA_DIR, or the PostgreSQL
 * database in DATABASE_URL (a backup of either dialect restores into either).
 *
 * Everything that can refuse does so before anything is written: the file's
 * integrity and manifest, its schema version, the key (its id and the stored
 * check value must match the configured key, and every key id its sealed
 * values name must be given), its seal (./backup-seal.ts: the content is
 * what was backed up, changed by nobody without the key), a server running on the
 * target (./running-server.ts: refused even with --force, unless
 * --ignore-running-server), and an occupied target (only
 * --force replaces data; on SQLite the replaced files are kept aside). Then
 * the data is written, the database is opened as a start opens it
 * (migrations, key check), and the row counts and every account's activity
 * chain are checked against the manifest. On SQLite a failed check undoes the
 * restore (what it wrote is removed, the files it set aside come back), so a
 * start never opens data that failed them.
 */
import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import pg from "pg";
import { accountsWithEvents, verifyChain } from "@/lib/audit/verify";
import { config } from "@/lib/config";
import { ensurePrivateDataDir } from "@/lib/crypto/data-dir";
import { keyRing } from "@/lib/crypto/keys";
import { copyToPostgres, describeTarget, tablesInCopyOrder } from "@/lib/db/copy-to-postgres";
import { closeDatabase, db, openDatabase } from "@/lib/db/database";
import { checkKeyReadOnly, EncryptionKeyMismatchError } from "@/lib/db/key-check";
import { rows } from "@/lib/db/raw";
import * as sqliteSchema from "@/lib/db/schema.sqlite";
import { SQLITE_MIGRATIONS } from "@/lib/db/sqlite";
import { checkBackupSeal } from "./backup-seal";
import { postgresHeartbeat, refuseWhileServing, sqliteHeartbeat } from "./running-server";
import { type BackupManifest, BackupRefusedError, checkBackup, connectOrRefuse, copyPrivate, MANIFEST_TABLE, openBackup, readManifest, sealedKeyIds, sqliteJournal } from "./backup-file";

export type RestoreOptions = {
  /** Replace the target's data (SQLite: its files are kept aside). */
  force: boolean;
  /** Take a backup made before backups were sealed. */
  allowUnsealed?: boolean;
  /** Restore although the target's server heartbeat is fresh (the operator knows no server runs). */
  ignoreRunningServer?: boolean;
};

export type RestoreResult = { manifest: BackupManifest; target: string; events: number; setAside: string[] };

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Everything about the file and the key, before anything is written. */
function inspect(file: string, allowUnsealed: boolean): BackupManifest {
  const backup = openBackup(file);
  try {
    const manifest = readManifest(backup, file);
    checkBackup(backup, manifest, file);
    const known = sqliteJournal().length;
    if (manifest.schema_version > known) {
      throw new BackupRefusedError(`${file} was made by a newer Latchkey (schema ${manifest.schema_version}; this version knows ${known}). Restore it with that version.`);
    }
    const keyId = keyRing().keyId;
    if (manifest.key_id !== null && manifest.key_id !== keyId) {
      throw new BackupRefusedError(
        `The encryption key does not match this backup: its data is sealed with key id "${manifest.key_id}", the configured key's id is "${keyId}". ` +
          "Restore with the key the instance had (ENCRYPTION_KEY, or its encryption.key file in DATA_DIR). Nothing was written.",
      );
    }
    // The key check names one key; values sealed with another (a backup taken during `npm run rotate-key`) would be unreadable.
    const given = new Set([keyId, ...keyRing().previous.map((k) => k.keyId)]);
    const missing = sealedKeyIds(backup).filter((id) => !given.has(id));
    if (missing.length > 0) {
      throw new BackupRefusedError(
        `This backup also holds values sealed with ${missing.length === 1 ? "the key ID" : "the key IDs"} ${missing.map((id) => `"${id}"`).join(", ")}, which the configured keys don't include ` +
          `(it was taken while \`npm run rotate-key\` ran). Restore with ENCRYPTION_KEY set to the key with id "${keyId}" and ENCRYPTION_KEY_PREVIOUS ` +
          "to the other keys (comma-separated), then run `npm run rotate-key` to finish the rotation. Nothing was written.",
      );
    }
    checkSeal(backup, manifest, file, allowUnsealed);
    return manifest;
  } finally {
    backup.close();
  }
}

/** The seal matches the content under one of the configured keys: nobody without the key changed the file. */
function checkSeal(backup: Database.Database, manifest: BackupManifest, file: string, allowUnsealed: boolean): void {
  const { seal, ...described } = manifest;
  if (!seal) {
    if (allowUnsealed) return;
    throw new BackupRefusedError(
      `${file} carries no seal, so nothing shows it is unchanged since it was taken. Only a backup made before backups were sealed lacks one; ` +
        "if this is such a backup and it never left your hands, restore it with --allow-unsealed. Nothing was written.",
    );
  }
  const result = checkBackupSeal(backup, MANIFEST_TABLE, described, seal);
  if (result === "key_missing") {
    throw new BackupRefusedError(`${file} is sealed with key id "${seal.key_id}", which is not among the configured keys. Restore with that key. Nothing was written.`);
  }
  if (result === "changed") {
    throw new BackupRefusedError(`${file} was changed after it was taken: its content doesn't match its seal. Don't restore it. Nothing was written.`);
  }
}

/** The stored check value decrypts under the configured key (a key with a colliding id still fails here). */
function checkKey(file: string): void {
  try {
    checkKeyReadOnly(file);
  } catch (err) {
    if (err instanceof EncryptionKeyMismatchError) throw new BackupRefusedError(`${err.message.replace(/ Nothing was changed\.$/, "")} Nothing was written.`);
    throw err;
  }
}

const SQLITE_FILES = ["", "-wal", "-shm"];

/** SQLite: the backup file, less its manifest, becomes DATA_DIR/latchkey.db (old files set aside with --force). */
function restoreSqlite(file: string, options: RestoreOptions): string[] {
  const { dataDir, databaseFile } = config();
  const force = options.force;
  refuseWhileServing(sqliteHeartbeat(databaseFile), databaseFile, { ignoreRunningServer: options.ignoreRunningServer ?? false });
  const present = SQLITE_FILES.map((s) => databaseFile + s).filter((f) => fs.existsSync(f));
  if (present.length > 0 && !force) {
    throw new BackupRefusedError(`${databaseFile} already exists. Restore into an empty DATA_DIR, or add --force to replace it (it is kept aside). Nothing was written.`);
  }
  ensurePrivateDataDir(dataDir);
  const staged = `${databaseFile}.restoring-${process.pid}`;
  copyPrivate(file, staged);
  const sqlite = new Database(staged);
  try {
    sqlite.exec(`DROP TABLE ${MANIFEST_TABLE}`);
  } finally {
    sqlite.close();
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const setAside = present.map((f) => {
    const aside = `${f}.replaced-${stamp}`;
    fs.renameSync(f, aside);
    return aside;
  });
  fs.renameSync(staged, databaseFile);
  return setAside;
}

/** Removes what restoreSqlite wrote (and what opening it added) and puts the files it set aside back under their names. */
function undoSqliteRestore(setAside: string[]): void {
  const { databaseFile } = config();
  for (const suffix of SQLITE_FILES) fs.rmSync(databaseFile + suffix, { force: true });
  for (const aside of setAside) fs.renameSync(aside, aside.replace(/\.replaced-[^/]*$/, ""));
}

/**
 * A backup from an earlier version holds that version's schema. Restored into SQLite, the file is migrated
 * as a start migrates it; its rows are read with this version's schema for PostgreSQL, so they are read from
 * a private copy migrated the same way first (before anything is written, so a failing migration changes
 * nothing): the columns read exist, and what the migrations do to old rows happens on both dialects
 * (0021 forgets sessions' client addresses kept in the clear). The backup file itself is never changed.
 */
function backupInThisSchema(file: string, manifest: BackupManifest, log: (line: string) => void): { file: string; remove: () => void } {
  if (manifest.schema_version === sqliteJournal().length) return { file, remove: () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-restore-"));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const copy = path.join(dir, path.basename(file));
    copyPrivate(file, copy);
    const sqlite = new Database(copy);
    try {
      migrate(drizzle(sqlite), { migrationsFolder: SQLITE_MIGRATIONS });
    } finally {
      sqlite.close();
    }
    log(`The backup has schema ${manifest.schema_version}, this version ${sqliteJournal().length}: migrated a private copy of it before the copy.`);
    return { file: copy, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/** PostgreSQL: the backup's rows copied into the (empty, or emptied with --force) database. */
async function restorePostgres(file: string, manifest: BackupManifest, url: string, options: RestoreOptions, log: (line: string) => void): Promise<void> {
  const source = backupInThisSchema(file, manifest, log);
  try {
    await copyBackupToPostgres(source.file, url, options, log);
  } finally {
    source.remove();
  }
}

async function copyBackupToPostgres(file: string, url: string, options: RestoreOptions, log: (line: string) => void): Promise<void> {
  const force = options.force;
  const client = new pg.Client({ connectionString: url });
  await connectOrRefuse(client, url);
  try {
    refuseWhileServing(await postgresHeartbeat(client), describeTarget(url), { ignoreRunningServer: options.ignoreRunningServer ?? false });
    const occupied: string[] = [];
    for (const { name } of tablesInCopyOrder()) {
      const { rows: present } = await client.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [`public.${quoted(name)}`]);
      if (present[0].present && (await client.query(`SELECT 1 FROM ${quoted(name)} LIMIT 1`)).rowCount) occupied.push(name);
    }
    if (occupied.length > 0 && !force) {
      throw new BackupRefusedError(
        `${describeTarget(url)} is not empty (${occupied.join(", ")} hold rows). Restore into an empty database, or add --force to replace its data. Nothing was written.`,
      );
    }
    if (occupied.length > 0 || force) {
      log(`--force: emptying ${describeTarget(url)} (schema public and Drizzle's migration table)…`);
      await client.query("DROP SCHEMA IF EXISTS drizzle CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }
  } finally {
    await client.end();
  }
  const backup = openBackup(file);
  try {
    await copyToPostgres(drizzle(backup, { schema: sqliteSchema }), url, log);
  } finally {
    backup.close();
  }
}

/** What the opened database holds, against the manifest: row counts, then each account's chain (verified, ending at the manifest's head). */
async function checkRestored(manifest: BackupManifest): Promise<number> {
  const differing: string[] = [];
  for (const [table, expected] of Object.entries(manifest.row_counts)) {
    const [{ n }] = await rows<{ n: number }>(db(), sql`SELECT CAST(count(*) AS INTEGER) AS n FROM ${sql.identifier(table)}`);
    if (Number(n) !== expected) differing.push(`${table}: ${n} rows, manifest ${expected}`);
  }
  if (differing.length > 0) throw new Error(`the restored database differs from the backup (${differing.join("; ")})`);
  let events = 0;
  for (const accountId of await accountsWithEvents()) {
    const report = await verifyChain(accountId);
    if (!report.ok) throw new Error(`account ${accountId}'s activity chain does not verify: ${report.broken?.message}`);
    const head = manifest.chain_heads.find((h) => h.account_id === accountId);
    if (head && report.lastSeq !== head.seq) throw new Error(`account ${accountId}'s activity chain ends at #${report.lastSeq}, the backup's at #${head.seq}`);
    events += report.checked;
  }
  return events;
}

export async function restoreBackup(
  file: string,
  options: RestoreOptions,
  log: (line: string) => void,
): Promise<RestoreResult> {
  const manifest = inspect(file, options.allowUnsealed ?? false);
  checkKey(file);
  log(`Backup ${file}: taken ${manifest.created_at} from ${manifest.source}, schema ${manifest.schema_version}, key id ${manifest.key_id}; integrity OK.`);
  const url = config().databaseUrl;
  let setAside: string[] = [];
  if (url) await restorePostgres(file, manifest, url, options, log);
  else setAside = restoreSqlite(file, options);
  const target = url ? describeTarget(url) : config().databaseFile;
  for (const aside of setAside) log(`The replaced ${path.basename(aside).replace(/\.replaced-.*$/, "")} is kept as ${aside}.`);
  log(`Restored into ${target}; opening it as a start does (migrations, key check)…`);
  try {
    await openDatabase();
    const events = await checkRestored(manifest);
    return { manifest, target, events, setAside };
  } catch (err) {
    if (url) throw err;
    // What failed its checks must not stay as the instance a start opens: the replaced database comes back.
    await closeDatabase();
    undoSqliteRestore(setAside);
    const undone = setAside.length > 0 ? "the database it replaced is back in place" : `${config().databaseFile} was removed again`;
    throw new Error(`${(err as Error).message}. The restore was undone: ${undone}.`, { cause: err });
  } finally {
    await closeDatabase();
  }
}
