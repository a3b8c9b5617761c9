/**
 * Hand-written SQL that runs on both dialects. Build it with Drizzle's `sql`
 * template (values become parameters either way) and keep to SQL both speak:
 * no INSERT OR IGNORE (use ON CONFLICT DO NOTHING), booleans compared through
 * parameters, times as epoch milliseconds (as the schema stores them).
 */
import "server-only";
import type { SQL } from "drizzle-orm";
import { dialect } from "./dialect";
import type { Db } from "./engine";

type PgLike = { execute(query: SQL): Promise<{ rows: unknown[]; rowCount: number | null }> };

/** Every row the query returns, as plain objects keyed by column name (or alias). */
export async function rows<T>(q: Db, query: SQL): Promise<T[]> {
  if (dialect() === "postgres") return (await (q as unknown as PgLike).execute(query)).rows as T[];
  return q.all<T>(query);
}

/** The first row, or undefined. */
export async function firstRow<T>(q: Db, query: SQL): Promise<T | undefined> {
  return (await rows<T>(q, query))[0];
}

/** Runs a statement; returns how many rows it changed. */
export async function execute(q: Db, query: SQL): Promise<number> {
  if (dialect() === "postgres") return (await (q as unknown as PgLike).execute(query)).rowCount ?? 0;
  return q.run(query).changes;
}
