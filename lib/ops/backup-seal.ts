/**
 * The backup's seal: an HMAC, under a key derived from the encryption key,
 * over everything the backup file holds but its manifest (every schema object
 * with its SQL, every table's rows). The manifest's counts and chain heads
 * only say the file is whole; the seal says nobody without the key changed it
 * since it was taken. Without it, whoever can write where backups are kept
 * could put a password hash of their own on the owner's row (it is not
 * encrypted, and no chain covers it), or a trigger into the schema, and own
 * the instance once it is restored.
 */
import "server-only";
import crypto from "node:crypto";
import type Database from "better-sqlite3";
import { keyRing, keySetById } from "@/lib/crypto/keys";

export type BackupSeal = { key_id: string; hmac: string };

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** One value in a form that can't be confused with another (type tag, then the value). */
function encodeValue(value: unknown): string {
  if (value === null) return "n";
  if (Buffer.isBuffer(value)) return `b${value.toString("base64")}`;
  if (typeof value === "bigint") return `i${value.toString()}`;
  if (typeof value === "number") return `f${value.toString()}`;
  return `s${JSON.stringify(String(value))}`;
}

/** Feeds the file's content, less the manifest table, into `mac`: schema objects by name, then each table's rows in a fixed order. */
function feedContent(sqlite: Database.Database, manifestTable: string, mac: crypto.Hmac): void {
  const objects = sqlite
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name <> ? AND tbl_name <> ? ORDER BY type, name")
    .all(manifestTable, manifestTable) as Array<{ type: string; name: string; tbl_name: string; sql: string | null }>;
  for (const object of objects) {
    mac.update(`object ${[object.type, object.name, object.tbl_name, object.sql].map(encodeValue).join(" ")}\n`);
  }
  for (const { name, sql } of objects.filter((o) => o.type === "table" && !o.name.startsWith("sqlite_"))) {
    // The file is read as it is (immutable), so rowid order is the same at backup and at restore; a table
    // without one is read in the order of all its columns.
    const columns = (sqlite.prepare(`SELECT count(*) AS n FROM pragma_table_info(?)`).get(name) as { n: number }).n;
    const order = /without\s+rowid/i.test(sql ?? "") ? Array.from({ length: columns }, (_, i) => String(i + 1)).join(", ") : "rowid";
    mac.update(`table ${encodeValue(name)}\n`);
    for (const row of sqlite.prepare(`SELECT * FROM ${quoted(name)} ORDER BY ${order}`).raw().iterate() as Iterable<unknown[]>) {
      mac.update(`${row.map(encodeValue).join(" ")}\n`);
    }
  }
}

/** The HMAC of the file's content and of what the manifest says besides the seal (its fields in their written order). */
function hmacOf(sqlite: Database.Database, manifestTable: string, described: object, key: Buffer): Buffer {
  const mac = crypto.createHmac("sha256", key);
  feedContent(sqlite, manifestTable, mac);
  mac.update(`manifest ${JSON.stringify(described)}\n`);
  return mac.digest();
}

/** Seals the file's content (before its manifest is written) and the manifest's other fields with the current key. */
export function sealBackup(sqlite: Database.Database, manifestTable: string, described: object): BackupSeal {
  const ring = keyRing();
  return { key_id: ring.keyId, hmac: hmacOf(sqlite, manifestTable, described, ring.backupSealKey).toString("hex") };
}

export type SealCheck = "ok" | "changed" | "key_missing";

/** Whether the file's content is what was sealed, under the key the seal names (one of the configured keys). */
export function checkBackupSeal(sqlite: Database.Database, manifestTable: string, described: object, seal: BackupSeal): SealCheck {
  const keys = keySetById(seal.key_id);
  if (!keys) return "key_missing";
  const expected = Buffer.from(seal.hmac, "hex");
  const actual = hmacOf(sqlite, manifestTable, described, keys.backupSealKey);
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual) ? "ok" : "changed";
}
