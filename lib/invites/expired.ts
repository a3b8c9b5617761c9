/**
 * Invites long expired: the hourly maintenance pass removes an invite 30 days after its link expired (the
 * invitee's sealed email and name, its blind index, and with the outbox's cascade any mail to them left), so
 * Team → Invites keeps recently expired ones to renew and an instance doesn't keep people who never joined for
 * good (review 31). Each removal is recorded as a withdrawal by Maintenance; the link then reads "expired", as
 * before. Links retired (used, replaced, withdrawn, expired) are remembered a year: no link lives longer
 * (INVITE_EXPIRY.maxSeconds), so after that one reads as any unknown link.
 */
import "server-only";
import { NO_REQUEST } from "@/lib/auth/actor";
import { asc, lt } from "drizzle-orm";
import { MAINTENANCE_PARTY } from "@/lib/audit/new-event";
import { recordEvent } from "@/lib/audit/record";
import { writeSystem } from "@/lib/data/unit-of-work";
import { invites, retiredInviteTokens } from "@/lib/db/schema";
import { withdrawInviteRow } from "./invites";
import { EXPIRED_INVITE_KEEP_MS, inviteLabel, openInvite } from "./records";
import { INVITE_EXPIRY } from "./schemas";

/** A retired link is remembered as long as the longest-lived link could have lived. */
const RETIRED_TOKEN_KEEP_MS = INVITE_EXPIRY.maxSeconds * 1000;
/** Invites one pass removes (the next pass takes the rest). */
const BATCH = 500;

/** Removes invites expired more than EXPIRED_INVITE_KEEP_DAYS ago, and retired links older than a year; the counts. */
export async function pruneExpiredInvites(now: Date = new Date()): Promise<{ expiredInvitesRemoved: number; retiredInviteLinksPruned: number }> {
  return writeSystem(async (tx) => {
    const rows = await tx
      .select()
      .from(invites)
      .where(lt(invites.expiresAt, new Date(now.getTime() - EXPIRED_INVITE_KEEP_MS)))
      .orderBy(asc(invites.expiresAt))
      .limit(BATCH);
    for (const row of rows) {
      await withdrawInviteRow(tx, row.accountId, row, now, "expired");
      await recordEvent(tx, {
        accountId: row.accountId,
        action: "invite.deleted",
        actor: MAINTENANCE_PARTY,
        target: { type: "invite", id: row.id, label: inviteLabel(openInvite(row)) },
        details: { reason: "expired", expired_at: row.expiresAt.toISOString() },
        meta: NO_REQUEST,
        at: now,
      });
    }
    const pruned = await tx
      .delete(retiredInviteTokens)
      .where(lt(retiredInviteTokens.retiredAt, new Date(now.getTime() - RETIRED_TOKEN_KEEP_MS)))
      .returning({ digest: retiredInviteTokens.tokenDigest });
    return { expiredInvitesRemoved: rows.length, retiredInviteLinksPruned: pruned.length };
  });
}
