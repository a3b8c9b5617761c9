/**
 * The backup file: one SQLite database with every Latchkey table (the
 * instance's schema, migrated by drizzle/sqlite) plus one extra table,
 * latchkey_backup, holding the manifest. Backups of both dialects take this
 * form, so one restore reads them all and a backup restores into either
 * dialect. The manifest is computed from the file itself after the copy, so
 * it describes exactly what the file holds. The encryption key is never in
 * it: only the key's id (the prefix of every ciphertext), and a seal made with
 * a key derived from it, so a changed file is refused (./backup-seal.ts).
 */
import "server-only";
import "@/lib/db/sqlite-uri";
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import type pg from "pg";
import { describeTarget, tablesInCopyOrder } from "@/lib/db/copy-to-postgres";
import { connectionFailure } from "@/lib/db/postgres";
import { sqliteHasTable } from "@/lib/db/sqlite-has-table";
import type { BackupSeal } from "./backup-seal";
import { ENCRYPTED_COLUMNS, ENCRYPTED_JSON_FIELDS } from "./encrypted-columns";

export const MANIFEST_TABLE = "latchkey_backup";
const FORMAT = "latchkey-backup/1";

export type ChainHead = { account_id: string; seq: number; hash: string };

export type BackupManifest = {
  format: typeof FORMAT;
  created_at: string;
  /** The dialect the backup was taken from ("sqlite" or "postgres"). */
  source: "sqlite" | "postgres";
  /** Migrations applied to the backup's (SQLite) schema, and the newest one's tag. */
  schema_version: number;
  schema_tag: string | null;
  /** Id of the encryption key the data is sealed with (never the key). */
  key_id: string | null;
  row_counts: Record<string, number>;
  /** The activity chain's newest event per account. */
  chain_heads: ChainHead[];
  /** HMAC over the file's content and the fields above, under a key derived from the encryption key (./backup-seal.ts). */
  seal?: BackupSeal;
};

/** The backup can't be used, or the restore would harm data: the message says why (and that nothing changed). */
export class BackupRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupRefusedError";
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Connects backup's source or restore's target; a failed connection is refused in words an operator can act on. */
export async function connectOrRefuse(client: pg.Client, url: string): Promise<void> {
  await client.connect().catch((err: unknown) => {
    throw new BackupRefusedError(`cannot connect to ${describeTarget(url)}: ${connectionFailure(err)}`);
  });
}

/**
 * Creates an empty file only its owner can read (refused if it exists). Backup
 * and restore files are made this way before a byte is in them: a descriptor
 * someone opened on a world-readable file keeps reading after a later chmod.
 */
export function createPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, "wx", 0o600));
}

/** Copies `from` into a new file only its owner can read (fs.copyFile would give it `from`'s mode). */
export function copyPrivate(from: string, to: string): void {
  createPrivateFile(to);
  const source = fs.openSync(from, "r");
  const target = fs.openSync(to, "r+");
  try {
    const chunk = Buffer.alloc(1 << 20);
    for (let at = 0; ; ) {
      const n = fs.readSync(source, chunk, 0, chunk.length, at);
      if (n === 0) break;
      fs.writeSync(target, chunk, 0, n, at);
      at += n;
    }
    fs.fsyncSync(target);
  } finally {
    fs.closeSync(source);
    fs.closeSync(target);
  }
}

/** The id in front of the stored key check value ("<keyId>.<ciphertext>"), or null for a database that has none. */
function keyIdOf(sqlite: Database.Database): string | null {
  const row = sqlite.prepare("SELECT value FROM meta WHERE key = 'encryption_key_check'").get() as { value: string } | undefined;
  if (!row) return null;
  const dot = row.value.indexOf(".");
  return dot > 0 ? row.value.slice(0, dot) : null;
}

/**
 * Every key id the file's sealed values name (the prefix of each
 * "<keyId>.<sealed>"): the key check's, every encrypted column's and the
 * queued mail's. A backup taken while `npm run rotate-key` ran holds two, and
 * only restores with both keys. Tables or columns an older schema lacks are skipped.
 */
export function sealedKeyIds(sqlite: Database.Database): string[] {
  const ids = new Set<string>();
  const check = keyIdOf(sqlite);
  if (check) ids.add(check);
  const hasColumn = (table: string, column: string) =>
    (sqlite.prepare("SELECT count(*) AS n FROM pragma_table_info(?) WHERE name = ?").get(table, column) as { n: number }).n > 0;
  const collect = (query: string, ...params: unknown[]) => {
    for (const { id } of sqlite.prepare(query).all(...params) as Array<{ id: string | null }>) if (id) ids.add(id);
  };
  for (const { table, column } of ENCRYPTED_COLUMNS) {
    if (!hasColumn(table, column)) continue;
    const value = quoted(column);
    collect(`SELECT DISTINCT substr(${value}, 1, instr(${value}, '.') - 1) AS id FROM ${quoted(table)} WHERE instr(${value}, '.') > 1`);
  }
  const mail = ENCRYPTED_JSON_FIELDS;
  if (hasColumn(mail.table, mail.column)) {
    for (const { field } of mail.fields) {
      const value = `json_extract(${quoted(mail.column)}, '$.${field}')`;
      collect(
        `SELECT DISTINCT substr(${value}, 1, instr(${value}, '.') - 1) AS id FROM ${quoted(mail.table)} WHERE topic = ? AND json_valid(${quoted(mail.column)}) AND instr(${value}, '.') > 1`,
        mail.topic,
      );
    }
  }
  return [...ids].sort();
}

/**
 * Row counts of every table of the schema the file has: a backup taken by an earlier version lacks the tables
 * added since (retired_usernames), and neither its manifest nor its file lists them.
 */
export function countRows(sqlite: Database.Database): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { name } of tablesInCopyOrder()) {
    if (!sqliteHasTable(sqlite, name)) continue;
    counts[name] = (sqlite.prepare(`SELECT count(*) AS n FROM ${quoted(name)}`).get() as { n: number }).n;
  }
  return counts;
}

export function chainHeads(sqlite: Database.Database): ChainHead[] {
  return sqlite
    .prepare(
      `SELECT e.account_id, e.seq, e.hash FROM activity_events e
       WHERE e.seq = (SELECT max(seq) FROM activity_events WHERE account_id = e.account_id) ORDER BY e.account_id`,
    )
    .all() as ChainHead[];
}

/** Describes the backup file just written (its own schema version, key id, counts and chain heads). */
export function describe(sqlite: Database.Database, source: BackupManifest["source"]): BackupManifest {
  const migrations = sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
  return {
    format: FORMAT,
    created_at: new Date().toISOString(),
    source,
    schema_version: migrations.n,
    schema_tag: latestTag(migrations.n),
    key_id: keyIdOf(sqlite),
    row_counts: countRows(sqlite),
    chain_heads: chainHeads(sqlite),
  };
}

/** The tag of the nth SQLite migration in this version's journal (null if this version doesn't know it). */
function latestTag(count: number): string | null {
  const entries = sqliteJournal();
  return entries[count - 1]?.tag ?? null;
}

export function sqliteJournal(): Array<{ tag: string }> {
  const file = `${process.cwd()}/drizzle/sqlite/meta/_journal.json`;
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { entries: Array<{ tag: string }> }).entries;
}

export function writeManifest(sqlite: Database.Database, manifest: BackupManifest): void {
  sqlite.exec(`CREATE TABLE ${MANIFEST_TABLE} (manifest TEXT NOT NULL)`);
  sqlite.prepare(`INSERT INTO ${MANIFEST_TABLE} (manifest) VALUES (?)`).run(JSON.stringify(manifest));
}

/** Opens a backup file without changing a byte of it (immutable: no locks, no -wal, no -shm). */
export function openBackup(file: string): Database.Database {
  if (!fs.existsSync(file)) throw new BackupRefusedError(`There is no backup file at ${file}.`);
  try {
    const sqlite = new Database(`${pathToFileURL(file).href}?mode=ro&immutable=1`, { readonly: true, fileMustExist: true });
    sqlite.prepare("SELECT count(*) FROM sqlite_master").get();
    return sqlite;
  } catch (err) {
    throw new BackupRefusedError(`${file} is not a Latchkey backup (${(err as Error).message}).`);
  }
}

export function readManifest(sqlite: Database.Database, file: string): BackupManifest {
  let manifest: BackupManifest | undefined;
  try {
    const row = sqlite.prepare(`SELECT manifest FROM ${MANIFEST_TABLE}`).get() as { manifest: string } | undefined;
    manifest = row ? (JSON.parse(row.manifest) as BackupManifest) : undefined;
  } catch {
    manifest = undefined;
  }
  if (!manifest || manifest.format !== FORMAT) throw new BackupRefusedError(`${file} is not a Latchkey backup (it has no manifest).`);
  return manifest;
}

/**
 * The file is whole and says what it holds: SQLite's integrity and foreign-key
 * checks pass, and every table has the rows and chain heads the manifest lists.
 */
export function checkBackup(sqlite: Database.Database, manifest: BackupManifest, file: string): void {
  const integrity = sqlite.pragma("integrity_check") as Array<{ integrity_check: string }>;
  if (integrity.length !== 1 || integrity[0].integrity_check !== "ok") {
    throw new BackupRefusedError(`${file} is damaged (SQLite integrity check: ${integrity.map((r) => r.integrity_check).slice(0, 3).join("; ")}).`);
  }
  const dangling = sqlite.pragma("foreign_key_check") as unknown[];
  if (dangling.length > 0) throw new BackupRefusedError(`${file} is damaged: ${dangling.length} rows reference rows that are not in it.`);
  const counts = countRows(sqlite);
  const differing = Object.keys({ ...counts, ...manifest.row_counts }).filter((t) => counts[t] !== manifest.row_counts[t]);
  if (differing.length > 0) {
    throw new BackupRefusedError(
      `${file} does not hold what its manifest lists (${differing.map((t) => `${t}: ${counts[t] ?? "no table"} rows, manifest ${manifest.row_counts[t] ?? "none"}`).join("; ")}).`,
    );
  }
  if (JSON.stringify(chainHeads(sqlite)) !== JSON.stringify(manifest.chain_heads)) {
    throw new BackupRefusedError(`${file}: the activity chain's newest events differ from the manifest's.`);
  }
}
