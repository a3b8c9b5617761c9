/**
 * Checking the activity log's hash chain (./chain.ts): every event is re-hashed
 * in seq order and compared with what is stored, and each prev_hash with the
 * hash before it. The first broken link is reported with what is wrong there.
 * Used by "Verify integrity" on the Activity page, GET /api/events/integrity
 * and `npm run verify-events`.
 *
 * Where the chain starts is checked too. With no anchor it starts at #1 on
 * genesis. With one (retention removed the oldest events), the anchor row is
 * plain data, so it must be exactly the anchor that the newest sealed
 * "activity.pruned" event in the kept chain records (./retention.ts writes
 * both in one transaction); anything else means the start was moved, and the
 * events before it deleted, outside retention ("moved_start"). A pruned event
 * written before events recorded their anchor can't vouch for it: the report
 * is ok with startVerified false until the next retention run records one.
 */
import "server-only";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Actor } from "@/lib/auth/actor";
import { currentCaller } from "@/lib/auth/current-caller";
import { assertCan } from "@/lib/auth/policy";
import { eq, sql } from "drizzle-orm";
import { db } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { activityAnchors } from "@/lib/db/schema";
import { activityVerifyLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { chainedFields, GENESIS_HASH, sealMatches, RAW_EVENT_COLUMNS, rawEventRow, type RawEventRow, type RecordedAnchor } from "./chain";
import { resealCursor } from "./reseal-cursor";

export type BrokenLink = {
  seq: number;
  eventId: string | null;
  occurredAt: Date | null;
  problem: "altered" | "relinked" | "missing" | "unsealed" | "moved_start";
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
  /**
   * Whether where the chain starts was checked: true at genesis or when a sealed retention record
   * vouches for the anchor; false only when the newest one predates recorded anchors (ok, unchecked).
   */
  startVerified: boolean;
  broken: BrokenLink | null;
};

const PRUNED_ACTION = "activity.pruned";


const BATCH = 5000;

const MESSAGES: Record<BrokenLink["problem"], string> = {
  altered: "its content no longer matches its hash (the row was changed)",
  relinked: "it does not chain to the event before it (an event before it was changed, replaced or inserted)",
  missing: "events before it are missing (rows were deleted)",
  unsealed: "it has no hash (it was written outside the application)",
  moved_start: "the chain's start was moved outside retention (events before it were removed by hand)",
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

type Anchor = { firstSeq: number; prevHash: string; pruned: number };

/** The anchor a sealed "activity.pruned" event records, or null when it was written before events recorded one. */
function recordedAnchor(row: RawEventRow): RecordedAnchor | null {
  let details: unknown;
  try {
    details = row.details === null ? null : JSON.parse(row.details);
  } catch {
    return null;
  }
  const anchor = details && typeof details === "object" ? (details as { anchor?: unknown }).anchor : undefined;
  if (!anchor || typeof anchor !== "object") return null;
  const { first_seq, prev_hash, pruned_count } = anchor as Record<string, unknown>;
  return { first_seq: Number(first_seq), prev_hash: String(prev_hash), pruned_count: Number(pruned_count) };
}

/**
 * The start of an intact chain against the newest retention record in it (null: no anchor to check).
 * `newest` is a row whose seal was already checked, so what it records is what retention wrote.
 */
function startProblem(anchor: Anchor, newest: RawEventRow | null): { broken: BrokenLink | null; verified: boolean } {
  // No event to name: the link at fault is the anchor, in front of the first kept event.
  const moved = (why: string): BrokenLink => ({
    seq: anchor.firstSeq,
    eventId: null,
    occurredAt: null,
    problem: "moved_start",
    message: `Event #${anchor.firstSeq}: ${MESSAGES.moved_start}; ${why}`,
  });
  if (!newest) return { broken: moved("no retention run recorded it"), verified: false };
  const recorded = recordedAnchor(newest);
  // Written before retention recorded its anchor: nothing sealed to hold the anchor to until the next run.
  if (!recorded) return { broken: null, verified: false };
  const same = recorded.first_seq === anchor.firstSeq && recorded.prev_hash === anchor.prevHash && recorded.pruned_count === anchor.pruned;
  if (same) return { broken: null, verified: true };
  return {
    broken: moved(`the newest retention record (event #${newest.seq}) set it at #${recorded.first_seq} with ${recorded.pruned_count} pruned; the anchor says #${anchor.firstSeq} with ${anchor.pruned}`),
    verified: false,
  };
}

/**
 * Verifies one account's chain. Between batches it awaits `beforeNextBatch`: by default a turn of the event
 * loop, so a server checking a million events keeps answering other requests; for a person's check, their
 * permission asked again (verifyActivityIntegrity), which throws to end the walk.
 */
export async function verifyChain(accountId: string, beforeNextBatch: () => Promise<unknown> = nextTurn): Promise<ChainReport> {
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
  // The newest retention record seen so far, its seal already checked.
  let newestPruned: RawEventRow | null = null;
  const report = (b: BrokenLink | null, startVerified = !anchor): ChainReport => ({
    ok: b === null,
    checked,
    firstSeq,
    lastSeq,
    pruned: anchor?.pruned ?? 0,
    startVerified,
    broken: b,
  });

  // A row without a place in the chain can only have been written around the application.
  const [stray] = (
    await rows<RawEventRow>(db(), sql`SELECT ${RAW_EVENT_COLUMNS} FROM activity_events WHERE account_id = ${accountId} AND seq IS NULL LIMIT 1`)
  ).map(rawEventRow);
  if (stray) return report(broken(0, stray, "unsealed"));

  // A key rotation re-sealing this chain, stopped between two batches: the first event not yet re-sealed names
  // the old hash of the last one that was (./reseal-cursor.ts).
  const seam = await resealCursor(db(), accountId);
  const chainsAt = (row: RawEventRow) => row.prev_hash === expectedPrev || (row.seq === seam.seq + 1 && seam.oldHash !== null && row.prev_hash === seam.oldHash);
  let after = expectedSeq - 1;
  for (;;) {
    const found = await batch(after);
    if (found.length === 0) {
      if (!anchor) return report(null);
      const start = startProblem(anchor, newestPruned);
      // A moved start comes before every event: none of them counts as verified "before" it.
      if (start.broken) checked = 0;
      return report(start.broken, start.verified);
    }
    for (const row of found) {
      if (row.seq !== expectedSeq) {
        // A row below the anchor (seq < expected) can only be an inserted one; a gap means deletions.
        return report(broken(row.seq > expectedSeq ? row.seq : expectedSeq, row, row.seq > expectedSeq ? "missing" : "relinked"));
      }
      if (row.hash === null || row.prev_hash === null) return report(broken(row.seq, row, "unsealed"));
      if (!sealMatches(chainedFields(row, row.prev_hash), row.hash)) return report(broken(row.seq, row, "altered"));
      if (!chainsAt(row)) return report(broken(row.seq, row, "relinked"));
      // Only retention writes it, as the system; nothing a person sends can name an event's action.
      if (row.action === PRUNED_ACTION && row.actor_type === "system") newestPruned = row;
      firstSeq ??= row.seq;
      lastSeq = row.seq;
      checked += 1;
      expectedSeq = row.seq + 1;
      expectedPrev = row.hash;
    }
    after = found[found.length - 1].seq;
    await beforeNextBatch();
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

/** The Activity page's and the API's check: a budget per person (activityVerifyLimit), as each re-hashes the whole log. */
export async function verifyActivityIntegrity(actor: Actor): Promise<ChainReport> {
  assertMayVerify(actor);
  await consumeRateLimit(activityVerifyLimit(), `${actor.accountId}:${actor.userId}`);
  // The walk outlives this check (minutes at a million events): before each later batch the caller is asked
  // for again, as the long downloads do (lib/auth/current-caller.ts), and one who may no longer read the log
  // gets the refusal, not the report.
  const caller = currentCaller(actor);
  return verifyChain(actor.accountId, async () => assertMayVerify(await caller()));
}

function assertMayVerify(actor: Actor): void {
  assertCan(actor, "events:read", "Only admins and auditors can verify the activity log");
}
