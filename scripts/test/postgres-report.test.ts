/**
 * What the harness's watchdog shows of a stuck PostgreSQL stage (./postgres-report.mjs), on the run's real server:
 * a session left idle in its transaction, holding the write lock, and the session waiting for it; and how it finds
 * and stops the throwaway servers a stage it killed left running (their notes, scripts/test-support/postgres.mjs).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { SERVER_NOTES, startPostgres } from "@/scripts/test-support/postgres.mjs";
import { onPostgres } from "@/test/test-database";
import { describeServer, describeServers, notedServers, stopNotedServers } from "./postgres-report.mjs";

/** lib/db/postgres.ts's write lock: what a unit of work holds. */
const WRITE_LOCK = "327637070696802";

/** The report's row (a line of its table) for a session or lock of pid. */
const rowsOf = (report: string, pid: number) => report.split("\n").filter((line) => line.trimStart().startsWith(`${pid} `));

describe.runIf(onPostgres)("the watchdog's PostgreSQL report", () => {
  it("shows a transaction left open holding the write lock, and the session it blocks", async () => {
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const waiter = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([holder.connect(), waiter.connect()]);
    try {
      await holder.query(`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})`);
      await waiter.query("BEGIN");
      const waiting = waiter.query(`SELECT pg_advisory_xact_lock(${WRITE_LOCK})`);
      const [holderPid, waiterPid] = [(holder as unknown as { processID: number }).processID, (waiter as unknown as { processID: number }).processID];
      let report = "";
      for (let tries = 0; tries < 50 && !rowsOf(report, waiterPid).some((r) => r.includes("Lock:advisory")); tries += 1) {
        report = await describeServer(inject("postgresServerUrl"));
      }
      const [holderSession, ...holderLocks] = rowsOf(report, holderPid);
      expect(holderSession).toContain("| idle in transaction |");
      expect(holderLocks.find((l) => l.includes(`| ${WRITE_LOCK}`))).toMatch(/\| advisory .*\| ExclusiveLock\s+\| true$/);
      const [waiterSession, ...waiterLocks] = rowsOf(report, waiterPid);
      expect(waiterSession).toMatch(new RegExp(`\\| active\\s+\\| Lock:advisory\\s+\\| ${holderPid}\\s+\\|`));
      expect(waiterLocks.find((l) => l.includes(`| ${WRITE_LOCK}`))).toMatch(/\| ExclusiveLock\s+\| false$/);
      await holder.query("ROLLBACK");
      await waiting;
      await waiter.query("ROLLBACK");
    } finally {
      await Promise.all([holder.end(), waiter.end()]);
    }
  });

  it("finds the servers a stage started by their notes, and stops those it left running", async () => {
    const notes = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-notes-test-"));
    const before = process.env[SERVER_NOTES];
    process.env[SERVER_NOTES] = notes;
    const server = await startPostgres();
    try {
      const [noted] = notedServers(notes);
      expect(noted).toMatchObject({ port: server.port, url: server.url() });
      expect(await describeServers(notes)).toContain(`PostgreSQL at ${server.url()} (${noted.dir}):\nSessions (pg_stat_activity):`);
      expect(stopNotedServers(notes)).toBe(1);
      expect(fs.readdirSync(notes)).toEqual([]);
      expect(fs.existsSync(noted.dir)).toBe(false);
      expect(await describeServer(server.url(), { timeoutMs: 2_000 })).toMatch(/^\(no answer from /);
    } finally {
      process.env[SERVER_NOTES] = before;
      if (before === undefined) delete process.env[SERVER_NOTES];
      await server.stop();
      fs.rmSync(notes, { recursive: true, force: true });
    }
  }, 60_000);
});
