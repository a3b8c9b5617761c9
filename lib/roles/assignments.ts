/**
 * Giving roles: a user's extra roles (besides the primary `role`) and the
 * roles a group grants its members. The rules (lib/auth/escalation.ts): only
 * roles whose permissions the actor holds are given or taken away, never the
 * owner role, never to or from someone who holds more than the actor, and
 * nobody takes their own management permissions away.
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { assertMayGiveGroupRolesTo, assertMayGrantRoles, assertNoSelfLockout, assertOutranks, assertOutranksEach } from "@/lib/auth/escalation";
import { memberIdsOfGroup, permissionChange, permissionsOfRoles, resolvePermissions } from "@/lib/auth/effective-permissions";
import { assertCan } from "@/lib/auth/policy";
import { emit, noneEnded, withdrawnInvites } from "@/lib/data/effects";
import { resolveSet, type SetValue } from "@/lib/data/patch";
import { write } from "@/lib/data/unit-of-work";
import { groupRoles, groups, userRoles } from "@/lib/db/schema";
import { Forbidden, NotFound } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { loadUser } from "@/lib/users/lifecycle";
import { assertCanActOn } from "@/lib/users/rules";
import { userLabel } from "@/lib/users/records";
import { assertRolesExist } from "./records";
import { roleIdsSchema } from "./schemas";

const diff = (before: string[], after: string[]) => ({
  added: after.filter((id) => !before.includes(id)),
  removed: before.filter((id) => !after.includes(id)),
});

/** Sets a user's extra roles: the whole list (the API), or an edit of the stored one (the dashboard). The primary role is changed with the user itself. */
export async function setUserRoles(actor: Actor, userId: string, input: { role_ids: SetValue }, meta: RequestMeta): Promise<string[]> {
  assertCan(actor, "users:update", "You don't have permission to change users' roles");
  return write(actor, async (tx, me) => {
    assertCan(me, "users:update", "You don't have permission to change users' roles");
    const target = await loadUser(tx, actor.accountId, userId);
    // A service user's roles are service_users:update's, as the rest of them (lib/users/rules.ts).
    assertCanActOn(me, target, "update");
    if (target.id === me.userId) throw new Forbidden("You can't change your own roles");
    const before = (
      await tx
        .select({ roleId: userRoles.roleId })
        .from(userRoles)
        .where(and(eq(userRoles.accountId, actor.accountId), eq(userRoles.userId, userId)))
    ).map((r) => r.roleId);
    const { role_ids } = parseOrThrow(roleIdsSchema, { role_ids: resolveSet(before, input.role_ids) });
    await assertRolesExist(tx, actor.accountId, role_ids);
    const wanted = role_ids.filter((id) => id !== target.role);
    const { added, removed } = diff(before, wanted);
    if (added.length === 0 && removed.length === 0) return wanted;
    await assertOutranks(tx, me, target);
    await assertMayGrantRoles(tx, me, [...added, ...removed]);
    const held = { accountId: actor.accountId, userId, role: target.role };
    const permissionsBefore = await resolvePermissions(tx, held);
    await tx.delete(userRoles).where(and(eq(userRoles.accountId, actor.accountId), eq(userRoles.userId, userId)));
    if (wanted.length > 0) await tx.insert(userRoles).values(wanted.map((roleId) => ({ userId, roleId, accountId: actor.accountId })));
    // Losing a role can take invites:create away: their pending invites are withdrawn (lib/invites reacts).
    const ended = noneEnded();
    await emit(tx, "permissions.changed", { accountId: actor.accountId, userIds: [userId], ended });
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "user.roles.changed",
      actor: me,
      target: { type: "user", id: userId, label: userLabel(target) },
      details: {
        role_ids: { from: before, to: wanted },
        added,
        removed,
        ...permissionChange(permissionsBefore, await resolvePermissions(tx, held)),
        ...withdrawnInvites(ended),
      },
      meta,
    });
    return wanted;
  });
}

/** Sets the roles a group grants; its members hold them from their next request. */
export async function setGroupRoles(actor: Actor, groupId: string, input: { role_ids: SetValue }, meta: RequestMeta): Promise<string[]> {
  assertCan(actor, "groups:update", "You don't have permission to change groups");
  return write(actor, async (tx, me) => {
    assertCan(me, "groups:update", "You don't have permission to change groups");
    const [group] = await tx
      .select({ id: groups.id, name: groups.name })
      .from(groups)
      .where(and(eq(groups.accountId, actor.accountId), eq(groups.id, groupId)))
      .limit(1);
    if (!group) throw new NotFound("Group");
    const before = (
      await tx
        .select({ roleId: groupRoles.roleId })
        .from(groupRoles)
        .where(and(eq(groupRoles.accountId, actor.accountId), eq(groupRoles.groupId, groupId)))
    ).map((r) => r.roleId);
    const { role_ids } = parseOrThrow(roleIdsSchema, { role_ids: resolveSet(before, input.role_ids) });
    await assertRolesExist(tx, actor.accountId, role_ids);
    const { added, removed } = diff(before, role_ids);
    if (added.length === 0 && removed.length === 0) return role_ids;
    await assertMayGrantRoles(tx, me, [...added, ...removed]);
    const memberIds = await memberIdsOfGroup(tx, actor.accountId, groupId);
    // Giving the group a role gives it to each member (their roles claim, which apps map): as putting them in a group.
    if (added.length > 0) await assertMayGiveGroupRolesTo(tx, me, memberIds);
    // Taking a role from the group takes it from each member, as taking them out of it would.
    if (removed.length > 0) await assertOutranksEach(tx, me, memberIds);
    await tx.delete(groupRoles).where(and(eq(groupRoles.accountId, actor.accountId), eq(groupRoles.groupId, groupId)));
    if (role_ids.length > 0) await tx.insert(groupRoles).values(role_ids.map((roleId) => ({ groupId, roleId, accountId: actor.accountId })));
    await assertNoSelfLockout(tx, me);
    const ended = noneEnded();
    await emit(tx, "permissions.changed", { accountId: actor.accountId, ended });
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "group.roles.changed",
      actor: me,
      target: { type: "group", id: groupId, label: group.name },
      // What members hold through this group, before → after.
      details: {
        role_ids: { from: before, to: role_ids },
        added,
        removed,
        ...permissionChange(await permissionsOfRoles(tx, actor.accountId, before), await permissionsOfRoles(tx, actor.accountId, role_ids)),
        ...withdrawnInvites(ended),
      },
      meta,
    });
    return role_ids;
  });
}
