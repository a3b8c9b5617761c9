/**
 * A start killed in the middle of its migrations (SIGKILL, power lost: review 18). Latchkey migrates with
 * drizzle's migrators (./sqlite.ts, ./postgres.ts), which apply every pending migration in one transaction
 * on both dialects: a killed start leaves the schema as it was (no migration half applied, none recorded),
 * and the next start applies them all. Played by a child process running the same migrator on this
 * version's migrations plus one more whose middle statement is slow, killed while it runs.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createDatabaseOn } from "@/scripts/test-support/postgres.mjs";
import { scratchDir } from "@/test/scratch";
import { onPostgres, onSqlite } from "@/test/test-database";
import type { Dialect } from "./engine";
import { shippedMigrations } from "./schema-version";

/**
 * The slow statement, and how the test knows it is running (not a fixed wait, which a fast machine could outrun):
 * on SQLite a function the child registers says so on its output, then holds the statement for SLOW_MS; on
 * PostgreSQL the server lists the statement as active (pg_stat_activity).
 */
const SLOW: Record<Dialect, string> = {
  sqlite: "SELECT review18_slow()",
  postgres: "SELECT pg_sleep(4)",
};
const SLOW_RUNNING = "slow statement running";

/** This version's migrations and one more: a table, a slow statement, another table. */
function migrationsWithSlowOne(dialect: Dialect): string {
  const folder = path.join(scratchDir("latchkey-migrations-"), dialect);
  fs.cpSync(path.join(process.cwd(), "drizzle", dialect), folder, { recursive: true });
  const journalFile = path.join(folder, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { idx: number; when: number; tag: string; version: string; breakpoints: boolean }[] };
  const last = journal.entries.at(-1)!;
  const tag = `${String(last.idx + 1).padStart(4, "0")}_review18_slow`;
  journal.entries.push({ ...last, idx: last.idx + 1, when: last.when + 1, tag });
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  fs.writeFileSync(
    path.join(folder, `${tag}.sql`),
    ["CREATE TABLE review18_first (id integer);", `${SLOW[dialect]};`, "CREATE TABLE review18_last (id integer);"].join("--> statement-breakpoint\n"),
  );
  return folder;
}

/**
 * Runs drizzle's migrator in a child process, as a start does, with a way to kill it and its end; `began` resolves
 * when it says it began, `slowRunning` (SQLite) when the slow statement runs. slowMs: how long SQLite's slow
 * statement holds (the killed run: long; the run after: none).
 */
function migrateInChild(dialect: Dialect, target: string, folder: string, slowMs = 0) {
  const code =
    dialect === "sqlite"
      ? `import Database from "better-sqlite3"; import { drizzle } from "drizzle-orm/better-sqlite3"; import { migrate } from "drizzle-orm/better-sqlite3/migrator";
         const sqlite = new Database(process.env.TARGET); sqlite.pragma("journal_mode = WAL");
         sqlite.function("review18_slow", () => { console.log("${SLOW_RUNNING}"); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.SLOW_MS)); return 1; });
         console.log("migrating"); migrate(drizzle(sqlite), { migrationsFolder: process.env.FOLDER }); console.log("done");`
      : `import pg from "pg"; import { drizzle } from "drizzle-orm/node-postgres"; import { migrate } from "drizzle-orm/node-postgres/migrator";
         const client = new pg.Client({ connectionString: process.env.TARGET }); await client.connect();
         console.log("migrating"); await migrate(drizzle(client), { migrationsFolder: process.env.FOLDER }); console.log("done"); await client.end();`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], { cwd: process.cwd(), env: { ...process.env, TARGET: target, FOLDER: folder, SLOW_MS: String(slowMs) } });
  let output = "";
  const said = (words: string) =>
    new Promise<void>((resolve) =>
      child.stdout.on("data", () => {
        if (output.includes(words)) resolve();
      }),
    );
  child.stdout.on("data", (d) => (output += d));
  const began = said("migrating");
  const slowRunning = said(SLOW_RUNNING);
  child.stderr.on("data", (d) => (output += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.on("exit", (exitCode, signal) => resolve({ code: exitCode, signal, output })),
  );
  return { began, slowRunning, ended, kill: () => child.kill("SIGKILL") };
}

/** Resolves once a statement containing `words` runs on the database `target` names (PostgreSQL). */
async function untilStatementActive(target: string, words: string): Promise<void> {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() AND strpos(query, $1) > 0",
        [words],
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end();
  }
}

type Look = { migrations: number; tables: string[] };

async function look(dialect: Dialect, target: string): Promise<Look> {
  if (dialect === "sqlite") {
    const sqlite = new Database(target, { readonly: true });
    try {
      const has = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
      const migrations = has ? (sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n : 0;
      const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'review18_first', 'review18_last') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      return { migrations, tables };
    } finally {
      sqlite.close();
    }
  }
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    const has = (await client.query("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present")).rows[0].present as boolean;
    const migrations = has ? Number((await client.query("SELECT count(*) AS n FROM drizzle.__drizzle_migrations")).rows[0].n) : 0;
    const tables = (
      await client.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('users', 'review18_first', 'review18_last') ORDER BY table_name",
      )
    ).rows.map((r) => r.name);
    return { migrations, tables };
  } finally {
    await client.end();
  }
}

async function killedThenAgain(dialect: Dialect, target: string): Promise<void> {
  const folder = migrationsWithSlowOne(dialect);
  const first = migrateInChild(dialect, target, folder, 60_000);
  await first.began;
  // In the slow statement: every migration before it ran in the same transaction.
  await (dialect === "sqlite" ? first.slowRunning : untilStatementActive(target, "pg_sleep"));
  first.kill();
  const killed = await first.ended;
  expect(killed.signal, killed.output).toBe("SIGKILL");
  expect(killed.output).not.toContain("done");

  // Nothing of the run is there: no table of the slow migration, none of the ones before it, nothing recorded.
  expect(await look(dialect, target)).toEqual({ migrations: 0, tables: [] });

  const second = migrateInChild(dialect, target, folder);
  const finished = await second.ended;
  expect(finished.code, finished.output).toBe(0);
  expect(await look(dialect, target)).toEqual({ migrations: shippedMigrations(dialect) + 1, tables: ["review18_first", "review18_last", "users"] });
}

describe("a start killed in the middle of its migrations", () => {
  it.runIf(onSqlite)("SQLite: nothing of the killed run is applied; the next run applies everything", async () => {
    await killedThenAgain("sqlite", path.join(scratchDir("latchkey-killed-"), "latchkey.db"));
  }, 30_000);

  it.runIf(onPostgres)("PostgreSQL: nothing of the killed run is applied; the next run applies everything", async () => {
    await killedThenAgain("postgres", await createDatabaseOn(inject("postgresServerUrl"), "killed"));
  }, 30_000);
});
