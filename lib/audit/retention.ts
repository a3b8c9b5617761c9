/**
 * Activity retention: events older than ACTIVITY_RETENTION_DAYS are removed by
 * a background job (lib/jobs.ts), never by a page load. Only the oldest
 * events go, and the chain stays verifiable: in the same transaction as each
 * delete, the account's anchor moves to the first kept event and records the
 * hash it chains to. The database's delete trigger refuses anything above
 * the anchor, so this is the only way events leave the log.
 *
 * The anchor row itself is plain data (anyone who can write the database can
 * move it), so each batch also records, in that same transaction, an
 * "activity.pruned" event whose sealed details carry the anchor it set
 * (`anchor`: first_seq, prev_hash, pruned_count). verifyChain (./verify.ts)
 * holds the anchor to the newest such event. One event per batch, not per
 * run: a run that committed some batches and then crashed or is still going
 * would otherwise leave an anchor no sealed event vouches for, which verify
 * can't tell from a forged one.
 */
import "server-only";
import { NO_REQUEST } from "@/lib/auth/actor";
import { and, count, desc, eq, lt, lte, min, sql } from "drizzle-orm";
import { config } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { execute, rows } from "@/lib/db/raw";
import { activityAnchors, activityEvents } from "@/lib/db/schema";
import { forgetPartiesWithoutEvents } from "./party-search";
import { recordEvent } from "./record";
import type { RecordedAnchor } from "./chain";
import { accountsWithEvents } from "./verify";

const DAY_MS = 86_400_000;

export type PruneResult = { accountId: string; pruned: number }[];

/**
 * Removes one batch of the account's events older than cutoff, in its own unit of work, and records it
 * (with the anchor it set) in the same one; returns how many went.
 */
async function pruneBatch(accountId: string, cutoff: Date, days: number, batchSize: number, now: Date): Promise<number> {
  return writeSystem(async (tx) => {
    const ofAccount = eq(activityEvents.accountId, accountId);
    // Time never runs backwards in the log, so "older than cutoff" is a prefix of the seq order.
    const [lastOld] = await tx
      .select({ seq: activityEvents.seq })
      .from(activityEvents)
      .where(and(ofAccount, lt(activityEvents.occurredAt, cutoff)))
      .orderBy(desc(activityEvents.occurredAt), desc(activityEvents.seq))
      .limit(1);
    if (lastOld?.seq == null) return 0;
    const [{ first }] = await tx.select({ first: min(activityEvents.seq) }).from(activityEvents).where(ofAccount);
    const upto = Math.min(lastOld.seq, (first ?? lastOld.seq) + batchSize - 1);
    const [boundary] = await tx
      .select({ hash: activityEvents.hash })
      .from(activityEvents)
      .where(and(ofAccount, eq(activityEvents.seq, upto)))
      .limit(1);
    if (!boundary?.hash) throw new Error(`activity event #${upto} of account ${accountId} has no hash; run npm run verify-events`);
    const [existing] = await tx
      .select({ pruned: activityAnchors.prunedCount })
      .from(activityAnchors)
      .where(eq(activityAnchors.accountId, accountId))
      .limit(1);
    const [{ n }] = await tx
      .select({ n: count() })
      .from(activityEvents)
      .where(and(ofAccount, lte(activityEvents.seq, upto)));
    const anchor = { firstSeq: upto + 1, prevHash: boundary.hash, prunedCount: (existing?.pruned ?? 0) + n, updatedAt: now };
    // The anchor moves first: the delete trigger allows only rows below it.
    await tx
      .insert(activityAnchors)
      .values({ accountId, ...anchor })
      .onConflictDoUpdate({ target: activityAnchors.accountId, set: anchor });
    const parties = await rows<{ id: string }>(
      tx,
      sql`SELECT actor_id AS id FROM activity_events WHERE account_id = ${accountId} AND seq <= ${upto} AND actor_id IS NOT NULL
          UNION SELECT target_id AS id FROM activity_events WHERE account_id = ${accountId} AND seq <= ${upto} AND target_id IS NOT NULL`,
    );
    const pruned = await execute(tx, sql`DELETE FROM activity_events WHERE account_id = ${accountId} AND seq <= ${upto}`);
    // The log's search forgets whom no event names any more (a deleted person's names leave with their last event).
    await forgetPartiesWithoutEvents(tx, accountId, parties.map((p) => p.id));
    const recorded: RecordedAnchor = { first_seq: anchor.firstSeq, prev_hash: anchor.prevHash, pruned_count: anchor.prunedCount };
    await recordEvent(tx, {
      accountId,
      action: "activity.pruned",
      actor: { type: "system", id: null, label: "Retention" },
      details: { pruned, older_than: cutoff.toISOString(), retention_days: days, anchor: recorded },
      meta: NO_REQUEST,
      at: now,
    });
    return pruned;
  });
}

/**
 * Prunes every account's events older than `days` before `now`. Works in
 * batches, each its own short unit of work, yielding between them so sign-ins
 * and pages aren't held up by a large first run.
 */
export async function pruneActivity(
  now = new Date(),
  days: number | null = config().activityRetentionDays,
  batchSize = 5000,
): Promise<PruneResult> {
  if (days === null) return [];
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const result: PruneResult = [];
  for (const accountId of await accountsWithEvents()) {
    let pruned = 0;
    for (;;) {
      const n = await pruneBatch(accountId, cutoff, days, batchSize, now);
      pruned += n;
      if (n < batchSize) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (pruned > 0) result.push({ accountId, pruned });
  }
  return result;
}
