/**
 * SQLite's disk saying no while the server runs (review 18): a full disk (SQLite's own limit on the
 * database's pages, which fails a write exactly as a full file system does: SQLITE_FULL) and a database
 * that can't be written (SQLITE_READONLY). The request gets a 503 with Retry-After, not a 500; the form
 * keeps what was typed; the unit of work leaves nothing behind; writes work again once there is room.
 * (PostgreSQL going away: ./postgres-outage.test.ts.)
 */
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { config } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { formStateFromError } from "@/lib/forms/action-errors";
import { errorResponse } from "@/lib/http/errors";
import { readiness } from "@/lib/ops/readiness";
import { onSqlite } from "@/test/test-database";
import { db, engine } from "./database";
import { leases } from "./schema";
import { databaseTroubleLine, databaseUnavailable } from "./unavailable";

function writer() {
  const native = engine().native;
  if (native.kind !== "sqlite") throw new Error("SQLite only");
  return native.writer;
}

const names = async () => (await db().select({ name: leases.name }).from(leases)).map((r) => r.name).sort();

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.started")];
  writer().pragma("max_page_count = 4294967294");
  writer().pragma("query_only = OFF");
  vi.restoreAllMocks();
});

describe.runIf(onSqlite)("SQLite's disk says no", () => {
  it("a full disk: the write fails whole (503, Retry-After, no stack), the form keeps its values, and writes work again once there is room", async () => {
    await writeSystem((tx) => tx.insert(leases).values({ name: "before", holder: "t", expiresAt: new Date() }));
    const pages = Number(writer().pragma("page_count", { simple: true }));
    writer().pragma(`max_page_count = ${pages}`);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const failed = await writeSystem(async (tx) => {
      await tx.insert(leases).values({ name: "first-half", holder: "t", expiresAt: new Date() });
      // More than the pages left: the file would have to grow.
      for (let i = 0; i < 50; i++) await tx.insert(leases).values({ name: `bulk-${i}`, holder: "x".repeat(4000), expiresAt: new Date() });
    }).catch((err: unknown) => err);
    expect((failed as { code?: string }).code).toBe("SQLITE_FULL");
    expect(databaseUnavailable(failed)).toBe(true);

    const response = errorResponse(failed);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ message: "The service is briefly unavailable; try again in a moment", code: 503 });
    // One line for the operator, saying where to look; no stack.
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0][0])).toMatch(/^A request was answered 503: the database could not serve: .*SQLITE_FULL.*check DATA_DIR's disk/);
    expect(logged.mock.calls[0]).toHaveLength(1);

    const state = formStateFromError(failed, { name: "Ops" });
    expect(state).toMatchObject({ status: "error", code: 503, values: { name: "Ops" }, message: "The service is briefly unavailable; try again in a moment" });
    expect(state.messageKeys?.["The service is briefly unavailable; try again in a moment"]).toEqual({ key: "serviceUnavailable" });

    // Nothing of the failed unit of work; the earlier write is intact; the writer is usable.
    expect(await names()).toEqual(["before"]);
    expect(writer().inTransaction).toBe(false);
    writer().pragma("max_page_count = 4294967294");
    await writeSystem((tx) => tx.update(leases).set({ holder: "after" }).where(eq(leases.name, "before")));
    await writeSystem((tx) => tx.insert(leases).values({ name: "room-again", holder: "x".repeat(4000), expiresAt: new Date() }));
    expect(await names()).toEqual(["before", "room-again"]);
    expect(writer().pragma("integrity_check", { simple: true })).toBe("ok");
  });

  it("a database that can't be written: a 503, not a 500; not ready while it lasts (reads still work), ready again once it can write", async () => {
    (globalThis as Record<symbol, unknown>)[Symbol.for("latchkey.started")] = true;
    expect((await readiness()).ready).toBe(true);
    writer().pragma("query_only = ON");
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const failed = await writeSystem((tx) => tx.insert(leases).values({ name: "ro", holder: "t", expiresAt: new Date() })).catch((err: unknown) => err);
    expect((failed as { code?: string }).code).toMatch(/^SQLITE_READONLY/);
    expect(errorResponse(failed).status).toBe(503);
    // The probe tries a write itself (the heartbeat's row): still refused.
    expect(await readiness()).toMatchObject({ ready: false, checks: { database: "ok", migrations: "ok", writes: "failed" } });
    writer().pragma("query_only = OFF");
    // No request needed: the probe's own write succeeds, and it is ready.
    expect(await readiness()).toMatchObject({ ready: true, checks: { writes: "ok" } });
  });

  it("a database another process keeps locked past the busy timeout: a 503 whose log line says so", async () => {
    const other = new Database(config().databaseFile);
    other.exec("BEGIN IMMEDIATE");
    writer().pragma("busy_timeout = 100");
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const failed = await writeSystem((tx) => tx.insert(leases).values({ name: "busy", holder: "t", expiresAt: new Date() })).catch((err: unknown) => err);
      expect((failed as { code?: string }).code).toBe("SQLITE_BUSY");
      expect(errorResponse(failed).status).toBe(503);
      expect(String(logged.mock.calls[0][0])).toContain("that no other process keeps the database locked");
    } finally {
      other.exec("ROLLBACK");
      other.close();
      writer().pragma("busy_timeout = 5000");
    }
  });

  it("the log line leaves out the query and its values (Drizzle's wrapper around the driver's error)", () => {
    const driver = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const wrapped = new Error('Failed query: insert into "users" ("email_index") values ($1)\nparams: 4f3c2a-secret-digest', { cause: driver });
    const line = databaseTroubleLine(wrapped);
    expect(line).toBe(
      "the database could not serve: connect ECONNREFUSED 127.0.0.1:5432 (ECONNREFUSED); check that PostgreSQL runs and is reachable from here (DATABASE_URL); requests succeed again once it answers, without a restart",
    );
  });

  it("other errors stay what they were: a defect is a 500, a constraint a 409", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(databaseUnavailable(new Error("boom"))).toBe(false);
    expect(errorResponse(new Error("Connection string is odd")).status).toBe(500);
    await writeSystem((tx) => tx.insert(leases).values({ name: "dup", holder: "t", expiresAt: new Date() }));
    const clash = await writeSystem((tx) => tx.insert(leases).values({ name: "dup", holder: "t", expiresAt: new Date() })).catch((err: unknown) => err);
    expect(errorResponse(clash).status).toBe(409);
  });
});
