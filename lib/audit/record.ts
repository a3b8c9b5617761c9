/**
 * Writes activity events. Always called with the transaction of the change it
 * describes, so a change and its event commit or roll back together. Each
 * event is sealed into the account's hash chain (./chain.ts) as it is written.
 */
import "server-only";
import crypto from "node:crypto";
import { encryptField } from "@/lib/crypto/aead";
import type Database from "better-sqlite3";
import { sqliteHandle } from "@/lib/db/client";
import type { Tx } from "@/lib/db/database";
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

let insert: { db: Database.Database; stmt: Database.Statement } | undefined;

/** Prepared once per connection; it runs inside the caller's transaction (one connection, one transaction). */
function insertStatement(): Database.Statement {
  const db = sqliteHandle();
  if (insert?.db !== db) {
    insert = {
      db,
      stmt: db.prepare(
        `INSERT INTO activity_events (id, account_id, seq, occurred_at, action, actor_type, actor_id, actor_label_ciphertext,
           target_type, target_id, target_label_ciphertext, details, private_details_ciphertext, ip, user_agent, prev_hash, hash)
         VALUES (@id, @accountId, @seq, @occurredAtMs, @action, @actorType, @actorId, @actorLabelCiphertext,
           @targetType, @targetId, @targetLabelCiphertext, @detailsJson, @privateDetailsCiphertext, @ip, @userAgent, @prevHash, @hash)`,
      ),
    };
  }
  return insert.stmt;
}

export function recordEvent(tx: Tx, event: NewEvent): void {
  void tx; // the change's transaction: this connection's, which the statement below joins
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
    // Stored as this JSON text (Drizzle's JSON mode reads it back); the hash covers exactly it.
    detailsJson: event.details ? JSON.stringify(event.details) : null,
    privateDetailsCiphertext: event.privateDetails ? seal("private_details", JSON.stringify(event.privateDetails)) : null,
    ip: event.meta.ip,
    userAgent: event.meta.userAgent?.slice(0, 512) ?? null,
    prevHash: head.hash,
  };
  insertStatement().run({ ...row, hash: eventHash(row) });
  if (event.actor.id && event.actor.label) notePartyLabel(event.accountId, event.actor.id, event.actor.label);
  if (event.target?.id && event.target.label) notePartyLabel(event.accountId, event.target.id, event.target.label);
}
