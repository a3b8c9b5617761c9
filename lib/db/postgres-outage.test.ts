/**
 * PostgreSQL going away under a running engine (review 18): its own throwaway server (the harness's,
 * scripts/test-support/postgres.mjs), restarted, stopped and its backends ended, never the run's shared one.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import net from "node:net";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createDatabaseOn, findPostgresBin, startPostgres, type PostgresServer } from "@/scripts/test-support/postgres.mjs";
import { onPostgres } from "@/test/test-database";
import { CONNECT_TIMEOUT_MS } from "./postgres";
import { firstRow } from "./raw";
import type { Engine } from "./engine";

const ORIGINAL_URL = process.env.DATABASE_URL!;
let server: PostgresServer;
const opened: Engine[] = [];
/** Errors that reached no listener while a test ran (an unhandled 'error' event of a pg client ends a server process). */
const uncaught: unknown[] = [];
const record = (err: unknown) => void uncaught.push(err);

beforeAll(async () => {
  if (!onPostgres) return;
  server = await startPostgres();
  process.on("uncaughtException", record);
}, 60_000);

afterAll(async () => {
  if (!onPostgres) return;
  process.off("uncaughtException", record);
  await server.stop();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((e) => e.close().catch(() => undefined)));
  uncaught.splice(0);
  process.env.DATABASE_URL = ORIGINAL_URL;
});

async function open(url: string) {
  process.env.DATABASE_URL = url;
  vi.resetModules();
  const [{ openPostgres }, schema, { databaseUnavailable, databaseTroubleLine }] = await Promise.all([import("./postgres"), import("./schema"), import("./unavailable")]);
  const engine = await openPostgres(url);
  opened.push(engine);
  return { engine, schema, databaseUnavailable, databaseTroubleLine };
}

/**
 * Ends every backend of the database but the caller's, as an operator's pg_terminate_backend would, and returns
 * once they are gone and this process has read their ends. pg_terminate_backend only signals: a backend sends
 * its "terminating connection" error before it leaves pg_stat_activity, so once the view no longer lists it,
 * that error waits in our socket, and a turn of the event loop (setImmediate) has read it. (A fixed 200 ms wait
 * was too short when the host was loaded.)
 */
async function terminateBackends(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
  try {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) ${others}) t`);
    while ((await client.query<{ n: number }>(`SELECT count(*)::int AS n ${others}`)).rows[0].n > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setImmediate(resolve));
    return rows[0].n;
  } finally {
    await client.end();
  }
}

const leaseNames = async (engine: Engine, schema: typeof import("./schema")) =>
  (await engine.reader.select({ name: schema.leases.name }).from(schema.leases)).map((r) => r.name).sort();

describe.runIf(onPostgres)("PostgreSQL going away under a running engine", () => {
  it("a backend ended mid-transaction: the process stays up, nothing of the unit of work is kept, the next one succeeds", async () => {
    const url = await createDatabaseOn(server.url(), "outage");
    const { engine, schema, databaseUnavailable } = await open(url);
    let inside!: () => void;
    const reached = new Promise<void>((resolve) => (inside = resolve));
    let carryOn!: () => void;
    const gate = new Promise<void>((resolve) => (carryOn = resolve));
    const cut = engine.transact(async (tx) => {
      await tx.insert(schema.leases).values({ name: "first-half", holder: "test", expiresAt: new Date() });
      inside();
      // The unit of work holds its connection between statements (a password being hashed, a call out).
      await gate;
      await tx.insert(schema.leases).values({ name: "second-half", holder: "test", expiresAt: new Date() });
    });
    const outcome = cut.then(
      () => undefined,
      (err: unknown) => err,
    );
    await reached;
    // The connection's end reaches the client before the unit of work goes on.
    expect(await terminateBackends(url)).toBeGreaterThan(0);
    carryOn();
    const err = await outcome;
    expect(err).toBeInstanceOf(Error);
    expect(databaseUnavailable(err)).toBe(true);
    expect(uncaught).toEqual([]);
    expect(await leaseNames(engine, schema)).toEqual([]);
    await engine.transact((tx) => tx.insert(schema.leases).values({ name: "after", holder: "test", expiresAt: new Date() }));
    expect(await leaseNames(engine, schema)).toEqual(["after"]);
    expect(uncaught).toEqual([]);
  });

  it("a restart (pg_ctl restart -m fast): readers and writers work again without restarting Latchkey", async () => {
    const url = await createDatabaseOn(server.url(), "restart");
    const { engine, schema } = await open(url);
    // Connections in both pools, idle when the server restarts.
    await Promise.all([leaseNames(engine, schema), leaseNames(engine, schema)]);
    await engine.transact((tx) => tx.insert(schema.leases).values({ name: "before", holder: "test", expiresAt: new Date() }));
    await server.restart();
    await engine.transact((tx) => tx.update(schema.leases).set({ holder: "after" }).where(eq(schema.leases.name, "before")));
    const [row] = await engine.reader.select().from(schema.leases);
    expect(row.holder).toBe("after");
    expect(uncaught).toEqual([]);
  }, 60_000);

  it("connections the server ended while this process was busy (their end not yet read) cost no failed write", async () => {
    const url = await createDatabaseOn(server.url(), "busy");
    const { engine, schema } = await open(url);
    await Promise.all([1, 2].map(() => engine.transact((tx) => tx.insert(schema.leases).values({ name: crypto.randomUUID(), holder: "t", expiresAt: new Date() }))));
    // Synchronously, as a process busy hashing a password or rendering a page would: the event loop reads nothing meanwhile.
    execFileSync(path.join(findPostgresBin(), "psql"), [
      url,
      "-qAtc",
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    ]);
    await engine.transact((tx) => tx.insert(schema.leases).values({ name: "after", holder: "t", expiresAt: new Date() }));
    expect(await leaseNames(engine, schema)).toContain("after");
    expect(uncaught).toEqual([]);
  });

  it("while the server is down, reads and writes fail at once as 'database unavailable'; they work again when it is back", async () => {
    const url = await createDatabaseOn(server.url(), "down");
    const { engine, schema, databaseUnavailable, databaseTroubleLine } = await open(url);
    await leaseNames(engine, schema);
    await server.halt();
    try {
      const started = Date.now();
      const read = await leaseNames(engine, schema).catch((err: unknown) => err);
      const write = await engine.transact((tx) => tx.insert(schema.leases).values({ name: "x", holder: "t", expiresAt: new Date() })).catch((err: unknown) => err);
      const elapsed = Date.now() - started;
      // Refused at once (nobody listens), not waited out until the connect timeout. The errors say which; the
      // time is a backstop against a retry loop: both took 8 ms on an idle host, the bound is the connect timeout.
      expect(databaseTroubleLine(read)).toMatch(/ECONNREFUSED/);
      expect(databaseTroubleLine(write)).toMatch(/ECONNREFUSED/);
      expect(elapsed).toBeLessThan(CONNECT_TIMEOUT_MS);
    } finally {
      await server.resume();
    }
    await engine.transact((tx) => tx.insert(schema.leases).values({ name: "back", holder: "t", expiresAt: new Date() }));
    expect(await leaseNames(engine, schema)).toEqual(["back"]);
    expect(uncaught).toEqual([]);
  }, 60_000);

  it("an unreachable server (connections that never answer): a query gives up within the connect timeout instead of hanging", async () => {
    const url = await createDatabaseOn(server.url(), "blackhole");
    // A TCP relay to the server that, once cut, accepts connections and says nothing (packets dropped on the way).
    let cutOff = false;
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((incoming) => {
      sockets.add(incoming);
      incoming.on("close", () => sockets.delete(incoming));
      incoming.on("error", () => undefined);
      if (cutOff) return;
      const outgoing = net.connect(server.port, "127.0.0.1");
      sockets.add(outgoing);
      outgoing.on("close", () => sockets.delete(outgoing));
      outgoing.on("error", () => incoming.destroy());
      incoming.on("error", () => outgoing.destroy());
      incoming.pipe(outgoing).pipe(incoming);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const relayed = new URL(url);
    relayed.port = String((relay.address() as net.AddressInfo).port);
    try {
      const { engine, schema, databaseUnavailable, databaseTroubleLine } = await open(relayed.href);
      await leaseNames(engine, schema);
      cutOff = true;
      await terminateBackends(url);
      // The pools have let go of their relayed connections (so the read below needs a new one, which never answers).
      while (sockets.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const read = await leaseNames(engine, schema).catch((err: unknown) => err);
      // Ended by the connect timeout (CONNECT_TIMEOUT_MS), whatever the host's load; without one it hangs past the
      // test's timeout. (Its wall time was compared with 8 s: the timer's 5 s plus a loaded host's delays.)
      expect(databaseUnavailable(read)).toBe(true);
      expect(databaseTroubleLine(read)).toMatch(/due to connection timeout/);
      cutOff = false;
      expect(await leaseNames(engine, schema)).toEqual([]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
    expect(uncaught).toEqual([]);
  }, 30_000);

  it("an idle connection ended by the server is replaced, and the process stays up", async () => {
    const url = await createDatabaseOn(server.url(), "idle");
    const { engine, schema } = await open(url);
    await Promise.all([leaseNames(engine, schema), engine.transact((tx) => firstRow(tx, sql`SELECT 1`))]);
    await terminateBackends(url);
    expect(await leaseNames(engine, schema)).toEqual([]);
    await engine.transact((tx) => tx.insert(schema.leases).values({ name: "y", holder: "t", expiresAt: new Date() }));
    expect(uncaught).toEqual([]);
  });
});
