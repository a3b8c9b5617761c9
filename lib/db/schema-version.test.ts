/**
 * An older replica on a database a newer version migrated (review 18): it refuses to start, and a running one
 * reports not ready, says why in its log once, and refuses writes until the schema is its own again.
 * The newer version is played by one more row in drizzle's migrations table, as its start leaves it.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { config } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { DomainError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/errors";
import { readiness } from "@/lib/ops/readiness";
import { consumeRateLimit, forgiveRateLimit } from "@/lib/security/rate-limit";
import { closeDatabase, db, dialect, openDatabase } from "./database";
import { DatabaseStartError } from "./engine";
import { leases, rateLimits } from "./schema";
import { shippedMigrations } from "./schema-version";

const FUTURE = "review18-newer-version";

/** Adds (or removes) the newer version's migration behind the process's back, on a connection of its own, as another replica's start would. */
async function newerMigration(present: boolean): Promise<void> {
  if (dialect() === "sqlite") {
    const other = new Database(config().databaseFile);
    try {
      if (present) other.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)").run(FUTURE, 4102444800000);
      else other.prepare("DELETE FROM __drizzle_migrations WHERE hash = ?").run(FUTURE);
    } finally {
      other.close();
    }
    return;
  }
  const other = new pg.Client({ connectionString: config().databaseUrl ?? undefined });
  await other.connect();
  try {
    if (present) await other.query("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)", [FUTURE, 4102444800000]);
    else await other.query("DELETE FROM drizzle.__drizzle_migrations WHERE hash = $1", [FUTURE]);
  } finally {
    await other.end();
  }
}

const started = Symbol.for("latchkey.started");

afterEach(async () => {
  await newerMigration(false);
  await openDatabase();
  await readiness();
  delete (globalThis as Record<symbol, unknown>)[started];
  vi.restoreAllMocks();
});

describe("an older process on a newer schema", () => {
  it("a running process: not ready with the reason, one log line, writes refused with a 503; serves again when the schema is its own", async () => {
    (globalThis as Record<symbol, unknown>)[started] = true;
    expect((await readiness()).ready).toBe(true);
    await newerMigration(true);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);

    const report = await readiness();
    expect(report.ready).toBe(false);
    expect(report.checks).toMatchObject({ database: "ok", migrations: "newer" });
    await readiness();
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0][0])).toContain(
      `This process stops serving: the database's schema is newer than this Latchkey's (${shippedMigrations(dialect()) + 1} migrations applied, this version knows ${shippedMigrations(dialect())})`,
    );

    const refused = await writeSystem((tx) => tx.insert(leases).values({ name: "old-code", holder: "t", expiresAt: new Date() })).catch((err: unknown) => err);
    // Not a domain error class: the engine is made in another of Next's bundles than the route that maps it.
    expect(refused).not.toBeInstanceOf(DomainError);
    expect(errorResponse(refused).status).toBe(503);
    expect(await db().select().from(leases)).toEqual([]);

    await newerMigration(false);
    expect((await readiness()).ready).toBe(true);
    await writeSystem((tx) => tx.insert(leases).values({ name: "new-again", holder: "t", expiresAt: new Date() }));
  });

  it("the rate limiter's own writes (outside the unit of work, through the driver) are refused the same way, and count nothing", async () => {
    (globalThis as Record<symbol, unknown>)[started] = true;
    const limit = { name: "older-schema", points: 5, durationSeconds: 60, message: "Too many" };
    await newerMigration(true);
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect((await readiness()).checks.migrations).toBe("newer");

    const consumed = await consumeRateLimit(limit, "k").catch((err: unknown) => err);
    expect(errorResponse(consumed).status).toBe(503);
    const forgiven = await forgiveRateLimit(limit, "k").catch((err: unknown) => err);
    expect(errorResponse(forgiven).status).toBe(503);
    expect(await db().select().from(rateLimits)).toEqual([]);

    await newerMigration(false);
    await readiness();
    await consumeRateLimit(limit, "k");
    expect((await db().select().from(rateLimits)).map((r) => r.key)).toEqual(["older-schema:k"]);
  });

  it("a start on it is refused with the reason (DatabaseStartError), and nothing is changed", async () => {
    await newerMigration(true);
    await closeDatabase();
    const opening = await openDatabase().catch((err: unknown) => err);
    expect(opening).toBeInstanceOf(DatabaseStartError);
    expect((opening as Error).message).toMatch(/^the database's schema is newer than this Latchkey's \(\d+ migrations applied, this version knows \d+\): a newer version upgraded it\. Stop this process/);
  });
});
