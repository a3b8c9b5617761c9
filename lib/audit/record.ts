/**
 * Writes activity events. Always called with the transaction of the change it
 * describes, so a change and its event commit or roll back together. Each
 * event is sealed into the account's hash chain (./chain.ts) as it is written.
 */
import "server-only";
import crypto from "node:crypto";
import { encryptField } from "@/lib/crypto/aead";
import type { Tx } from "@/lib/db/client";
import { activityEvents } from "@/lib/db/schema";
import type { RequestMeta } from "@/lib/auth/actor";
import { chainHead, eventHash } from "./chain";
import { notePartyLabel } from "./party-labels";

export type EventParty = {
  type: "user" | "token" | "system" | "anonymous";
  id: string | null;
  /** A human label (name or email); stored encrypted. */
  label?: string | null;
};

export type NewEvent = {
  accountId: string;
  action: string;
  actor: EventParty;
  target?: { type: string; id: string; label?: string | null };
  /** Reason codes, changed fields and their values; never passwords, tokens or personal data. */
  details?: Record<string, unknown>;
  /** Before/after values that are personal data (names, emails); stored encrypted. */
  privateDetails?: Record<string, unknown>;
  meta: RequestMeta;
  at?: Date;
};

export function recordEvent(tx: Tx, event: NewEvent): void {
  const id = crypto.randomUUID();
  const seal = (column: string, label: string | null | undefined) =>
    label ? encryptField(label, { table: "activity_events", column, rowId: id }) : null;
  const head = chainHead(tx, event.accountId);
  // Time never runs backwards within the log, so seq order and time order agree
  // (date filters become seq ranges; see ./events-query.ts).
  const occurredAtMs = Math.max((event.at ?? new Date()).getTime(), head.occurredAtMs);
  const row = {
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
    // Drizzle's JSON mode stores JSON.stringify(value); the hash covers that same text.
    detailsJson: event.details ? JSON.stringify(event.details) : null,
    privateDetailsCiphertext: event.privateDetails ? seal("private_details", JSON.stringify(event.privateDetails)) : null,
    ip: event.meta.ip,
    userAgent: event.meta.userAgent?.slice(0, 512) ?? null,
    prevHash: head.hash,
  };
  tx.insert(activityEvents)
    .values({
      id,
      accountId: row.accountId,
      seq: row.seq,
      occurredAt: new Date(occurredAtMs),
      action: row.action,
      actorType: event.actor.type,
      actorId: row.actorId,
      actorLabelCiphertext: row.actorLabelCiphertext,
      targetType: row.targetType,
      targetId: row.targetId,
      targetLabelCiphertext: row.targetLabelCiphertext,
      details: event.details ?? null,
      privateDetailsCiphertext: row.privateDetailsCiphertext,
      ip: row.ip,
      userAgent: row.userAgent,
      prevHash: row.prevHash,
      hash: eventHash(row),
    })
    .run();
  if (event.actor.id && event.actor.label) notePartyLabel(event.accountId, event.actor.id, event.actor.label);
  if (event.target?.id && event.target.label) notePartyLabel(event.accountId, event.target.id, event.target.label);
}
