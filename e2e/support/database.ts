/**
 * Direct access to a test instance's database, for what the API can't do
 * on purpose: moving a token's expiry into the past (the clock seam of API
 * tests) and checking that a refused request wrote nothing. SQLite: the file
 * in DATA_DIR. PostgreSQL (TEST_DATABASE=postgres): the instance's database,
 * through psql, so these helpers stay synchronous like better-sqlite3's.
 * Statements use `?` placeholders in both.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import type { Instance } from "./server";

type Param = string | number | boolean | null;

/** Where the harness found PostgreSQL's programs (e2e/support/global-setup.ts). */
function postgresProgram(name: "psql" | "pg_dump"): string {
  const bin = process.env.LATCHKEY_TEST_POSTGRES_BIN;
  if (!bin) throw new Error("No PostgreSQL harness in this run (TEST_DATABASE=postgres starts one)");
  return path.join(bin, name);
}

/** The part of better-sqlite3's API the tests use, for either database. */
export type InstanceDatabase = {
  prepare(sql: string): {
    get(...params: Param[]): unknown;
    all(...params: Param[]): unknown[];
    run(...params: Param[]): { changes: number };
  };
  close(): void;
};

/** A literal for psql's variables: every parameter is sent as text and PostgreSQL casts it where it's used. */
function psqlArgs(sql: string, params: Param[]): { text: string; variables: string[] } {
  let n = 0;
  const variables: string[] = [];
  const text = sql.replace(/\?/g, () => {
    const value = params[n];
    n += 1;
    if (value === null || value === undefined) return "NULL";
    variables.push("-v", `p${n}=${String(value)}`);
    return `:'p${n}'`;
  });
  return { text, variables };
}

function psql(url: string, sql: string, params: Param[]): string {
  const { text, variables } = psqlArgs(sql, params);
  const result = spawnSync(
    postgresProgram("psql"),
    ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", ...variables, "-d", url],
    { input: text, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`psql: ${result.stderr.trim()}\n${text}`);
  return result.stdout;
}

/** Rows as JSON objects (bigint as numbers, booleans as true/false). */
function pgRows(url: string, sql: string, params: Param[]): unknown[] {
  const out = psql(url, `SELECT coalesce(json_agg(row_to_json(q)), '[]'::json) FROM (${sql.replace(/;\s*$/, "")}) AS q;`, params);
  return JSON.parse(out.trim()) as unknown[];
}

function pgChanges(url: string, sql: string, params: Param[]): number {
  // The changed rows, counted by a data-modifying CTE (psql -q prints no command tag).
  const out = psql(url, `WITH changed AS (${sql.replace(/;\s*$/, "")} RETURNING 1) SELECT count(*) FROM changed;`, params);
  return Number(out.trim());
}

function postgresDatabase(url: string): InstanceDatabase {
  return {
    prepare: (sql) => ({
      get: (...params) => pgRows(url, sql, params)[0],
      all: (...params) => pgRows(url, sql, params),
      run: (...params) => ({ changes: pgChanges(url, sql, params) }),
    }),
    close: () => undefined,
  };
}

export function openInstanceDatabase(instance: Pick<Instance, "dataDir" | "databaseUrl">): InstanceDatabase {
  if (instance.databaseUrl) return postgresDatabase(instance.databaseUrl);
  const database = new Database(path.join(instance.dataDir, "latchkey.db"));
  database.pragma("busy_timeout = 5000");
  return database as unknown as InstanceDatabase;
}

/**
 * Changes the activity log behind the application's back, as someone with the
 * database could: the append-only triggers are switched off for the statement
 * (SQLite: dropped and recreated; PostgreSQL: disabled and enabled again).
 */
export function tamperWithActivity(instance: Pick<Instance, "dataDir" | "databaseUrl">, statement: string): void {
  if (instance.databaseUrl) {
    psql(
      instance.databaseUrl,
      `BEGIN; ALTER TABLE activity_events DISABLE TRIGGER USER; ${statement}; ALTER TABLE activity_events ENABLE TRIGGER USER; COMMIT;`,
      [],
    );
    return;
  }
  const sqlite = new Database(path.join(instance.dataDir, "latchkey.db"));
  try {
    const triggers = sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; sql: string }[];
    for (const t of triggers) sqlite.exec(`DROP TRIGGER ${t.name}`);
    sqlite.prepare(statement).run();
    for (const t of triggers) sqlite.exec(t.sql);
  } finally {
    sqlite.close();
  }
}

/** PostgreSQL's rows as stored, for "no plaintext at rest" checks (pg_dump of the instance's database); null on SQLite. */
export function postgresDump(instance: Pick<Instance, "databaseUrl">): Buffer | null {
  if (!instance.databaseUrl) return null;
  const dump = spawnSync(postgresProgram("pg_dump"), ["--data-only", "-d", instance.databaseUrl], { maxBuffer: 1 << 28 });
  if (dump.status !== 0) throw new Error(`pg_dump: ${dump.stderr.toString().trim()}`);
  return dump.stdout;
}

export type TokenRowSnapshot = { id: string; name: string; expires_at: number; last_used_at: number | null };

/** Every row of the tables a request could write to, for before/after comparisons. */
export function snapshot(database: InstanceDatabase) {
  return {
    tokens: database.prepare("SELECT id, name, expires_at, last_used_at FROM access_tokens ORDER BY id").all() as TokenRowSnapshot[],
    events: (database.prepare("SELECT CAST(count(*) AS INTEGER) AS n FROM activity_events").get() as { n: number }).n,
    users: database.prepare("SELECT id, role, is_blocked FROM users ORDER BY id").all(),
    sessions: (database.prepare("SELECT CAST(count(*) AS INTEGER) AS n FROM sessions").get() as { n: number }).n,
    invites: database.prepare("SELECT id, token_digest FROM invites ORDER BY id").all(),
  };
}
