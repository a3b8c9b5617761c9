/**
 * Starting over inside one test file: closes the process's database (the
 * engine lib/db/database.ts keeps on globalThis) and forgets every loaded
 * module, so modules imported afterwards read the environment again and
 * reopen DATA_DIR. Import lib/ modules dynamically after calling this, errors
 * included: classes from before the reset are different objects.
 */
import { inject, vi } from "vitest";
import { createDatabaseOn } from "../scripts/test-support/postgres.mjs";
import { scratchDir } from "./scratch";
import { testDatabase } from "./test-database";

export async function restartWith(env: { DATA_DIR?: string; ENCRYPTION_KEY?: string; ENCRYPTION_KEY_PREVIOUS?: string }): Promise<void> {
  // The engine opened by the modules loaded so far (after a reset, the fresh module of the same name).
  const { closeDatabase } = await import("@/lib/db/database");
  await (await import("@/lib/data/nudged-pass")).everyNudgedPassIdle();
  await closeDatabase();
  Object.assign(process.env, env);
  vi.resetModules();
  if (testDatabase() === "postgres") {
    // A new data directory is a new instance: on PostgreSQL, a new database. The engine must be open
    // before use there (SQLite opens on first use), as start-up opens it.
    if (env.DATA_DIR) process.env.DATABASE_URL = await newTestDatabase();
    const { openDatabase } = await import("@/lib/db/database");
    await openDatabase();
  }
}

/** A new instance's PostgreSQL database: a copy of the run's migrated template (test/global-setup.ts), no data. */
export function newTestDatabase(): Promise<string> {
  return createDatabaseOn(inject("postgresServerUrl"), "unit", { template: inject("postgresTemplate") });
}

export function newDataDir(): string {
  return scratchDir("latchkey-unit-");
}

/**
 * A new instance (a new DATA_DIR, or on PostgreSQL a new database) whose values are sealed under `key` alone,
 * with an account and its owner: where a key rotation's tests start (lib/ops/key-rotation-*.test.ts).
 */
export async function newInstanceUnderKey(key: string) {
  await restartWith({ DATA_DIR: newDataDir(), ENCRYPTION_KEY: key, ENCRYPTION_KEY_PREVIOUS: "" });
  await import("@/lib/reactions");
  const factories = await import("@/test/factories");
  const accountId = await factories.createAccount();
  const owner = await factories.createUser(accountId, { role: "owner", email: "olive@example.com", name: "Olive Owner" });
  return { factories, accountId, owner };
}
