/**
 * The server's heartbeat: while a server process runs, it renews its own row
 * of the leases table ("server.heartbeat:<process id>") every 30 seconds,
 * valid for 90, and removes it when it stops gracefully (SIGTERM, SIGINT).
 * Tools that must not run beside a server on the same data (`npm run
 * restore`) read them: an unexpired row means a server process wrote to this
 * database within the last 90 seconds and hasn't said it stopped. One row per
 * process, so one replica stopping never hides another that still runs; one
 * that dies without stopping leaves its row to expire (the next beat anywhere
 * removes expired rows).
 *
 * Not the job leases (lib/jobs.ts): the maintenance lease is renewed hourly
 * and valid for 1.5 hours, so it can't tell a running server from one stopped
 * an hour ago; the outbox lease is taken only by a process that sends mail or
 * webhooks, and the search merge gives its lease back after each pass.
 */
import "server-only";
import { and, eq, like, lte } from "drizzle-orm";
import { leases } from "@/lib/db/schema";
import { processId } from "./lease";
import { writeSystem } from "./unit-of-work";

export const SERVER_HEARTBEAT = { prefix: "server.heartbeat:", everyMs: 30_000, ttlMs: 90_000 } as const;

/** The rows' names, as SQL LIKE matches them (the prefix has no wildcard characters). */
export const HEARTBEAT_PATTERN = `${SERVER_HEARTBEAT.prefix}%`;

const state = globalThis as unknown as { latchkeyHeartbeatEnded?: boolean; latchkeyBeating?: Promise<void> };

/** Renews this process's heartbeat as of `now` (tests play other processes with `holder`), and removes expired ones. */
export async function beat(options: { now?: Date; holder?: string } = {}): Promise<void> {
  const holder = options.holder ?? processId();
  // A stopping process beats no more: its row stays removed.
  if (!options.holder && state.latchkeyHeartbeatEnded) return;
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + SERVER_HEARTBEAT.ttlMs);
  const name = SERVER_HEARTBEAT.prefix + holder;
  const beating = writeSystem(async (tx) => {
    await tx.insert(leases).values({ name, holder, expiresAt }).onConflictDoUpdate({ target: leases.name, set: { holder, expiresAt } });
    await tx.delete(leases).where(and(like(leases.name, HEARTBEAT_PATTERN), lte(leases.expiresAt, now)));
  });
  if (!options.holder) state.latchkeyBeating = beating.catch(() => undefined);
  await beating;
}

/** A graceful stop: this process's heartbeat goes at once (a restore needn't wait for it to expire). */
export async function endHeartbeat(): Promise<void> {
  state.latchkeyHeartbeatEnded = true;
  // A beat already under way would write the row back after the delete.
  await state.latchkeyBeating;
  await writeSystem((tx) => tx.delete(leases).where(eq(leases.name, SERVER_HEARTBEAT.prefix + processId())));
}
