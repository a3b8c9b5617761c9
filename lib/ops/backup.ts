/**
 * `npm run backup` (scripts/backup.ts): a consistent snapshot of the instance
 * while the server runs and writes.
 * - SQLite: SQLite's online backup API (better-sqlite3's backup()), all pages
 *   in one step, so it reads one snapshot and never restarts under writes.
 * - PostgreSQL: every table read in one REPEATABLE READ, READ ONLY transaction
 *   (one snapshot for all of them) and written into a SQLite file of the same
 *   schema; the same Drizzle mapping as db:copy, in the other direction.
 * Either way the result is a backup file (./backup-file.ts) with a manifest,
 * sealed with a key derived from the encryption key (./backup-seal.ts), so the
 * backup needs the instance's key (the data itself stays sealed as it is).
 * The file is written next to --out and renamed into place only when whole.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { getTableColumns, sql } from "drizzle-orm";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { SQLiteInsertValue, SQLiteTable } from "drizzle-orm/sqlite-core";
import pg from "pg";
import { describeTarget, tablesInCopyOrder } from "@/lib/db/copy-to-postgres";
import { parseInt8AsNumber, POSTGRES_MIGRATIONS } from "@/lib/db/postgres";
import * as pgSchema from "@/lib/db/schema.pg";
import * as sqliteSchema from "@/lib/db/schema.sqlite";
import { SQLITE_MIGRATIONS } from "@/lib/db/sqlite";
import { sqliteHasTable } from "@/lib/db/sqlite-has-table";
import { keyRing, keySetById } from "@/lib/crypto/keys";
import { HEARTBEAT_PATTERN } from "@/lib/data/heartbeat";
import { type BackupManifest, BackupRefusedError, connectOrRefuse, createPrivateFile, describe, MANIFEST_TABLE, writeManifest } from "./backup-file";
import { sealBackup } from "./backup-seal";

const MAX_PARAMETERS = 30_000;
const MAX_BATCH = 1_000;

type Source = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

/** Takes a backup of `source` into `out` (refused if `out` exists); returns its manifest. */
export async function takeBackup(source: Source, out: string, log: (line: string) => void): Promise<BackupManifest> {
  if (fs.existsSync(out)) throw new BackupRefusedError(`${out} already exists; name a new file (a backup never overwrites one).`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  try {
    // Private before the copy writes a byte into it (SQLite gives its journal the same mode).
    createPrivateFile(partial);
    if (source.kind === "sqlite") {
      if (!fs.existsSync(source.file)) throw new BackupRefusedError(`There is no Latchkey database at ${source.file}.`);
      log(`Backing up ${source.file} (SQLite online backup)…`);
      const live = new Database(source.file, { readonly: true, fileMustExist: true });
      try {
        // One step for all pages: one read snapshot, so concurrent writes can't restart or tear it.
        await live.backup(partial, { progress: ({ remainingPages }) => Math.max(remainingPages, 1) });
      } finally {
        live.close();
      }
    } else {
      log(`Backing up ${describeTarget(source.url)} (one REPEATABLE READ snapshot)…`);
      await copyPostgresSnapshot(source.url, partial);
    }
    const file = new Database(partial);
    let manifest: BackupManifest;
    try {
      // A self-contained file: no -wal beside it.
      file.pragma("journal_mode = DELETE");
      // The source's server heartbeats describe its processes, not the data: restored, they would read as a
      // server running on the target (lib/ops/running-server.ts).
      dropServerHeartbeats(file);
      const described = describe(file, source.kind);
      // The key must be this instance's: the seal made with another would refuse the backup at restore.
      if (described.key_id !== null && !keySetById(described.key_id)) {
        throw new BackupRefusedError(
          `The configured encryption key is not this instance's: its data is sealed with key id "${described.key_id}", the configured key's id is "${keyRing().keyId}". ` +
            "Run the backup with the instance's key (ENCRYPTION_KEY, or its encryption.key file in DATA_DIR).",
        );
      }
      manifest = { ...described, seal: sealBackup(file, MANIFEST_TABLE, described) };
      writeManifest(file, manifest);
    } finally {
      file.close();
    }
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, out);
    return manifest;
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
}

function dropServerHeartbeats(file: Database.Database): void {
  if (!sqliteHasTable(file, "leases")) return;
  file.prepare("DELETE FROM leases WHERE name LIKE ?").run(HEARTBEAT_PATTERN);
}

/** Every table of the PostgreSQL database, from one snapshot, into a new SQLite file with the same schema. */
async function copyPostgresSnapshot(url: string, file: string): Promise<void> {
  parseInt8AsNumber();
  const target = new Database(file);
  const client = new pg.Client({ connectionString: url });
  try {
    await connectOrRefuse(client, url);
    const local = JSON.parse(fs.readFileSync(path.join(POSTGRES_MIGRATIONS, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
    const { rows } = await client.query<{ n: number }>(
      "SELECT CASE WHEN to_regclass('drizzle.__drizzle_migrations') IS NULL THEN 0 ELSE (SELECT count(*)::int FROM drizzle.__drizzle_migrations) END AS n",
    );
    if (rows[0].n !== local.entries.length) {
      throw new BackupRefusedError(
        `${describeTarget(url)} has ${rows[0].n} of this version's ${local.entries.length} migrations: back it up with the Latchkey version that runs on it.`,
      );
    }
    const into = drizzleSqlite(target, { schema: sqliteSchema });
    migrate(into, { migrationsFolder: SQLITE_MIGRATIONS });
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const from = drizzlePg(client, { schema: pgSchema });
    target.exec("BEGIN");
    for (const { source: sqliteTable, target: pgTable } of tablesInCopyOrder()) {
      // The whole table in one statement of the snapshot (paging by ctid duplicated rows under concurrent writes).
      const rows = (await from.select(getTableColumns(pgTable)).from(pgTable)) as Record<string, unknown>[];
      const batchSize = Math.max(1, Math.min(MAX_BATCH, Math.floor(MAX_PARAMETERS / Math.max(1, Object.keys(getTableColumns(pgTable)).length))));
      for (let i = 0; i < rows.length; i += batchSize) {
        await into.insert(sqliteTable).values(rows.slice(i, i + batchSize) as SQLiteInsertValue<SQLiteTable>[]);
      }
    }
    target.exec("COMMIT");
    await client.query("COMMIT");
  } finally {
    target.close();
    await client.end().catch(() => undefined);
  }
}
