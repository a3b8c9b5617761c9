/**
 * Creating, renaming and deleting groups. Only the owner and admins change
 * groups; each change checks its rules on fresh data inside its write
 * transaction and records its activity event in that same transaction.
 * Apps trust group names (the `groups` claim): renaming a group with members
 * is changing their groups (lib/auth/escalation.ts assertMayRenameGroupWith),
 * and a new name may not pass for another (./records.ts assertGroupNameFree).
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { assertMayGiveGroupRolesTo, assertMayGrantRoles, assertMayRenameGroupWith, assertNoSelfLockout, assertOutranksEach } from "@/lib/auth/escalation";
import { memberIdsOfGroup, rolesGrantedByGroups } from "@/lib/auth/effective-permissions";
import { assertCan } from "@/lib/auth/policy";
import { write } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { refusalOf } from "@/lib/errors";
import { emit } from "@/lib/data/effects";
import { groups } from "@/lib/db/schema";
import { parseOrThrow } from "@/lib/http/validation";
import { assertGroupNameFree, countMembers, loadGroupRow, toGroupRecord, type GroupRecord } from "./records";
import { groupInputSchema, type GroupInput } from "./schemas";

const MANAGE_DENIED = "You don't have permission to manage groups";

function assertManagesGroups(actor: Actor, operation: "create" | "update" | "delete"): void {
  assertCan(actor, `groups:${operation}`, MANAGE_DENIED);
}

export async function createGroup(actor: Actor, input: GroupInput, meta: RequestMeta): Promise<GroupRecord> {
  assertManagesGroups(actor, "create");
  // Parsed again here so no caller can store an untrimmed, empty or overlong name.
  const { name } = parseOrThrow(groupInputSchema, input);
  return write(actor, (tx, me) => createGroupIn(tx, me, { name }, meta));
}

/**
 * createGroup's rules and writes inside a unit of work the caller opened (the import of people with
 * `--create-groups`, lib/users/import.ts, creates their groups in the same transaction as the people).
 */
export async function createGroupIn(tx: Tx, me: Actor, input: GroupInput, meta: RequestMeta): Promise<GroupRecord> {
  assertManagesGroups(me, "create");
  const { name } = parseOrThrow(groupInputSchema, input);
  await assertGroupNameFree(tx, me.accountId, name);
  const [row] = await tx
    .insert(groups)
    .values({ id: crypto.randomUUID(), accountId: me.accountId, name })
    .returning();
  await recordEvent(tx, {
    accountId: me.accountId,
    action: "group.created",
    actor: me,
    target: { type: "group", id: row.id, label: row.name },
    meta,
  });
  return toGroupRecord(row, 0);
}

/**
 * Why renaming this group would be refused to the actor by renameGroup's own rule (assertMayRenameGroupWith), or
 * null: the group's page offers Rename only when it would be accepted, and otherwise says why. `memberIds`: every
 * member, when the caller has read them already (else they are read here).
 */
export async function renameRefusal(actor: Actor, groupId: string, memberIds?: readonly string[]): Promise<string | null> {
  return refusalOf(async () => assertMayRenameGroupWith(db(), actor, memberIds ?? (await memberIdsOfGroup(db(), actor.accountId, groupId))));
}

/** Why giving this group a role would be refused (lib/roles/assignments.ts asks the same rule), or null. */
export async function giveRolesRefusal(actor: Actor, groupId: string, memberIds?: readonly string[]): Promise<string | null> {
  return refusalOf(async () => assertMayGiveGroupRolesTo(db(), actor, memberIds ?? (await memberIdsOfGroup(db(), actor.accountId, groupId))));
}

export async function renameGroup(actor: Actor, groupId: string, input: GroupInput, meta: RequestMeta): Promise<GroupRecord> {
  assertManagesGroups(actor, "update");
  const { name } = parseOrThrow(groupInputSchema, input);
  return write(actor, async (tx, me) => {
    assertManagesGroups(me, "update");
    const before = await loadGroupRow(tx, actor.accountId, groupId);
    const usersCount = await countMembers(tx, actor.accountId, groupId);
    if (before.name === name) return toGroupRecord(before, usersCount);
    // Each member gets the new name in their groups claim, where apps read it ("grafana-admins" → Grafana admin).
    await assertMayRenameGroupWith(tx, me, await memberIdsOfGroup(tx, actor.accountId, groupId));
    // The group's own name never blocks it, so "ops" can become "Ops".
    await assertGroupNameFree(tx, actor.accountId, name, groupId);
    const [after] = await tx
      .update(groups)
      .set({ name })
      .where(and(eq(groups.accountId, actor.accountId), eq(groups.id, groupId)))
      .returning();
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "group.renamed",
      actor: me,
      target: { type: "group", id: groupId, label: name },
      details: { from: before.name, to: name },
      meta,
    });
    return toGroupRecord(after, usersCount);
  });
}

/** Deletes the group; its members stay, they only leave the group (memberships cascade). */
export async function deleteGroup(actor: Actor, groupId: string, meta: RequestMeta): Promise<void> {
  assertManagesGroups(actor, "delete");
  await write(actor, async (tx, me) => {
    assertManagesGroups(me, "delete");
    const target = await loadGroupRow(tx, actor.accountId, groupId);
    const usersCount = await countMembers(tx, actor.accountId, groupId);
    // Deleting takes the group's roles from its members, as emptying its roles would: only roles the actor could grant.
    const granted = await rolesGrantedByGroups(tx, actor.accountId, [groupId]);
    await assertMayGrantRoles(tx, me, granted);
    // … and from each member, as taking them out of it would: none may hold more than the actor.
    if (granted.length > 0) await assertOutranksEach(tx, me, await memberIdsOfGroup(tx, actor.accountId, groupId));
    await tx.delete(groups).where(and(eq(groups.accountId, actor.accountId), eq(groups.id, groupId)));
    // A group that granted the actor their management permissions can't be deleted by them.
    await assertNoSelfLockout(tx, me);
    // Pending invites stop assigning it (lib/invites reacts); a group the two-factor requirement names is refused (lib/mfa reacts).
    await emit(tx, "group.deleted", { accountId: actor.accountId, groupId });
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "group.deleted",
      actor: me,
      target: { type: "group", id: groupId, label: target.name },
      details: { users_removed: usersCount },
      meta,
    });
  });
}
