/**
 * The name a party was last recorded under in the activity log: how a user
 * who has since been deleted (their row and its encrypted name are gone) is
 * still named where their past actions show, e.g. as a token's creator.
 */
import "server-only";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import { decryptField } from "@/lib/crypto/aead";
import { db } from "@/lib/db/database";
import { activityEvents } from "@/lib/db/schema";

export async function recordedLabel(accountId: string, partyId: string): Promise<string | null> {
  // The newest event about the party: for a deleted user, their user.deleted event.
  const [row] = await db()
    .select({ id: activityEvents.id, label: activityEvents.targetLabelCiphertext })
    .from(activityEvents)
    .where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.targetId, partyId), isNotNull(activityEvents.targetLabelCiphertext)))
    .orderBy(desc(activityEvents.seq))
    .limit(1);
  return row?.label ? decryptField(row.label, { table: "activity_events", column: "target_label", rowId: row.id }) : null;
}
