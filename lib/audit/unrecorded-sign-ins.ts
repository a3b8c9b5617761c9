/**
 * The maintenance pass's part of the failed sign-in cap (./failed-sign-in-cap.ts): a capped hour's count of
 * failures left unrecorded is written by the first capped failure after the hour, and kept until then in the
 * cap's counter row. When no such failure comes, the rate limits' prune (lib/security/rate-limit.ts) would drop
 * that row and its count with it; so the pass runs this first (lib/jobs.ts): every capped hour that is over
 * and unclaimed is claimed (its row deleted) and recorded, in one unit of work.
 */
import "server-only";
import { writeSystem } from "@/lib/data/unit-of-work";
import { claimClosedCappedHours, unrecordedEvent } from "./failed-sign-in-cap";
import { MAINTENANCE_PARTY } from "./new-event";
import { recordEvent } from "./record";


/** Records "user.login.failed.unrecorded" for each capped hour over by `now` that no failure claimed; returns how many. */
export async function recordUnrecordedFailedSignIns(now: Date): Promise<number> {
  return writeSystem(async (tx) => {
    const claimed = await claimClosedCappedHours(tx, now);
    for (const { accountId, unrecorded } of claimed) await recordEvent(tx, unrecordedEvent(accountId, unrecorded, MAINTENANCE_PARTY, now));
    return claimed.length;
  });
}
