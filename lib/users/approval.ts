/**
 * Approving or rejecting people who signed in through a provider whose new
 * users wait for an admin's approval (NetBird's user approval). Until
 * approved they exist but can't sign in; rejecting removes them.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { assertCan } from "@/lib/auth/policy";
import { emit } from "@/lib/data/effects";
import { write } from "@/lib/data/unit-of-work";
import type { Tx } from "@/lib/db/database";
import { users } from "@/lib/db/schema";
import { PreconditionFailed } from "@/lib/errors";
import { unindexUser } from "./search-source";
import { countUserRemoved } from "./user-counts";
import { loadUser } from "./lifecycle";
import { userLabel, type UserRecord } from "./records";
import { assertOutranks } from "@/lib/auth/escalation";

const DENIED = "You don't have permission to approve or reject users";

async function loadPending(tx: Tx, accountId: string, userId: string): Promise<UserRecord> {
  const target = await loadUser(tx, accountId, userId);
  if (!target.pendingApproval) throw new PreconditionFailed("This user is not waiting for approval");
  return target;
}

export async function approveUser(actor: Actor, userId: string, meta: RequestMeta): Promise<UserRecord> {
  return write(actor, async (tx, me) => {
    assertCan(me, "users:block", DENIED);
    const target = await loadPending(tx, actor.accountId, userId);
    // Letting someone in gives them their role: only one the approver holds all of.
    await assertOutranks(tx, me, target);
    await tx.update(users).set({ pendingApproval: false }).where(and(eq(users.accountId, actor.accountId), eq(users.id, userId)));
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.approved",
      actor: me,
      target: { type: "user", id: userId, label: userLabel(target) },
      details: { role: target.role },
      meta,
    });
    return loadUser(tx, actor.accountId, userId);
  });
}

export async function rejectUser(actor: Actor, userId: string, meta: RequestMeta): Promise<void> {
  await write(actor, async (tx, me) => {
    assertCan(me, "users:delete", DENIED);
    const target = await loadPending(tx, actor.accountId, userId);
    await assertOutranks(tx, me, target);
    // Memberships and any sessions go with the row (foreign keys cascade); the event stays.
    await emit(tx, "user.deleted", { accountId: actor.accountId, userId });
    await tx.delete(users).where(and(eq(users.accountId, actor.accountId), eq(users.id, userId)));
    await unindexUser(tx, actor.accountId, userId);
    await countUserRemoved(tx, actor.accountId, target.isServiceUser);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.rejected",
      actor: me,
      target: { type: "user", id: userId, label: userLabel(target) },
      details: { role: target.role },
      meta,
    });
  });
}
