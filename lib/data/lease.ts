/**
 * Leases: a named right, held by one process at a time until it expires, so a
 * background job (activity retention, the outbox pass) runs on one replica
 * however many are started. Taking a lease is one atomic upsert in a unit of
 * work: it succeeds when the lease is free, expired, or already ours (a holder
 * keeps renewing it each time its job comes round). A holder that dies simply
 * stops renewing; after ttlMs another process takes over.
 *
 * The lease is not given back after fn (unless asked: `release`): a job that
 * runs every N minutes keeps running on the same replica (with ttlMs longer
 * than N) instead of on whichever replica's timer fires next.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, lte, or } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { leases } from "@/lib/db/schema";
import { inUnitOfWork, writeSystem } from "./unit-of-work";

// One id per process start (on globalThis: Next's bundles share it).
const holder = globalThis as unknown as { latchkeyProcessId?: string };

/** This process's holder id: random per start, so a restarted process is a new holder. */
export function processId(): string {
  holder.latchkeyProcessId ??= crypto.randomUUID();
  return holder.latchkeyProcessId;
}

type LeaseOptions = {
  /** Who asks (default: this process). Tests use it to play two processes. */
  holder?: string;
  /** The time of the attempt (default: now). Tests use it to be "later". */
  now?: Date;
};

/** Takes or renews the lease for ttlMs; true when this holder has it now. */
export async function acquireLease(name: string, ttlMs: number, options: LeaseOptions = {}): Promise<boolean> {
  const me = options.holder ?? processId();
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + ttlMs);
  const taken = await writeSystem((tx) =>
    tx
      .insert(leases)
      .values({ name, holder: me, expiresAt })
      .onConflictDoUpdate({
        target: leases.name,
        set: { holder: me, expiresAt },
        // Only a free-by-expiry lease, or our own, changes hands: otherwise no row is returned.
        setWhere: or(eq(leases.holder, me), lte(leases.expiresAt, now)),
      })
      .returning({ holder: leases.holder }),
  );
  return taken.length === 1;
}

/**
 * Runs fn only if this process holds (or can take) the lease; renews it every
 * ttlMs/3 while fn runs, so a long run is not taken over halfway. Returns
 * whether fn ran, and its result.
 */
export async function withLease<T>(
  name: string,
  ttlMs: number,
  fn: () => Promise<T>,
  options: LeaseOptions & {
    /** Give the lease back after fn: for a job that any replica may start when it has work (the search index's merge). */
    release?: boolean;
  } = {},
): Promise<{ ran: true; result: T } | { ran: false }> {
  if (inUnitOfWork()) throw new Error("withLease() inside a unit of work: it opens its own");
  if (!(await acquireLease(name, ttlMs, options))) return { ran: false };
  const renewal = setInterval(() => {
    acquireLease(name, ttlMs, { holder: options.holder }).then(
      (held) => {
        if (!held) console.error(`Lease "${name}" was lost while its job ran`);
      },
      (err: unknown) => console.error(`Lease "${name}" could not be renewed:`, err),
    );
  }, Math.max(1_000, Math.floor(ttlMs / 3)));
  renewal.unref();
  try {
    return { ran: true, result: await fn() };
  } finally {
    clearInterval(renewal);
    if (options.release) await releaseLease(name, options);
  }
}

/** Gives the lease back if this holder has it (another holder's is left alone). */
export async function releaseLease(name: string, options: Pick<LeaseOptions, "holder"> = {}): Promise<void> {
  const me = options.holder ?? processId();
  await writeSystem((tx) => tx.delete(leases).where(and(eq(leases.name, name), eq(leases.holder, me))));
}

/** Who holds the lease and until when, or undefined (operators' tools and tests). */
export async function leaseHolder(name: string): Promise<{ holder: string; expiresAt: Date } | undefined> {
  const [row] = await db().select({ holder: leases.holder, expiresAt: leases.expiresAt }).from(leases).where(eq(leases.name, name)).limit(1);
  return row;
}
