/**
 * The server's heartbeat: while a server process runs, it renews one row of
 * the leases table ("server.heartbeat") every 30 seconds, valid for 90. Tools
 * that must not run beside a server on the same data (`npm run restore`) read
 * it: an unexpired row means a server wrote to this database within the last
 * 90 seconds. Any replica's beat keeps it fresh (no lease is taken: every
 * process writes it), and one that stops, cleanly or not, leaves it to expire.
 *
 * Not the job leases (lib/jobs.ts): the maintenance lease is renewed hourly
 * and valid for 1.5 hours, so it can't tell a running server from one stopped
 * an hour ago; the outbox lease is taken only by a process that sends mail or
 * webhooks, and the search merge gives its lease back after each pass.
 */
import "server-only";
import { leases } from "@/lib/db/schema";
import { processId } from "./lease";
import { writeSystem } from "./unit-of-work";

export const SERVER_HEARTBEAT = { name: "server.heartbeat", everyMs: 30_000, ttlMs: 90_000 } as const;

/** Renews the heartbeat as of `now` (tests play another process with `holder`). */
export async function beat(options: { now?: Date; holder?: string } = {}): Promise<void> {
  const holder = options.holder ?? processId();
  const expiresAt = new Date((options.now ?? new Date()).getTime() + SERVER_HEARTBEAT.ttlMs);
  await writeSystem((tx) =>
    tx.insert(leases).values({ name: SERVER_HEARTBEAT.name, holder, expiresAt }).onConflictDoUpdate({ target: leases.name, set: { holder, expiresAt } }),
  );
}
