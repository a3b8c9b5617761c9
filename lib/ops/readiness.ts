/**
 * GET /api/ready: whether this process should get traffic. Ready when start-up
 * finished (the key was checked against the data, migrations ran), the
 * database answers now and has every migration this version ships, and the
 * process is not shutting down (scripts/server.mjs flags that on SIGTERM, so a
 * load balancer stops sending before the server stops accepting).
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { db, dialect } from "@/lib/db/database";
import { firstRow } from "@/lib/db/raw";

export type Check = "ok" | "failed" | "pending";
export type Readiness = { ready: boolean; checks: { database: Check; migrations: Check; encryption_key: Check; shutting_down: boolean } };

const flag = (name: string) => (globalThis as Record<symbol, unknown>)[Symbol.for(name)] === true;

let shipped: number | undefined;
function shippedMigrations(): number {
  shipped ??= (JSON.parse(fs.readFileSync(path.join(process.cwd(), "drizzle", dialect(), "meta", "_journal.json"), "utf8")) as { entries: unknown[] }).entries.length;
  return shipped;
}

export async function readiness(): Promise<Readiness> {
  const started = flag("latchkey.started");
  const shuttingDown = flag("latchkey.shuttingDown");
  let database: Check = "pending";
  let migrations: Check = "pending";
  if (started) {
    try {
      const table = dialect() === "postgres" ? sql`drizzle.__drizzle_migrations` : sql`__drizzle_migrations`;
      const row = await firstRow<{ n: number }>(db(), sql`SELECT CAST(count(*) AS INTEGER) AS n FROM ${table}`);
      database = "ok";
      migrations = Number(row?.n) >= shippedMigrations() ? "ok" : "failed";
    } catch {
      database = "failed";
    }
  }
  const checks = { database, migrations, encryption_key: started ? ("ok" as const) : ("pending" as const), shutting_down: shuttingDown };
  return { ready: started && !shuttingDown && database === "ok" && migrations === "ok", checks };
}
