/**
 * What remains of someone after a deletion (review 31): the values that point at them, gathered before they go
 * (their id, their blind indexes, the rows that name them and those rows' ids, digests and ciphertexts), then
 * every column of every table searched for them afterwards. A value found is something a copy of the database
 * still ties to them. Sealed values it can't read (the OpenID provider's payloads) are opened and searched too.
 */
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { decryptField } from "@/lib/crypto/aead";
import { db } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { asText, tableNames } from "./at-rest-scan";

/** A value that points at someone, and what it is ("their id", "their email's blind index"…). */
export type Trace = { value: string; what: string };

type Row = { table: string; values: Record<string, string | null> };

/** Tables kept as they are by design whose own values are not followed (the activity log, its anchor). */
const NOT_FOLLOWED = new Set(["activity_events", "activity_anchors"]);
/**
 * Columns that name something else than the row's owner (the group, app, provider or role it belongs to, the
 * groups it puts people in), who made the row (created_by: a token of a service user they made is the service
 * user's), or a server's answer: a row that holds a seed only there is not theirs, and these values are not
 * theirs either.
 */
const OTHERS = new Set([
  "account_id",
  "created_by",
  "group_id",
  "role_id",
  "client_id",
  "idp_id",
  "application_id",
  "scope_id",
  "auto_groups",
  "default_groups",
  "group_ids",
  "group_mapping",
  "last_error",
]);

/** Every row of every table, each value as text. */
async function everyRow(): Promise<Row[]> {
  const out: Row[] = [];
  for (const table of await tableNames()) {
    for (const row of await rows<Record<string, unknown>>(db(), sql.raw(`SELECT * FROM "${table}"`))) {
      out.push({ table, values: Object.fromEntries(Object.entries(row).map(([column, value]) => [column, asText(value)])) });
    }
  }
  return out;
}

const mentions = (row: Row, traces: readonly Trace[]) =>
  Object.entries(row.values).some(([column, text]) => !OTHERS.has(column) && text !== null && traces.some((t) => text.includes(t.value)));

/**
 * The seeds, and every distinctive value (20 characters or more: ids, digests, blind indexes, ciphertexts) of
 * every row that holds a seed, outside the activity log: what is theirs ("sessions.id of theirs").
 */
export async function tracesOf(seeds: readonly Trace[], accountId: string): Promise<Trace[]> {
  const traces = new Map(seeds.map((t) => [t.value, t]));
  for (const row of await everyRow()) {
    if (NOT_FOLLOWED.has(row.table) || !mentions(row, seeds)) continue;
    for (const [column, text] of Object.entries(row.values)) {
      if (OTHERS.has(column) || text === null || text.length < 20 || text === accountId || traces.has(text) || text.startsWith("{") || text.startsWith("[")) continue;
      traces.set(text, { value: text, what: `${row.table}.${column} of theirs` });
    }
  }
  return [...traces.values()];
}

/** The traces some row of some table still holds (as a value or inside one). */
export async function tracesStillHeld(traces: readonly Trace[]): Promise<Trace[]> {
  const texts = (await everyRow()).flatMap((row) => Object.values(row.values).filter((text): text is string => text !== null));
  return traces.filter((trace) => texts.some((text) => text.includes(trace.value)));
}

/** The traces found anywhere in a file's bytes (a database file's free pages, say). */
export function tracesInFile(file: string, traces: readonly Trace[]): Trace[] {
  const bytes = fs.existsSync(file) ? fs.readFileSync(file).toString("latin1") : "";
  return traces.filter((trace) => bytes.includes(trace.value));
}

/** Where each trace still is: "table.column: what", sorted, each once. */
export async function remainsOf(traces: readonly Trace[]): Promise<string[]> {
  const found = new Set<string>();
  for (const row of await everyRow()) {
    for (const [column, text] of Object.entries(row.values)) {
      if (text === null) continue;
      for (const trace of traces) if (text.includes(trace.value)) found.add(`${row.table}.${column}: ${trace.what}`);
    }
  }
  for (const model of await rows<{ name: string; id: string; payload_ciphertext: string }>(db(), sql`SELECT name, id, payload_ciphertext FROM oidc_models`)) {
    const payload = decryptField(model.payload_ciphertext, { table: "oidc_models", column: "payload", rowId: `${model.name}:${model.id}` });
    for (const trace of traces) if (payload.includes(trace.value)) found.add(`oidc_models.payload (sealed, ${model.name}): ${trace.what}`);
  }
  return [...found].sort();
}

/** Postings of the search index whose entry is gone (none may be: they would keep a deleted entity's n-grams). */
export async function orphanPostings(): Promise<number> {
  const [row] = await rows<{ n: number | string }>(
    db(),
    sql`SELECT (SELECT count(*) FROM search_terms t WHERE NOT EXISTS (SELECT 1 FROM search_entries e WHERE e.id = t.entry_id))
             + (SELECT count(*) FROM search_recent_terms t WHERE NOT EXISTS (SELECT 1 FROM search_entries e WHERE e.id = t.entry_id)) AS n`,
  );
  return Number(row?.n ?? 0);
}
