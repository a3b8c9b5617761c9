/**
 * Checking the activity log's hash chain (./chain.ts): every event is re-hashed
 * in seq order and compared with what is stored, and each prev_hash with the
 * hash before it. The first broken link is reported with what is wrong there.
 * Used by "Verify integrity" on the Activity page, GET /api/events/integrity
 * and `npm run verify-events`.
 */
import "server-only";
import type { Actor } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { eq, sql } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { activityAnchors } from "@/lib/db/schema";
import { chainedFields, GENESIS_HASH, sealMatches, RAW_EVENT_COLUMNS, rawEventRow, type RawEventRow } from "./chain";

export type BrokenLink = {
  seq: number;
  eventId: string | null;
  occurredAt: Date | null;
  problem: "altered" | "relinked" | "missing" | "unsealed";
  /** What a person reads: which event and what is wrong with it. */
  message: string;
};

export type ChainReport = {
  ok: boolean;
  /** Events checked before the first broken link (all of them when ok). */
  checked: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Oldest events removed by retention, before firstSeq. */
  pruned: number;
  broken: BrokenLink | null;
};


const BATCH = 5000;

const MESSAGES: Record<BrokenLink["problem"], string> = {
  altered: "its content no longer matches its hash (the row was changed)",
  relinked: "it does not chain to the event before it (an event before it was changed, replaced or inserted)",
  missing: "events before it are missing (rows were deleted)",
  unsealed: "it has no hash (it was written outside the application)",
};

function broken(seq: number, row: RawEventRow | null, problem: BrokenLink["problem"]): BrokenLink {
  return {
    seq,
    eventId: row?.id ?? null,
    occurredAt: row ? new Date(row.occurred_at) : null,
    problem,
    message: `Event #${seq}${row ? ` (${row.action}, ${new Date(row.occurred_at).toISOString()})` : ""}: ${MESSAGES[problem]}`,
  };
}

/**
 * Verifies one account's chain. Yields to the event loop between batches so a
 * server checking a million events keeps answering other requests.
 */
export async function verifyChain(accountId: string): Promise<ChainReport> {
  const [anchor] = await db()
    .select({ firstSeq: activityAnchors.firstSeq, prevHash: activityAnchors.prevHash, pruned: activityAnchors.prunedCount })
    .from(activityAnchors)
    .where(eq(activityAnchors.accountId, accountId))
    .limit(1);
  const batch = async (after: number) =>
    (
      await rows<RawEventRow>(
        db(),
        sql`SELECT ${RAW_EVENT_COLUMNS} FROM activity_events WHERE account_id = ${accountId} AND seq > ${after} ORDER BY seq LIMIT ${BATCH}`,
      )
    ).map(rawEventRow);
  let expectedSeq = anchor?.firstSeq ?? 1;
  let expectedPrev = anchor?.prevHash ?? GENESIS_HASH;
  let checked = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  const report = (b: BrokenLink | null): ChainReport => ({ ok: b === null, checked, firstSeq, lastSeq, pruned: anchor?.pruned ?? 0, broken: b });

  // A row without a place in the chain can only have been written around the application.
  const [stray] = (
    await rows<RawEventRow>(db(), sql`SELECT ${RAW_EVENT_COLUMNS} FROM activity_events WHERE account_id = ${accountId} AND seq IS NULL LIMIT 1`)
  ).map(rawEventRow);
  if (stray) return report(broken(0, stray, "unsealed"));

  let after = expectedSeq - 1;
  for (;;) {
    const found = await batch(after);
    if (found.length === 0) return report(null);
    for (const row of found) {
      if (row.seq !== expectedSeq) {
        // A row below the anchor (seq < expected) can only be an inserted one; a gap means deletions.
        return report(broken(row.seq > expectedSeq ? row.seq : expectedSeq, row, row.seq > expectedSeq ? "missing" : "relinked"));
      }
      if (row.hash === null || row.prev_hash === null) return report(broken(row.seq, row, "unsealed"));
      if (!sealMatches(chainedFields(row, row.prev_hash), row.hash)) return report(broken(row.seq, row, "altered"));
      if (row.prev_hash !== expectedPrev) return report(broken(row.seq, row, "relinked"));
      firstSeq ??= row.seq;
      lastSeq = row.seq;
      checked += 1;
      expectedSeq = row.seq + 1;
      expectedPrev = row.hash;
    }
    after = found[found.length - 1].seq;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Accounts that have events or an anchor (the command-line check and retention cover all of them). */
export async function accountsWithEvents(): Promise<string[]> {
  // A loose index scan: one seek per distinct account instead of reading every event (both dialects run it).
  const found = await rows<{ v: string }>(
    db(),
    sql`WITH RECURSIVE a(v) AS (
          SELECT (SELECT min(account_id) FROM activity_events)
          UNION ALL
          SELECT (SELECT min(account_id) FROM activity_events WHERE account_id > a.v) FROM a WHERE a.v IS NOT NULL
        )
        SELECT v FROM a WHERE v IS NOT NULL UNION SELECT account_id AS v FROM activity_anchors`,
  );
  return found.map((r) => r.v);
}

export async function verifyActivityIntegrity(actor: Actor): Promise<ChainReport> {
  assertCan(actor, "events:read", "Only admins and auditors can verify the activity log");
  return verifyChain(actor.accountId);
}
