/**
 * What a copy of the data holds (review 17): every text and binary value of every table, and every file in
 * the data directory, searched for given markers: as they are, lower-cased, and inside any base64, base64url
 * or hex run (a JWT's segments, a JSON payload someone encoded, a digest of nothing secret). A marker found
 * is a value an attacker with the copy but not the key reads.
 */
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { db, dialect } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";

export type Sighting = { where: string; marker: string; form: "plain" | "decoded" };

const BASE64_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX_RUN = /\b(?:[0-9a-fA-F]{2}){8,}\b/g;

/** The texts hidden in a value by one layer of base64/base64url/hex (JWT segments, encoded JSON). */
function decodedForms(text: string): string[] {
  const found: string[] = [];
  for (const run of text.match(HEX_RUN) ?? []) found.push(Buffer.from(run, "hex").toString("latin1"));
  for (const run of text.match(BASE64_RUN) ?? []) {
    // Every alignment: a run cut out of a longer text may start mid-quantum.
    for (let skip = 0; skip < 4; skip++) found.push(Buffer.from(run.slice(skip).replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1"));
  }
  return found;
}

function sightingsIn(where: string, text: string, markers: readonly string[]): Sighting[] {
  const out: Sighting[] = [];
  const lower = text.toLowerCase();
  const decoded = decodedForms(text).join("\n").toLowerCase();
  for (const marker of markers) {
    const m = marker.toLowerCase();
    if (lower.includes(m)) out.push({ where, marker, form: "plain" });
    else if (decoded.includes(m)) out.push({ where, marker, form: "decoded" });
  }
  return out;
}

/** A column's value as text (binary as latin1, JSON as its text); null stays null. */
export const asText = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString("latin1");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
};

/** Every table of the schema (the migrations' bookkeeping too). */
export async function tableNames(): Promise<string[]> {
  if (dialect() === "sqlite") {
    const found = await rows<{ name: string }>(db(), sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`);
    return found.map((r) => r.name);
  }
  const found = await rows<{ name: string }>(db(), sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
  return found.map((r) => r.name);
}

/** Every marker in any column of any table, by table.column. */
export async function scanDatabase(markers: readonly string[]): Promise<Sighting[]> {
  const out: Sighting[] = [];
  for (const table of await tableNames()) {
    for (const row of await rows<Record<string, unknown>>(db(), sql.raw(`SELECT * FROM "${table}"`))) {
      for (const [column, value] of Object.entries(row)) {
        const text = asText(value);
        if (text) out.push(...sightingsIn(`${table}.${column}`, text, markers));
      }
    }
  }
  return out;
}

/** Every marker in any file under dir (the SQLite file and its WAL, keys, logos…), by file name. */
export function scanFiles(dir: string, markers: readonly string[]): Sighting[] {
  const out: Sighting[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out.push(...sightingsIn(path.relative(dir, file), fs.readFileSync(file).toString("latin1"), markers));
  }
  return out;
}

/** Markers found in what a process wrote to its console. */
export function scanText(where: string, text: string, markers: readonly string[]): Sighting[] {
  return sightingsIn(where, text, markers);
}

/** One line per sighting, sorted, for a readable failure. */
export function describeSightings(sightings: readonly Sighting[]): string[] {
  return [...new Set(sightings.map((s) => `${s.where}: ${s.marker}${s.form === "decoded" ? " (decoded)" : ""}`))].sort();
}
