/**
 * The cap on failed sign-ins recorded one by one (FAILED_SIGN_IN_EVENTS_PER_HOUR,
 * per account and hour). Failed sign-ins are activity events in the account's
 * hash chain (./chain.ts), and the chain can only lose its oldest events
 * (./retention.ts moves the anchor past them); removing old failures from
 * between the events kept would break it at each one. So they are bounded as
 * they are written instead: past the hour's cap a failure still counts (the
 * sign-in throttle, /metrics) but is not recorded; the first one past it
 * records "user.login.failed.capped" (when recording resumes), so the log
 * says failures went unrecorded. Locks, successful sign-ins and every other
 * event are always recorded.
 */
import "server-only";
import type { Tx } from "@/lib/db/database";
import { failedSignInEventsLimit } from "@/lib/security/limits";
import { countWithinLimit } from "@/lib/security/rate-limit";

export const FAILED_SIGN_IN = "user.login.failed";
export const FAILED_SIGN_INS_CAPPED = "user.login.failed.capped";

/** What to do with a failed sign-in at `at`: record it, record the cap instead (the hour's first past it), or nothing. */
export async function failedSignInOnRecord(
  tx: Tx,
  accountId: string,
  at: Date,
): Promise<{ record: "event" } | { record: "cap"; perHour: number; resumesAt: Date } | { record: "nothing" }> {
  const limit = failedSignInEventsLimit();
  if (!limit) return { record: "event" };
  const counted = await countWithinLimit(tx, limit, accountId, at);
  if (counted.within) return { record: "event" };
  if (counted.count > limit.points + 1) return { record: "nothing" };
  return { record: "cap", perHour: limit.points, resumesAt: new Date(at.getTime() + counted.retryAfterSeconds * 1000) };
}
