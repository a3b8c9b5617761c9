/**
 * "An invite is only as good as its inviter": a pending invite is usable while
 * its inviter exists, isn't blocked and still holds invites:create (from any
 * role: primary, extra, or a group's). Every way of accepting an invite (the
 * link, an external sign-in) asks this; and whenever someone's permissions may
 * have shrunk, the invites of those who no longer pass are withdrawn
 * (./reactions.ts), so the Invites list never shows one that can't be used.
 */
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { resolvePermissions } from "@/lib/auth/effective-permissions";
import type { Db, Tx } from "@/lib/db/database";
import { invites } from "@/lib/db/schema";
import { findUserRow } from "@/lib/users/records";
import { withdrawInvitesBy } from "./invites";
import type { InviteRecord } from "./records";

/** Whether this user may (still) invite: exists, isn't blocked, holds invites:create. */
export async function mayInvite(q: Db | Tx, accountId: string, userId: string): Promise<boolean> {
  const inviter = await findUserRow(q, accountId, userId);
  if (!inviter || inviter.isBlocked) return false;
  return (await resolvePermissions(q, { accountId, userId: inviter.id, role: inviter.role })).has("invites:create");
}

export function inviterStillMayInvite(q: Db | Tx, invite: InviteRecord): Promise<boolean> {
  return mayInvite(q, invite.accountId, invite.createdBy);
}

/**
 * Withdraws the pending invites of inviters who may no longer invite, among userIds (or among everyone with
 * a pending invite in the account, when a change could touch anyone: a role edited or deleted, a group's roles).
 * Returns the withdrawn count per inviter (only those with any).
 */
export async function withdrawInvitesOfLapsedInviters(tx: Tx, accountId: string, userIds?: readonly string[]): Promise<Map<string, number>> {
  if (userIds && userIds.length === 0) return new Map();
  const inviters = await tx
    .selectDistinct({ createdBy: invites.createdBy })
    .from(invites)
    .where(and(eq(invites.accountId, accountId), userIds ? inArray(invites.createdBy, [...userIds]) : undefined));
  const withdrawn = new Map<string, number>();
  for (const { createdBy } of inviters) {
    if (await mayInvite(tx, accountId, createdBy)) continue;
    const count = await withdrawInvitesBy(tx, accountId, createdBy);
    if (count > 0) withdrawn.set(createdBy, count);
  }
  return withdrawn;
}
