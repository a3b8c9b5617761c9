/**
 * Is a server running on the data `npm run restore` is about to replace? Read
 * from the server's heartbeat (lib/data/heartbeat.ts) in the target itself,
 * with the engine's own client: restore reads it before it opens (or writes)
 * anything as a start would. A restore under a running server corrupts the
 * SQLite file it has open, or leaves it serving from a database emptied and
 * refilled under it, so it is refused even with --force, unless the operator
 * says no server runs (--ignore-running-server: a heartbeat written by a
 * server whose clock runs ahead, or one stopped seconds ago).
 */
import "server-only";
import fs from "node:fs";
import Database from "better-sqlite3";
import type pg from "pg";
import { sqliteHasTable } from "@/lib/db/sqlite-has-table";
import { HEARTBEAT_PATTERN, SERVER_HEARTBEAT } from "@/lib/data/heartbeat";
import { BackupRefusedError } from "./backup-file";

/** When the newest server heartbeat in the SQLite file expires (ms), or null: no file, no leases table (older schema), no row. */
export function sqliteHeartbeat(file: string): number | null {
  if (!fs.existsSync(file)) return null;
  // Read-write, though it only reads: a read-only connection to a WAL database leaves -wal and -shm files
  // behind, which the restore would then set aside; the last connection to close removes them.
  const sqlite = new Database(file, { fileMustExist: true });
  try {
    if (!sqliteHasTable(sqlite, "leases")) return null;
    const row = sqlite.prepare("SELECT max(expires_at) AS expires_at FROM leases WHERE name LIKE ?").get(HEARTBEAT_PATTERN) as { expires_at: number | null } | undefined;
    return row?.expires_at == null ? null : Number(row.expires_at);
  } finally {
    sqlite.close();
  }
}

/** The same from the PostgreSQL database `client` is connected to. */
export async function postgresHeartbeat(client: pg.Client): Promise<number | null> {
  const { rows: present } = await client.query<{ present: boolean }>("SELECT to_regclass('public.leases') IS NOT NULL AS present");
  if (!present[0].present) return null;
  const { rows } = await client.query<{ expires_at: string | number | null }>("SELECT max(expires_at) AS expires_at FROM leases WHERE name LIKE $1", [HEARTBEAT_PATTERN]);
  return rows[0]?.expires_at == null ? null : Number(rows[0].expires_at);
}

/** Refuses (nothing written yet) when the newest heartbeat is unexpired at `now`. */
export function refuseWhileServing(expiresAtMs: number | null, target: string, options: { ignoreRunningServer: boolean; now?: Date }): void {
  const now = (options.now ?? new Date()).getTime();
  if (expiresAtMs === null || expiresAtMs <= now || options.ignoreRunningServer) return;
  const age = Math.max(0, Math.round((now - (expiresAtMs - SERVER_HEARTBEAT.ttlMs)) / 1000));
  throw new BackupRefusedError(
    `A Latchkey server is running on ${target} (its last heartbeat is ${age} s old): stop every server on it first, then restore ` +
      `(if none runs, wait ${Math.ceil(SERVER_HEARTBEAT.ttlMs / 1000)} s or add --ignore-running-server). Nothing was written.`,
  );
}
