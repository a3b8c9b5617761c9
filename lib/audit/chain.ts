/**
 * The activity log's hash chain. Each event's `hash` is an HMAC-SHA-256, under
 * a key derived from the master key, over the event's stored content and the
 * previous event's hash (`prev_hash`); events of an account are chained in
 * `seq` order. Changing, inserting or removing a row in the middle breaks the
 * chain at that row, and without the key nobody can re-seal a rewritten row.
 *
 * Where the chain starts: at #1 on GENESIS_HASH, or, once retention removed
 * the oldest events, at the account's anchor (activity_anchors). That row is
 * plain data and the delete trigger allows anything below it, so the anchor
 * alone proves nothing: retention records every anchor it sets inside a
 * sealed "activity.pruned" event, in the same transaction, and verify
 * (./verify.ts) holds the anchor to the newest such event. Moving the start
 * by hand (deleting the oldest events outside retention) is reported.
 *
 * Limits, on purpose: removing the newest events leaves a shorter chain that
 * still verifies (there is nothing after them to disagree) as long as a
 * retention record of the current anchor is among the events kept; someone
 * with the encryption key can rewrite the whole chain. An account whose newest
 * retention record was written before records carried the anchor verifies
 * with its start unchecked (startVerified false) until the next retention run
 * that removes events. An operator who needs more exports the head hash
 * (GET /api/events returns each event's hash) elsewhere.
 */
import "server-only";
import crypto from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { keyRing, readableKeySets } from "@/lib/crypto/keys";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db, type Db, type Tx } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { activityAnchors, activityEvents, meta } from "@/lib/db/schema";

const SEALED_FLAG = "activity_chain_sealed";

/** The prev_hash of an account's very first event. */
export const GENESIS_HASH = "0".repeat(64);

/** The stored columns a hash covers, exactly as they are in the database. */
export type ChainedFields = {
  id: string;
  accountId: string;
  seq: number;
  occurredAtMs: number;
  action: string;
  actorType: string;
  actorId: string | null;
  actorLabelCiphertext: string | null;
  targetType: string | null;
  targetId: string | null;
  targetLabelCiphertext: string | null;
  /** The details column's JSON text. */
  detailsJson: string | null;
  privateDetailsCiphertext: string | null;
  /** Events recorded before review 17: the address and user agent as they were (null since). */
  ip: string | null;
  userAgent: string | null;
  /** Since review 17: the address and user agent sealed, and the address's blind index (its search). */
  ipCiphertext: string | null;
  userAgentCiphertext: string | null;
  ipIndex: string | null;
  prevHash: string;
};

export function eventHash(fields: ChainedFields, key: Buffer = keyRing().activityChainKey): string {
  // An event with its client sealed (review 17) is hashed as v2, with the sealed fields; one without, as
  // every event before, v1: the hashes of events recorded before stay as they were.
  const sealedClient = fields.ipCiphertext !== null || fields.userAgentCiphertext !== null || fields.ipIndex !== null;
  // A JSON array keeps field boundaries unambiguous ("a","bc" never hashes like "ab","c").
  const canonical = JSON.stringify([
    sealedClient ? "latchkey-event-v2" : "latchkey-event-v1",
    fields.id,
    fields.accountId,
    fields.seq,
    fields.occurredAtMs,
    fields.action,
    fields.actorType,
    fields.actorId,
    fields.actorLabelCiphertext,
    fields.targetType,
    fields.targetId,
    fields.targetLabelCiphertext,
    fields.detailsJson,
    fields.privateDetailsCiphertext,
    fields.ip,
    fields.userAgent,
    ...(sealedClient ? [fields.ipCiphertext, fields.userAgentCiphertext, fields.ipIndex] : []),
    fields.prevHash,
  ]);
  return crypto.createHmac("sha256", key).update(canonical, "utf8").digest("hex");
}

/**
 * Whether the hash seals these fields under a key this process reads with:
 * while a key rotation re-seals the chain (lib/ops/key-rotation.ts), events
 * not reached yet carry the previous key's seal.
 */
export function sealMatches(fields: ChainedFields, hash: string): boolean {
  return readableKeySets().some((keys) => eventHash(fields, keys.activityChainKey) === hash);
}

export type ChainHead = { seq: number; hash: string; occurredAtMs: number };

/** The account's newest event (seq order). Built once per call: recording an event is on every sign-in's path, so it stays one indexed seek. */
export function newestEventQuery(q: Db, accountId: string) {
  return q
    .select({ seq: activityEvents.seq, hash: activityEvents.hash, occurredAt: activityEvents.occurredAt })
    .from(activityEvents)
    .where(eq(activityEvents.accountId, accountId))
    .orderBy(desc(activityEvents.seq))
    .limit(1);
}

/** The account's retention anchor, if its oldest events were pruned. */
export function anchorQuery(q: Db, accountId: string) {
  return q
    .select({ firstSeq: activityAnchors.firstSeq, prevHash: activityAnchors.prevHash })
    .from(activityAnchors)
    .where(eq(activityAnchors.accountId, accountId))
    .limit(1);
}

/** Where the chain goes on from, given the newest event and the anchor (read in that order; the anchor only when there is no event). */
export function headFrom(
  newest: { seq: number | null; hash: string | null; occurredAt: Date } | undefined,
  anchor: { firstSeq: number; prevHash: string } | undefined,
): ChainHead {
  if (newest?.seq != null && newest.hash) return { seq: newest.seq, hash: newest.hash, occurredAtMs: newest.occurredAt.getTime() };
  if (anchor) return { seq: anchor.firstSeq - 1, hash: anchor.prevHash, occurredAtMs: 0 };
  return { seq: 0, hash: GENESIS_HASH, occurredAtMs: 0 };
}

/**
 * Where the next event of the account attaches: after its newest event, or
 * after the retention anchor when everything older was pruned, or at genesis.
 * Read through the unit of work's tx, which holds the instance's write lock:
 * two writers (in this process or another replica) can't fork the chain.
 */
export async function chainHead(tx: Tx, accountId: string): Promise<ChainHead> {
  const [newest] = await newestEventQuery(tx, accountId);
  if (newest?.seq != null && newest.hash) return headFrom(newest, undefined);
  const [anchor] = await anchorQuery(tx, accountId);
  return headFrom(newest, anchor);
}

/** The columns of an activity_events row, in the order RawEventRow lists them (no SELECT *: a dialect's table may have more). */
export const RAW_EVENT_COLUMNS = sql.raw(
  "id, account_id, seq, occurred_at, action, actor_type, actor_id, actor_label_ciphertext, target_type, target_id, " +
    "target_label_ciphertext, details, private_details_ciphertext, ip, user_agent, ip_ciphertext, user_agent_ciphertext, ip_index, prev_hash, hash",
);

/**
 * A row as the driver returned it, with numbers as numbers: PostgreSQL's
 * bigint (occurred_at) arrives as a string from hand-written SQL.
 */
export function rawEventRow<T extends { seq: unknown; occurred_at: unknown }>(row: T): Omit<T, "seq" | "occurred_at"> & { seq: number; occurred_at: number } {
  return { ...row, seq: Number(row.seq), occurred_at: Number(row.occurred_at) };
}

/**
 * Seals events recorded before the chain existed (the migration gave them a
 * seq; the key needed for the hash is only here). Runs at start-up, in one
 * unit of work; a no-op once every row is sealed.
 */
export async function sealUnchainedEvents(): Promise<number> {
  // Rows written since the chain existed are sealed on insert (a trigger insists), so one pass ever is enough.
  const sealedFlag = (q: Db) => q.select({ key: meta.key }).from(meta).where(eq(meta.key, SEALED_FLAG)).limit(1);
  if ((await sealedFlag(db())).length > 0) return 0;
  return writeSystem(async (tx) => {
    // Checked again under the write lock: another replica may have sealed them meanwhile.
    if ((await sealedFlag(tx)).length > 0) return 0;
    const unsealed = (
      await rows<RawEventRow>(tx, sql`SELECT ${RAW_EVENT_COLUMNS} FROM activity_events WHERE hash IS NULL ORDER BY account_id, seq`)
    ).map(rawEventRow);
    for (const row of unsealed) {
      // Read through tx: the row before may have been sealed a moment ago in this same pass.
      const [previous] = await tx
        .select({ hash: activityEvents.hash })
        .from(activityEvents)
        .where(and(eq(activityEvents.accountId, row.account_id), eq(activityEvents.seq, row.seq - 1)))
        .limit(1);
      const prevHash = previous?.hash ?? GENESIS_HASH;
      await tx
        .update(activityEvents)
        .set({ prevHash, hash: eventHash(chainedFields(row, prevHash)) })
        .where(eq(activityEvents.id, row.id));
    }
    await tx.insert(meta).values({ key: SEALED_FLAG, value: "1" }).onConflictDoNothing();
    return unsealed.length;
  });
}

/** An activity_events row as stored (numbers normalised by rawEventRow). */
export type RawEventRow = {
  id: string;
  account_id: string;
  seq: number;
  occurred_at: number;
  action: string;
  actor_type: string;
  actor_id: string | null;
  actor_label_ciphertext: string | null;
  target_type: string | null;
  target_id: string | null;
  target_label_ciphertext: string | null;
  details: string | null;
  private_details_ciphertext: string | null;
  ip: string | null;
  user_agent: string | null;
  ip_ciphertext: string | null;
  user_agent_ciphertext: string | null;
  ip_index: string | null;
  prev_hash: string | null;
  hash: string | null;
};

export function chainedFields(row: RawEventRow, prevHash: string): ChainedFields {
  return {
    id: row.id,
    accountId: row.account_id,
    seq: row.seq,
    occurredAtMs: row.occurred_at,
    action: row.action,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorLabelCiphertext: row.actor_label_ciphertext,
    targetType: row.target_type,
    targetId: row.target_id,
    targetLabelCiphertext: row.target_label_ciphertext,
    detailsJson: row.details,
    privateDetailsCiphertext: row.private_details_ciphertext,
    ip: row.ip,
    userAgent: row.user_agent,
    ipCiphertext: row.ip_ciphertext,
    userAgentCiphertext: row.user_agent_ciphertext,
    ipIndex: row.ip_index,
    prevHash,
  };
}

/** What an "activity.pruned" event records about the anchor its batch set (the names as in its details). */
export type RecordedAnchor = { first_seq: number; prev_hash: string; pruned_count: number };
