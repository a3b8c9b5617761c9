/**
 * The cap on failed sign-ins recorded one by one (FAILED_SIGN_IN_EVENTS_PER_HOUR,
 * per account and hour), for failures that name no existing person only (an
 * unknown email or username, an unknown passkey: no target user) or that the
 * lock didn't count (refused while locked or waiting). A failure against a real
 * person is always recorded: the per-person lock
 * (lib/security/sign-in-throttle.ts, SIGNIN_LOCKOUT_FAILURES per window) bounds
 * those already, and a cap they shared could be used up with made-up emails to
 * hide a password spray against real people that follows. Failed sign-ins are activity events in the account's
 * hash chain (./chain.ts), and the chain can only lose its oldest events
 * (./retention.ts moves the anchor past them); removing old failures from
 * between the events kept would break it at each one. So they are bounded as
 * they are written instead: past the hour's cap a failure still counts (the
 * sign-in throttle, /metrics) but is not recorded; the first one past it
 * records "user.login.failed.capped" (when recording resumes), so the log
 * says failures went unrecorded; the first such failure after that hour records
 * "user.login.failed.unrecorded" before itself, with how many went unrecorded
 * (a new event: the chain is append-only). Locks, successful sign-ins and every
 * other event are always recorded.
 */
import "server-only";
import { eq } from "drizzle-orm";
import type { Tx } from "@/lib/db/database";
import { rateLimits } from "@/lib/db/schema";
import { failedSignInEventsLimit } from "@/lib/security/limits";
import { counterKey, countWithinLimit } from "@/lib/security/rate-limit";

export const FAILED_SIGN_IN = "user.login.failed";
export const FAILED_SIGN_INS_CAPPED = "user.login.failed.capped";
export const FAILED_SIGN_INS_UNRECORDED = "user.login.failed.unrecorded";

/**
 * Refusals the per-person lock doesn't count (the lock, or a wait, is already on; one per request while it
 * lasts, from any number of addresses): capped like failures that name nobody. The lock itself is on record.
 */
const NOT_COUNTED_BY_THE_LOCK = new Set(["locked", "rate_limited"]);

/**
 * Whether a failed sign-in is never capped: it names an existing person (its target is a user) and the
 * per-person lock counted it, so it is bounded by SIGNIN_LOCKOUT_FAILURES per window already.
 */
export function alwaysRecorded(event: { target?: { type: string }; details?: Record<string, unknown> }): boolean {
  return event.target?.type === "user" && !NOT_COUNTED_BY_THE_LOCK.has(String(event.details?.reason));
}

/** How many of a capped hour's failures went unrecorded, once the hour is over (read before this failure counts). */
export type Unrecorded = { count: number; until: Date } | null;

/**
 * What to do with a failed sign-in at `at` that names no person: record it, record the cap instead (the hour's
 * first past it), or nothing; and, when the hour before was capped and is over, how many went unrecorded.
 */
export async function failedSignInOnRecord(
  tx: Tx,
  accountId: string,
  at: Date,
): Promise<{ unrecorded: Unrecorded } & ({ record: "event" } | { record: "cap"; perHour: number; resumesAt: Date } | { record: "nothing" })> {
  const limit = failedSignInEventsLimit();
  if (!limit) return { record: "event", unrecorded: null };
  // The counter's row still holds a closed hour's count until this failure starts the next one.
  const [previous] = await tx.select({ points: rateLimits.points, expire: rateLimits.expire }).from(rateLimits).where(eq(rateLimits.key, counterKey(limit, accountId)));
  const closed = previous?.expire != null && Number(previous.expire) <= at.getTime();
  const unrecorded = closed && previous.points > limit.points ? { count: previous.points - limit.points, until: new Date(Number(previous.expire)) } : null;
  const counted = await countWithinLimit(tx, limit, accountId, at);
  if (counted.within) return { record: "event", unrecorded };
  if (counted.count > limit.points + 1) return { record: "nothing", unrecorded };
  return { record: "cap", perHour: limit.points, resumesAt: new Date(at.getTime() + counted.retryAfterSeconds * 1000), unrecorded };
}
