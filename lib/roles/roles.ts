/**
 * Creating, changing and deleting custom roles. Built-in roles are fixed.
 * Each change runs its rules on the fresh actor inside its unit of work
 * (nobody grants what they don't hold, no owner-only power in a custom role,
 * no self-lockout: lib/auth/escalation.ts) and records its activity event,
 * with the permissions before → after, in the same transaction. Holders see
 * the change on their next request: permissions are resolved per request.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { holdersOfRoles } from "@/lib/auth/effective-permissions";
import { assertMayGrant, assertMayRenameRoleHeldBy, assertNoSelfLockout, assertOutranksEach, assertValidCustomRole } from "@/lib/auth/escalation";
import { isBuiltInRole, sortPermissions } from "@/lib/auth/permissions";
import { assertCan } from "@/lib/auth/policy";
import { emit, noneEnded, withdrawnInvites } from "@/lib/data/effects";
import { write } from "@/lib/data/unit-of-work";
import { groupRoles, roles, userRoles } from "@/lib/db/schema";
import { Forbidden, refusalOf } from "@/lib/errors";
import { db } from "@/lib/db/database";
import { parseOrThrow } from "@/lib/http/validation";
import { patched, type Patch } from "@/lib/data/patch";
import { assertRoleNameFree, assertRoleNameReadsAsItself, findCustomRole, loadRole, toRoleRecord, type RoleRecord } from "./records";
import { roleInputSchema, type RoleInput } from "./schemas";

const BUILT_IN = "Built-in roles can't be changed or deleted";

export async function createRole(actor: Actor, input: RoleInput, meta: RequestMeta, now = new Date()): Promise<RoleRecord> {
  assertCan(actor, "roles:create", "You don't have permission to create roles");
  const { name, description, permissions } = parseOrThrow(roleInputSchema, input);
  return write(actor, async (tx, me) => {
    assertCan(me, "roles:create", "You don't have permission to create roles");
    assertValidCustomRole(me, permissions);
    assertRoleNameReadsAsItself(name);
    await assertRoleNameFree(tx, actor.accountId, name);
    const [row] = await tx
      .insert(roles)
      .values({ id: crypto.randomUUID(), accountId: actor.accountId, name, description, permissions: JSON.stringify(sortPermissions(permissions)), createdAt: now, updatedAt: now })
      .returning();
    const role = toRoleRecord(row);
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "role.created",
      actor: me,
      target: { type: "role", id: role.id, label: role.name },
      details: { permissions: role.permissions },
      meta,
    });
    return role;
  });
}

/** Why renaming this role would be refused (updateRole's rule over its holders), or null: its page says so and keeps Name as it is. */
export async function renameRoleRefusal(actor: Actor, roleId: string): Promise<string | null> {
  return refusalOf(async () => assertMayRenameRoleHeldBy(db(), actor, await holdersOfRoles(db(), actor.accountId, [roleId])));
}

/** Changes the fields the patch names (lib/data/patch: permissions may be an edit of the stored set); the others keep what is stored. */
export async function updateRole(actor: Actor, roleId: string, patch: Patch<RoleInput> | Record<string, unknown>, meta: RequestMeta, now = new Date()): Promise<RoleRecord> {
  assertCan(actor, "roles:update", "You don't have permission to change roles");
  return write(actor, async (tx, me) => {
    assertCan(me, "roles:update", "You don't have permission to change roles");
    const before = await loadRole(tx, actor.accountId, roleId);
    if (before.builtIn) throw new Forbidden(BUILT_IN);
    const stored = { name: before.name, description: before.description, permissions: [...before.permissions] };
    const { name, description, permissions } = parseOrThrow(roleInputSchema, patched(stored, patch));
    // Taking permissions away from a role is changing what its holders may do: only within one's own.
    assertMayGrant(me, before.permissions);
    assertValidCustomRole(me, permissions);
    const takesPermissions = before.permissions.some((p) => !permissions.includes(p));
    const renames = name !== before.name;
    // The role's holders, read once, when a rule below asks about them.
    const holders = takesPermissions || renames ? await holdersOfRoles(tx, actor.accountId, [roleId]) : [];
    // Taking permissions from the role takes them from each holder: none may hold more than the actor.
    if (takesPermissions) await assertOutranksEach(tx, me, holders);
    if (renames) {
      assertRoleNameReadsAsItself(name);
      // Each holder's roles claim changes with the name (apps map it): as renaming a group with members.
      await assertMayRenameRoleHeldBy(tx, me, holders);
      // A name stored before the name rules stays while it isn't changed.
      await assertRoleNameFree(tx, actor.accountId, name, roleId);
    }
    const [row] = await tx
      .update(roles)
      .set({ name, description, permissions: JSON.stringify(sortPermissions(permissions)), updatedAt: now })
      .where(and(eq(roles.accountId, actor.accountId), eq(roles.id, roleId)))
      .returning();
    const after = toRoleRecord(row);
    await assertNoSelfLockout(tx, me);
    // Its holders may have lost invites:create: their pending invites are withdrawn (lib/invites reacts).
    const ended = noneEnded();
    await emit(tx, "permissions.changed", { accountId: actor.accountId, ended });
    const added = after.permissions.filter((p) => !before.permissions.includes(p));
    const removed = before.permissions.filter((p) => !after.permissions.includes(p));
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "role.updated",
      actor: me,
      target: { type: "role", id: roleId, label: after.name },
      details: {
        ...(before.name !== after.name ? { name: { from: before.name, to: after.name } } : {}),
        permissions: { from: before.permissions, to: after.permissions },
        added,
        removed,
        ...withdrawnInvites(ended),
      },
      meta,
    });
    return after;
  });
}

/** Deletes a custom role; whoever held it (directly or through a group) loses it at once. */
export async function deleteRole(actor: Actor, roleId: string, meta: RequestMeta): Promise<void> {
  assertCan(actor, "roles:delete", "You don't have permission to delete roles");
  await write(actor, async (tx, me) => {
    assertCan(me, "roles:delete", "You don't have permission to delete roles");
    if (isBuiltInRole(roleId)) throw new Forbidden(BUILT_IN);
    const row = await findCustomRole(tx, actor.accountId, roleId);
    const before = row ? toRoleRecord(row) : await loadRole(tx, actor.accountId, roleId);
    assertMayGrant(me, before.permissions);
    const holders = await holdersOfRoles(tx, actor.accountId, [roleId]);
    await assertOutranksEach(tx, me, holders);
    await tx.delete(userRoles).where(and(eq(userRoles.accountId, actor.accountId), eq(userRoles.roleId, roleId)));
    await tx.delete(groupRoles).where(and(eq(groupRoles.accountId, actor.accountId), eq(groupRoles.roleId, roleId)));
    await tx.delete(roles).where(and(eq(roles.accountId, actor.accountId), eq(roles.id, roleId)));
    await assertNoSelfLockout(tx, me);
    const ended = noneEnded();
    await emit(tx, "permissions.changed", { accountId: actor.accountId, ended });
    await recordEvent(tx, {
      accountId: actor.accountId,
      action: "role.deleted",
      actor: me,
      target: { type: "role", id: roleId, label: before.name },
      details: { permissions: { from: before.permissions, to: [] }, holders: holders.length, ...withdrawnInvites(ended) },
      meta,
    });
  });
}
