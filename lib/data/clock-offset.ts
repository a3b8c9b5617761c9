/**
 * This server's clock against the database's. Each replica decides by its own
 * clock when a session, token, invite or lease has expired and which minute a
 * rate limit counts in; on PostgreSQL several replicas share those rows, so a
 * replica whose clock runs ahead takes a job lease another still holds and ends
 * sessions early, and one that runs behind accepts what the others refuse.
 * The database server's clock is the one they all see: each replica compares
 * itself with it at every heartbeat (lib/jobs.ts) and in /metrics, and says so
 * in its log when the two are more than CLOCK_OFFSET_WARN_MS apart. SQLite is
 * one machine with one clock: nothing to compare.
 */
import "server-only";
import { sql } from "drizzle-orm";
import { db, dialect } from "@/lib/db/database";
import { firstRow } from "@/lib/db/raw";

/** Beyond this, replicas disagree about expiries and leases enough to matter (NTP keeps clocks within milliseconds). */
export const CLOCK_OFFSET_WARN_MS = 10_000;

/**
 * How far this server's clock is ahead of the database server's (negative: behind), in milliseconds; null on
 * SQLite. The database's reading is taken half-way through the round trip, so network time doesn't count.
 */
export async function clockOffsetMs(now: () => number = Date.now): Promise<number | null> {
  if (dialect() !== "postgres") return null;
  const sent = now();
  const row = await firstRow<{ ms: number | string }>(db(), sql`SELECT extract(epoch FROM clock_timestamp()) * 1000 AS ms`);
  const received = now();
  return Math.round((sent + received) / 2 - Number(row?.ms));
}

const state = globalThis as unknown as { latchkeyClockOffWarned?: boolean };

/**
 * Measures the offset and logs the news: once when it passes CLOCK_OFFSET_WARN_MS, once when it is back
 * within it (not at every heartbeat). Answers the offset.
 */
export async function checkClockOffset(now: () => number = Date.now): Promise<number | null> {
  const offset = await clockOffsetMs(now);
  if (offset === null) return null;
  const off = Math.abs(offset) > CLOCK_OFFSET_WARN_MS;
  if (off && !state.latchkeyClockOffWarned) {
    console.warn(
      `This server's clock is ${Math.round(Math.abs(offset) / 1000)} s ${offset > 0 ? "ahead of" : "behind"} the database server's. ` +
        "Replicas decide expiries, rate-limit windows and job leases by their own clocks: keep every replica's clock in sync (NTP).",
    );
  } else if (!off && state.latchkeyClockOffWarned) {
    console.warn("This server's clock is in step with the database server's again.");
  }
  state.latchkeyClockOffWarned = off;
  return offset;
}
