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
 * (a new event: the chain is append-only). If no such failure comes, the
 * maintenance pass records it (recordUnrecordedFailedSignIns, ./unrecorded-sign-ins.ts),
 * before the rate limits' prune would drop the count with the counter's row.
 * Either way the closed hour's row is claimed by deleting it, in the unit of
 * work that records the event: whichever deletes it records the count, once
 * (a second claimant, on this replica or another, finds no row). Locks,
 * successful sign-ins and every other event are always recorded.
 */
import "server-only";
import { NO_REQUEST } from "@/lib/auth/actor";
import { and, eq, gt, like, lte, type SQL } from "drizzle-orm";
import type { Tx } from "@/lib/db/database";
import { rateLimits } from "@/lib/db/schema";
import { failedSignInEventsLimit } from "@/lib/security/limits";
import { counterKey, countWithinLimit, type RateLimit } from "@/lib/security/rate-limit";
import type { EventParty, NewEvent } from "./new-event";

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

type CapLimit = Pick<RateLimit, "name" | "points" | "durationSeconds">;

/**
 * Claims the counter rows of hours over by `at` (those `where` picks) by deleting them, and returns what each left
 * unrecorded. The delete is the claim: of two units of work that reach for the same row (the next failure, the
 * maintenance pass; on two replicas) only one gets it back, so only one records its count.
 */
async function claimClosedHours(tx: Tx, limit: CapLimit, at: Date, where: SQL): Promise<Array<{ accountId: string; unrecorded: Unrecorded }>> {
  const rows = await tx
    .delete(rateLimits)
    .where(and(where, lte(rateLimits.expire, at.getTime())))
    .returning({ key: rateLimits.key, points: rateLimits.points, expire: rateLimits.expire });
  return rows.map((row) => ({
    accountId: row.key.slice(counterKey(limit, "").length),
    unrecorded: row.points > limit.points ? { count: row.points - limit.points, until: new Date(Number(row.expire)) } : null,
  }));
}

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
  // The counter's row still holds a closed hour's count unless the maintenance pass claimed it; this failure starts the next hour.
  const [closed] = await claimClosedHours(tx, limit, at, eq(rateLimits.key, counterKey(limit, accountId)));
  const unrecorded = closed?.unrecorded ?? null;
  const counted = await countWithinLimit(tx, limit, accountId, at);
  if (counted.within) return { record: "event", unrecorded };
  if (counted.count > limit.points + 1) return { record: "nothing", unrecorded };
  return { record: "cap", perHour: limit.points, resumesAt: new Date(at.getTime() + counted.retryAfterSeconds * 1000), unrecorded };
}

/**
 * Every account's capped hour that is over by `now` and that no failure has claimed yet (the maintenance pass:
 * the rate limits' prune would otherwise drop its count with the row). Hours that weren't capped are left to that prune.
 */
export async function claimClosedCappedHours(tx: Tx, now: Date): Promise<Array<{ accountId: string; unrecorded: NonNullable<Unrecorded> }>> {
  const limit = failedSignInEventsLimit();
  if (!limit) return [];
  const claimed = await claimClosedHours(tx, limit, now, and(like(rateLimits.key, `${counterKey(limit, "")}%`), gt(rateLimits.points, limit.points))!);
  return claimed.flatMap(({ accountId, unrecorded }) => (unrecorded ? [{ accountId, unrecorded }] : []));
}

/** The "user.login.failed.unrecorded" event, by `by` (the failure that found the hour over, or the maintenance pass). */
export function unrecordedEvent(accountId: string, unrecorded: NonNullable<Unrecorded>, by: EventParty, at: Date | undefined): NewEvent {
  return {
    accountId,
    action: FAILED_SIGN_INS_UNRECORDED,
    actor: by,
    details: { unrecorded: unrecorded.count, until: unrecorded.until.toISOString() },
    meta: NO_REQUEST,
    at,
  };
}
