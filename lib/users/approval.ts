/**
 * Approving or rejecting people who signed in through a provider whose new
 * users wait for an admin's approval (NetBird's user approval). Until
 * approved they exist but can't sign in; rejecting removes them.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { actorParty } from "@/lib/audit/actor-party";
import { recordEvent } from "@/lib/audit/record";
import { writeAs } from "@/lib/auth/fresh-actor";
import { assertCan } from "@/lib/auth/policy";
import type { Tx } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { PreconditionFailed } from "@/lib/errors";
import { refreshDirectoryUsers } from "./directory";
import { loadUser } from "./lifecycle";
import { userLabel, type UserRecord } from "./records";

const DENIED = "Only admins can approve or reject users";

function loadPending(tx: Tx, accountId: string, userId: string): UserRecord {
  const target = loadUser(tx, accountId, userId);
  if (!target.pendingApproval) throw new PreconditionFailed("This user is not waiting for approval");
  return target;
}

export function approveUser(actor: Actor, userId: string, meta: RequestMeta): UserRecord {
  const approved = writeAs(actor, (tx, me) => {
    assertCan(me, "users:manage", DENIED);
    const target = loadPending(tx, actor.accountId, userId);
    tx.update(users).set({ pendingApproval: false }).where(and(eq(users.accountId, actor.accountId), eq(users.id, userId))).run();
    recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.approved",
      actor: actorParty(tx, me),
      target: { type: "user", id: userId, label: userLabel(target) },
      details: { role: target.role },
      meta,
    });
    return loadUser(tx, actor.accountId, userId);
  });
  refreshDirectoryUsers(actor.accountId, [userId]);
  return approved;
}

export function rejectUser(actor: Actor, userId: string, meta: RequestMeta): void {
  writeAs(actor, (tx, me) => {
    assertCan(me, "users:manage", DENIED);
    const target = loadPending(tx, actor.accountId, userId);
    // Memberships and any sessions go with the row (foreign keys cascade); the event stays.
    tx.delete(users).where(and(eq(users.accountId, actor.accountId), eq(users.id, userId))).run();
    recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.rejected",
      actor: actorParty(tx, me),
      target: { type: "user", id: userId, label: userLabel(target) },
      details: { role: target.role },
      meta,
    });
  });
  refreshDirectoryUsers(actor.accountId, [userId]);
}
