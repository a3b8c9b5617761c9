/**
 * Whether the database's schema is the one this process's code was built for (review 18). Migrations run at
 * start (under an advisory lock on PostgreSQL), so a newer version migrates the database while replicas of the
 * older one still run on it: they would write rows the new schema means differently (a client address in
 * the clear beside the sealed one, review 17's 0014), read columns that moved, and keep running background
 * jobs with the old rules. An older process notices (at start, at each readiness probe and heartbeat) that
 * the database has migrations its code doesn't know: it refuses to start, says in its log once what to do,
 * reports not ready (/api/ready: migrations "newer"), and its units of work refuse (503) until it is stopped.
 * The count of applied migrations is the version: drizzle's journal only ever grows.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Db, Dialect } from "./engine";
import { firstRow } from "./raw";

const shipped = new Map<Dialect, number>();
/** The migrations this version ships for the dialect (drizzle/<dialect>/meta/_journal.json). */
export function shippedMigrations(dialect: Dialect): number {
  let n = shipped.get(dialect);
  if (n === undefined) {
    const journal = path.join(process.cwd(), "drizzle", dialect, "meta", "_journal.json");
    n = (JSON.parse(fs.readFileSync(journal, "utf8")) as { entries: unknown[] }).entries.length;
    shipped.set(dialect, n);
  }
  return n;
}

/** The migrations the database has. */
export async function appliedMigrations(db: Db, dialect: Dialect): Promise<number> {
  const table = dialect === "postgres" ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`;
  const row = await firstRow<{ n: number }>(db, sql`SELECT CAST(count(*) AS INTEGER) AS n FROM ${table}`);
  return Number(row?.n ?? 0);
}

/** "current", "behind" (migrations missing: a start that didn't finish) or "newer" (a newer Latchkey migrated it). */
export type SchemaState = "current" | "behind" | "newer";

export function schemaState(applied: number, dialect: Dialect): SchemaState {
  const known = shippedMigrations(dialect);
  return applied > known ? "newer" : applied < known ? "behind" : "current";
}

export function schemaNewerMessage(applied: number, dialect: Dialect): string {
  return (
    `the database's schema is newer than this Latchkey's (${applied} migrations applied, this version knows ${shippedMigrations(dialect)}): ` +
    "a newer version upgraded it. Stop this process and run the newer version on every replica (docs/operations.md, \"Upgrades with replicas\")"
  );
}

const state = globalThis as unknown as { latchkeySchemaNewer?: boolean };

/** Reads the database's migrations, remembers whether they are newer than this code, and says so in the log when that changes. */
export async function checkSchemaVersion(db: Db, dialect: Dialect): Promise<SchemaState> {
  const applied = await appliedMigrations(db, dialect);
  const found = schemaState(applied, dialect);
  const newer = found === "newer";
  if (newer && !state.latchkeySchemaNewer) {
    console.error(`This process stops serving: ${schemaNewerMessage(applied, dialect)}. Until it is stopped it reports not ready and refuses writes.`);
  } else if (!newer && state.latchkeySchemaNewer) {
    console.error("The database's schema is this version's again: this process serves again.");
  }
  state.latchkeySchemaNewer = newer;
  return found;
}

/** Whether the last check found the database's schema newer than this code (then writes are refused). */
export function schemaNewerThanCode(): boolean {
  return state.latchkeySchemaNewer === true;
}
