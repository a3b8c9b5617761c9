// Unit tests run against a real database with the real migrations, with a
// random encryption key: per test file, a fresh temporary data directory with
// its SQLite file, or (TEST_DATABASE=postgres) a fresh database on the harness's
// PostgreSQL server, copied from the run's migrated template (test/global-setup.ts).
import crypto from "node:crypto";
import { afterAll } from "vitest";
import { newTestDatabase } from "./fresh-instance";
import { removeScratchDirs, scratchDir } from "./scratch";
import { testDatabase } from "./test-database";

process.env.DATA_DIR = scratchDir("latchkey-unit-");
process.env.ENCRYPTION_KEY = crypto.randomBytes(32).toString("base64");
process.env.AUTH_SECRET = crypto.randomBytes(32).toString("base64url");
// As lib/db/sqlite-uri.ts does for the server; here better-sqlite3 may load before any lib module.
process.env.SQLITE_USE_URI = "1";
if (testDatabase() === "postgres") {
  process.env.DATABASE_URL = await newTestDatabase();
  // Test files run one per core (vitest.config.ts); small pools keep the server's connection count low.
  process.env.DATABASE_POOL_SIZE = "4";
} else {
  delete process.env.DATABASE_URL;
}

// Domain-effect reactions, as lib/startup.ts registers them for the server.
await import("@/lib/reactions");

const { closeDatabase, openDatabase } = await import("@/lib/db/database");
if (testDatabase() === "postgres") await openDatabase();
// The pools' open connections would otherwise keep the worker alive after its tests; a background
// pass a test's last commit started finishes first (it would fail on the closed database). Then the
// file's data directory (its SQLite database and key) and its scratch directories go.
afterAll(async () => {
  const { everyNudgedPassIdle } = await import("@/lib/data/nudged-pass");
  await everyNudgedPassIdle();
  await closeDatabase();
  removeScratchDirs();
});
