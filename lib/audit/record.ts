/**
 * Writes activity events. Always called with the transaction of the change it
 * describes (the unit of work's tx), so a change and its event commit or roll
 * back together. Each event is sealed into the account's hash chain
 * (./chain.ts) as it is written: the chain head is read through the same tx,
 * which holds the instance's write lock, so appends are serialised.
 */
import "server-only";
import crypto from "node:crypto";
import { desc, eq, sql } from "drizzle-orm";
import { encryptField } from "@/lib/crypto/aead";
import { addressBlindIndex } from "@/lib/crypto/blind-index";
import { afterCommit } from "@/lib/data/unit-of-work";
import type { Db, Tx } from "@/lib/db/database";
import { literalLimit, perTransaction } from "@/lib/db/prepared";
import { countSignIn } from "@/lib/observability/metrics";
import { activityEvents } from "@/lib/db/schema";
import { anchorQuery, eventHash, headFrom, type ChainedFields, type ChainHead } from "./chain";
import { FAILED_SIGN_IN, FAILED_SIGN_INS_CAPPED, failedSignInOnRecord, alwaysRecorded, unrecordedEvent } from "./failed-sign-in-cap";
import { indexEventParties } from "./party-search";
import { type Actor, NO_REQUEST } from "@/lib/auth/actor";
import { actorPartyWithHead } from "./actor-party";
import type { EventParty, NewEvent, SealedEvent } from "./new-event";

/** Who records the cap's events on a failed sign-in's behalf. */
const SIGN_IN: EventParty = { type: "system", id: null, label: "Sign-in" };

/** The row of a new event after head, with its hash: exactly the values stored and hashed. */
export function sealedRow(event: SealedEvent, head: ChainHead): ChainedFields & { hash: string } {
  const id = crypto.randomUUID();
  const seal = (column: string, label: string | null | undefined) =>
    label ? encryptField(label, { table: "activity_events", column, rowId: id }) : null;
  // Time never runs backwards within the log, so seq order and time order agree
  // (date filters become seq ranges; see ./events-query.ts).
  const occurredAtMs = Math.max((event.at ?? new Date()).getTime(), head.occurredAtMs);
  const row: ChainedFields = {
    id,
    accountId: event.accountId,
    seq: head.seq + 1,
    occurredAtMs,
    action: event.action,
    actorType: event.actor.type,
    actorId: event.actor.id,
    actorLabelCiphertext: seal("actor_label", event.actor.label),
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    targetLabelCiphertext: seal("target_label", event.target?.label),
    // Stored as this JSON text (Drizzle's JSON mode reads it back); the hash covers exactly it.
    detailsJson: event.details ? JSON.stringify(event.details) : null,
    privateDetailsCiphertext: event.privateDetails ? seal("private_details", JSON.stringify(event.privateDetails)) : null,
    // review 17: sealed, the address found through its blind index; the plaintext columns stay empty.
    ip: null,
    userAgent: null,
    ipCiphertext: seal("ip", event.meta.ip),
    userAgentCiphertext: seal("user_agent", event.meta.userAgent?.slice(0, 512)),
    ipIndex: event.meta.ip ? addressBlindIndex(event.meta.ip) : null,
    prevHash: head.hash,
  };
  return { ...row, hash: eventHash(row) };
}

/** The insert of a sealed row. details goes in as the exact JSON text hashed (not re-serialised by the JSON column). */
export function insertQuery(q: Db, row: ChainedFields & { hash: string }) {
  return q.insert(activityEvents).values({
    id: row.id,
    accountId: row.accountId,
    seq: row.seq,
    occurredAt: new Date(row.occurredAtMs),
    action: row.action,
    actorType: row.actorType as EventParty["type"],
    actorId: row.actorId,
    actorLabelCiphertext: row.actorLabelCiphertext,
    targetType: row.targetType,
    targetId: row.targetId,
    targetLabelCiphertext: row.targetLabelCiphertext,
    details: row.detailsJson === null ? null : sql`${row.detailsJson}`,
    privateDetailsCiphertext: row.privateDetailsCiphertext,
    ip: row.ip,
    userAgent: row.userAgent,
    ipCiphertext: row.ipCiphertext,
    userAgentCiphertext: row.userAgentCiphertext,
    ipIndex: row.ipIndex,
    prevHash: row.prevHash,
    hash: row.hash,
  });
}

/**
 * recordEvent's two statements, built once per unit-of-work tx (lib/db/prepared.ts): every sign-in and
 * every write records an event, and Drizzle building the 17-column insert per call cost more than
 * SQLite running it. The same SQL as newestEventQuery (./chain.ts) and insertQuery above.
 */
const newestEvent = perTransaction((tx) =>
  tx
    .select({ seq: activityEvents.seq, hash: activityEvents.hash, occurredAt: activityEvents.occurredAt })
    .from(activityEvents)
    .where(eq(activityEvents.accountId, sql.placeholder("accountId")))
    .orderBy(desc(activityEvents.seq))
    .limit(literalLimit(1))
    .prepare(),
);
const insertEvent = perTransaction((tx) => {
  const p = (name: keyof ChainedFields | "hash" | "occurredAt") => sql.placeholder(name);
  return tx
    .insert(activityEvents)
    .values({
      id: p("id"),
      accountId: p("accountId"),
      seq: p("seq"),
      occurredAt: p("occurredAt"),
      action: p("action"),
      actorType: p("actorType"),
      actorId: p("actorId"),
      actorLabelCiphertext: p("actorLabelCiphertext"),
      targetType: p("targetType"),
      targetId: p("targetId"),
      targetLabelCiphertext: p("targetLabelCiphertext"),
      // The exact JSON text hashed, as it is (raw: not re-serialised by the JSON column, and null stays null).
      details: sql`${p("detailsJson")}`,
      privateDetailsCiphertext: p("privateDetailsCiphertext"),
      ip: p("ip"),
      userAgent: p("userAgent"),
      ipCiphertext: p("ipCiphertext"),
      userAgentCiphertext: p("userAgentCiphertext"),
      ipIndex: p("ipIndex"),
      prevHash: p("prevHash"),
      hash: p("hash"),
    })
    .prepare();
});

/** chainHead (./chain.ts) with the newest event's read prepared; the anchor only when the account has no event. */
async function preparedChainHead(tx: Tx, accountId: string): Promise<ChainHead> {
  const [newest]: Array<{ seq: number | null; hash: string | null; occurredAt: Date }> = await newestEvent(tx).execute({ accountId });
  if (newest?.seq != null && newest.hash) return headFrom(newest, undefined);
  const [anchor] = await anchorQuery(tx, accountId);
  return headFrom(newest, anchor);
}

/**
 * Records the event in the unit of work's tx: one indexed read of the chain
 * head, one insert, and its parties' labels into the search index (same tx:
 * a rolled-back event's label never widens a search).
 */
export async function recordEvent(tx: Tx, event: NewEvent): Promise<void> {
  // operations: sign-ins counted for /metrics once they are committed (a failure past the cap too).
  if (event.action === "user.login" || event.action === FAILED_SIGN_IN) {
    const method = typeof event.details?.method === "string" ? event.details.method : "password";
    afterCommit(tx, () => countSignIn(event.action === "user.login" ? "success" : "failure", method));
  }
  if (event.action === FAILED_SIGN_IN && !alwaysRecorded(event)) {
    const onRecord = await failedSignInOnRecord(tx, event.accountId, event.at ?? new Date());
    if (onRecord.unrecorded) await appendEvent(tx, unrecordedEvent(event.accountId, onRecord.unrecorded, SIGN_IN, event.at));
    if (onRecord.record === "nothing") return;
    if (onRecord.record === "cap") {
      return appendEvent(tx, {
        accountId: event.accountId,
        action: FAILED_SIGN_INS_CAPPED,
        actor: SIGN_IN,
        details: { failures_per_hour: onRecord.perHour, recorded_again_from: onRecord.resumesAt.toISOString() },
        meta: NO_REQUEST,
        at: event.at,
      });
    }
  }
  await appendEvent(tx, event);
}

/**
 * The event's actor as a party and the chain head it appends to. An Actor is labelled here, as it is now (its
 * name after this unit of work's own changes), in the same statement as the head (round 32: one round trip fewer
 * for every event an Actor records); a party given ready-made, the head alone.
 */
async function actorAndHead(tx: Tx, event: NewEvent): Promise<{ actor: EventParty; head: ChainHead }> {
  if (!isActor(event.actor)) return { actor: event.actor, head: await preparedChainHead(tx, event.accountId) };
  const read = await actorPartyWithHead(tx, event.actor, event.accountId);
  return { actor: read.party, head: read.head ? headFrom(read.head, undefined) : await preparedChainHead(tx, event.accountId) };
}

const isActor = (actor: NewEvent["actor"]): actor is Actor => "kind" in actor;

async function appendEvent(tx: Tx, event: NewEvent): Promise<void> {
  const { actor, head } = await actorAndHead(tx, event);
  const labelled: SealedEvent = { ...event, actor };
  const row = sealedRow(labelled, head);
  await insertEvent(tx).execute({ ...row, occurredAt: new Date(row.occurredAtMs) });
  await indexEventParties(tx, labelled);
}
