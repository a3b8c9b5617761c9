/**
 * OLD SYNCHRONOUS PATH (issue 11), to delete with lib/db/client.ts once every
 * capability writes through lib/data/unit-of-work.ts: the audit functions
 * other capabilities still call from the old client's synchronous
 * transactions (writeAs / writeTransaction), which can't await. Same queries
 * and rows as the async path, run with the old driver's synchronous calls.
 */
import "server-only";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { decryptField } from "@/lib/crypto/aead";
import { db, type Tx } from "@/lib/db/database";
import { activityEvents, users } from "@/lib/db/schema";
import { openIdentity, userLabel } from "@/lib/users/records";
import { partyOf, tokenNameQuery } from "./actor-party";
import { anchorQuery, headFrom, newestEventQuery } from "./chain";
import { insertQuery, noteLabels, sealedRow, type EventParty, type NewEvent } from "./record";

/** The old client's transaction (a Drizzle SQLite transaction: it has rollback()), told apart from the unit of work's tx by type. */
export type OldTx = Tx & { rollback(): never };

export function recordEventInOldTransaction(tx: OldTx, event: NewEvent): void {
  const head = headFrom(newestEventQuery(tx, event.accountId).get(), anchorQuery(tx, event.accountId).get());
  insertQuery(tx, sealedRow(event, head)).run();
  noteLabels(event);
}

export function actorPartyInOldTransaction(tx: OldTx, actor: Actor): EventParty {
  const row = tx
    .select()
    .from(users)
    .where(and(eq(users.accountId, actor.accountId), eq(users.id, actor.userId)))
    .get();
  const label = row ? userLabel(openIdentity(row)) : actor.userId;
  return partyOf(actor, label, actor.kind === "token" ? tokenNameQuery(tx, actor).get()?.name : undefined);
}

/** recordedLabel (./recorded-label.ts) for synchronous callers. */
export function recordedLabelNow(accountId: string, partyId: string): string | null {
  const row = db()
    .select({ id: activityEvents.id, label: activityEvents.targetLabelCiphertext })
    .from(activityEvents)
    .where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.targetId, partyId), isNotNull(activityEvents.targetLabelCiphertext)))
    .orderBy(desc(activityEvents.seq))
    .limit(1)
    .get();
  return row?.label ? decryptField(row.label, { table: "activity_events", column: "target_label", rowId: row.id }) : null;
}
