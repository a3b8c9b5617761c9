/**
 * Activity retention: events older than ACTIVITY_RETENTION_DAYS are removed by
 * a background job (lib/jobs.ts), never by a page load. Only the oldest
 * events go, and the chain stays verifiable: in the same transaction as each
 * delete, the account's anchor moves to the first kept event and records the
 * hash it chains to. The database's delete trigger refuses anything above
 * the anchor, so this is the only way events leave the log. Each run that
 * removes something records an "activity.pruned" event.
 */
import "server-only";
import { config } from "@/lib/config";
import { sqliteHandle, writeTransaction } from "@/lib/db/client";
import { activityAnchors } from "@/lib/db/schema";
import { recordEvent } from "./record";
import { accountsWithEvents } from "./verify";

const DAY_MS = 86_400_000;

export type PruneResult = { accountId: string; pruned: number }[];

/** Removes one batch of the account's events older than cutoff; returns how many went. */
function pruneBatch(accountId: string, cutoff: Date, batchSize: number, now: Date): number {
  return writeTransaction((tx) => {
    const sqlite = sqliteHandle();
    // Time never runs backwards in the log, so "older than cutoff" is a prefix of the seq order.
    const lastOld = sqlite
      .prepare(
        "SELECT seq FROM activity_events WHERE account_id = ? AND occurred_at < ? ORDER BY occurred_at DESC, seq DESC LIMIT 1",
      )
      .pluck()
      .get(accountId, cutoff.getTime()) as number | undefined;
    if (lastOld === undefined) return 0;
    const first = sqlite.prepare("SELECT min(seq) FROM activity_events WHERE account_id = ?").pluck().get(accountId) as number;
    const upto = Math.min(lastOld, first + batchSize - 1);
    const boundary = sqlite.prepare("SELECT hash FROM activity_events WHERE account_id = ? AND seq = ?").pluck().get(accountId, upto) as
      | string
      | null;
    if (!boundary) throw new Error(`activity event #${upto} of account ${accountId} has no hash; run npm run verify-events`);
    const existing = sqlite.prepare("SELECT pruned_count FROM activity_anchors WHERE account_id = ?").pluck().get(accountId) as
      | number
      | undefined;
    const count = sqlite
      .prepare("SELECT count(*) FROM activity_events WHERE account_id = ? AND seq <= ?")
      .pluck()
      .get(accountId, upto) as number;
    // The anchor moves first: the delete trigger allows only rows below it.
    tx.insert(activityAnchors)
      .values({ accountId, firstSeq: upto + 1, prevHash: boundary, prunedCount: (existing ?? 0) + count, updatedAt: now })
      .onConflictDoUpdate({
        target: activityAnchors.accountId,
        set: { firstSeq: upto + 1, prevHash: boundary, prunedCount: (existing ?? 0) + count, updatedAt: now },
      })
      .run();
    return sqlite.prepare("DELETE FROM activity_events WHERE account_id = ? AND seq <= ?").run(accountId, upto).changes;
  });
}

/**
 * Prunes every account's events older than `days` before `now`. Works in
 * batches, each its own short transaction, yielding between them so sign-ins
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
  for (const accountId of accountsWithEvents()) {
    let pruned = 0;
    for (;;) {
      const n = pruneBatch(accountId, cutoff, batchSize, now);
      pruned += n;
      if (n < batchSize) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (pruned > 0) {
      writeTransaction((tx) =>
        recordEvent(tx, {
          accountId,
          action: "activity.pruned",
          actor: { type: "system", id: null, label: "Retention" },
          details: { pruned, older_than: cutoff.toISOString(), retention_days: days },
          meta: { ip: null, userAgent: null },
          at: now,
        }),
      );
      result.push({ accountId, pruned });
    }
  }
  return result;
}
