/**
 * Writes activity events. Always called with the transaction of the change it
 * describes, so a change and its event commit or roll back together.
 */
import "server-only";
import crypto from "node:crypto";
import { encryptField } from "@/lib/crypto/aead";
import type { Tx } from "@/lib/db/client";
import { activityEvents } from "@/lib/db/schema";
import type { RequestMeta } from "@/lib/auth/actor";

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
  tx.insert(activityEvents)
    .values({
      id,
      accountId: event.accountId,
      occurredAt: event.at ?? new Date(),
      action: event.action,
      actorType: event.actor.type,
      actorId: event.actor.id,
      actorLabelCiphertext: seal("actor_label", event.actor.label),
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      targetLabelCiphertext: seal("target_label", event.target?.label),
      details: event.details ?? null,
      privateDetailsCiphertext: event.privateDetails ? seal("private_details", JSON.stringify(event.privateDetails)) : null,
      ip: event.meta.ip,
      userAgent: event.meta.userAgent?.slice(0, 512) ?? null,
    })
    .run();
}
