/**
 * Adding one person to a group, or removing them, from the group's page: a
 * change of that user's groups, under the same rules and event as editing
 * their groups on their own page ("user.updated", auto_groups from → to),
 * in one unit of work so a concurrent edit of their other groups isn't lost.
 */
import "server-only";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { permissionChange, resolvePermissions, rolesGrantedByGroups } from "@/lib/auth/effective-permissions";
import { assertMayGrantRoles, assertNoSelfLockout, assertOutranks, outrankingAmong } from "@/lib/auth/escalation";
import { write } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { giveRolesRefusal, renameRefusal } from "@/lib/groups/groups";
import { assertGroupsExist, setUserGroups } from "@/lib/groups/membership";
import { getGroupWithMemberRows, type GroupDetail } from "@/lib/groups/queries";
import { autoGroupsWithinLimits } from "@/lib/groups/schemas";
import { loadUser } from "./lifecycle";
import { openUser, userLabel, usersByIds, type UserRecord } from "./records";
import { allows, assertCanUpdateUser } from "./rules";

export const groupMemberSchema = z.object({ user_id: z.string({ error: "user_id is required" }).min(1, "user_id is required").max(100) });

export async function setGroupMembership(actor: Actor, groupId: string, userId: string, member: boolean, meta: RequestMeta): Promise<void> {
  await write(actor, async (tx, me) => {
    const before = await loadUser(tx, me.accountId, userId);
    const changes = before.autoGroups.includes(groupId) !== member;
    assertCanUpdateUser(me, before, { profile: true, groups: changes });
    await assertGroupsExist(tx, me.accountId, [groupId], "group");
    if (!changes) return; // already so: nothing to change or record
    const after = member ? autoGroupsWithinLimits([...before.autoGroups, groupId]) : before.autoGroups.filter((g) => g !== groupId);
    // As on the user's own page: nobody but the owner changes their own groups (assertCanUpdateUser), not on
    // someone who holds more, nobody joins a group granting more than the actor holds, and nobody leaves a group
    // that carries their own management powers.
    await assertOutranks(tx, me, before);
    if (member) await assertMayGrantRoles(tx, me, await rolesGrantedByGroups(tx, me.accountId, [groupId]));
    const held = { accountId: me.accountId, userId, role: before.role };
    const permissionsBefore = await resolvePermissions(tx, held);
    await setUserGroups(tx, me.accountId, userId, after);
    if (userId === me.userId) await assertNoSelfLockout(tx, me);
    await recordEvent(tx, {
      accountId: me.accountId,
      action: "user.updated",
      actor: me,
      target: { type: "user", id: userId, label: userLabel(before) },
      details: { changed: ["auto_groups"], auto_groups: { from: before.autoGroups, to: after }, ...permissionChange(permissionsBefore, await resolvePermissions(tx, held)) },
      meta,
    });
  });
}

/**
 * Of a group's members, those the actor may not take out of it, by setGroupMembership's own checks
 * (assertCanUpdateUser, which keeps one's own groups and the owner's account to the owner, and assertOutranks):
 * the group's page offers no Remove on their rows.
 */
export async function membersNotRemovableBy(actor: Actor, memberIds: readonly string[]): Promise<string[]> {
  return membersNotRemovableAmong(actor, [...(await usersByIds(db(), actor.accountId, memberIds)).values()]);
}

/** membersNotRemovableBy over members already read. */
async function membersNotRemovableAmong(actor: Actor, members: readonly UserRecord[]): Promise<string[]> {
  const outranking = await outrankingAmong(db(), actor, members.map((m) => m.id));
  const removable = (member: UserRecord) => !outranking.has(member.id) && allows(() => assertCanUpdateUser(actor, member, { profile: true, groups: true }));
  return members.filter((member) => !removable(member)).map((member) => member.id);
}

/**
 * What a group's page shows: the group and its members, why Rename is refused (null: offered), why giving the group
 * a role is refused (null: the roles it doesn't grant can be ticked), and the rows without Remove.
 */
export type GroupPageView = { group: GroupDetail; renameRefused: string | null; rolesRefused: string | null; lockedIds: string[] };

/**
 * The group's page, as the actor may see it. Rename and roles are decided for those who change groups (groups:update), the
 * Remove locks for those who change people's groups (users:update, and users:read to find them); the page asks
 * the same `can` for its buttons, and the services check every change again.
 */
export async function groupPageView(actor: Actor, groupId: string): Promise<GroupPageView> {
  // The members are read once, here, and each decision below is made over those rows.
  const { group, memberRows, allMembers } = await getGroupWithMemberRows(actor, groupId);
  const memberIds = memberRows.map((row) => row.id);
  const everyMember = allMembers ? memberIds : undefined;
  const [renameRefused, rolesRefused, lockedIds] = await Promise.all([
    can(actor, "groups:update") ? renameRefusal(actor, group.id, everyMember) : null,
    can(actor, "groups:update") ? giveRolesRefusal(actor, group.id, everyMember) : null,
    managesMembers(actor) ? membersNotRemovableAmong(actor, memberRows.map((row) => openUser(row, []))) : [],
  ]);
  return { group, renameRefused, rolesRefused, lockedIds };
}

/** Adding and removing people on a group's page changes the people (users:update), found by searching them (users:read). */
export function managesMembers(actor: Actor): boolean {
  return can(actor, "users:update") && can(actor, "users:read");
}
