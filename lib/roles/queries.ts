/**
 * Reading roles and who holds them, as the actor may see them: roles:read
 * for the roles of the account; anyone for their own roles, users:read for
 * someone else's (as for the user itself).
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { PERMISSION_CATALOGUE, ALL_PERMISSIONS, type Permission } from "@/lib/auth/permissions";
import { assertCan } from "@/lib/auth/policy";
import { db } from "@/lib/db/database";
import { groupRoles, groups, userGroups, userRoles, users } from "@/lib/db/schema";
import { NotFound } from "@/lib/errors";
import { usersSeenBy } from "@/lib/users/queries";
import { maySeeUser, seesOthers } from "@/lib/users/visibility";
import { allRoles, loadRole, type RoleRecord } from "./records";

const READ_DENIED = "You don't have permission to see roles";

export type PermissionInfo = { name: Permission; module: string; operation: string; description: string };

/** The catalogue, for GET /api/permissions and the permission grid. */
export function permissionCatalogue(): PermissionInfo[] {
  return ALL_PERMISSIONS.map((name) => {
    const [module, operation] = name.split(":");
    return { name, module, operation, description: PERMISSION_CATALOGUE[name] };
  });
}

export type Holder = { id: string; name: string; via: "role" | "roles" | "group"; groupName?: string };
export type RoleWithHolders = RoleRecord & { holders: Holder[]; groups: { id: string; name: string }[] };

/** Who holds each role: as primary role, as an extra role, or through a group. */
async function holdersByRole(actor: Actor): Promise<Map<string, { userIds: Map<string, Holder["via"]>; groups: { id: string; name: string }[]; groupMembers: { userId: string; groupName: string }[] }>> {
  const q = db();
  const [primary, direct, granted, members] = await Promise.all([
    q.select({ userId: users.id, roleId: users.role }).from(users).where(eq(users.accountId, actor.accountId)),
    q.select({ userId: userRoles.userId, roleId: userRoles.roleId }).from(userRoles).where(eq(userRoles.accountId, actor.accountId)),
    q
      .select({ groupId: groupRoles.groupId, roleId: groupRoles.roleId, name: groups.name })
      .from(groupRoles)
      .innerJoin(groups, eq(groups.id, groupRoles.groupId))
      .where(eq(groupRoles.accountId, actor.accountId)),
    q.select({ userId: userGroups.userId, groupId: userGroups.groupId }).from(userGroups).where(eq(userGroups.accountId, actor.accountId)),
  ]);
  const out = new Map<string, { userIds: Map<string, Holder["via"]>; groups: { id: string; name: string }[]; groupMembers: { userId: string; groupName: string }[] }>();
  const entry = (roleId: string) => {
    let e = out.get(roleId);
    if (!e) out.set(roleId, (e = { userIds: new Map(), groups: [], groupMembers: [] }));
    return e;
  };
  for (const r of primary) entry(r.roleId).userIds.set(r.userId, "role");
  for (const r of direct) if (!entry(r.roleId).userIds.has(r.userId)) entry(r.roleId).userIds.set(r.userId, "roles");
  for (const g of granted) {
    const e = entry(g.roleId);
    e.groups.push({ id: g.groupId, name: g.name });
    for (const m of members) if (m.groupId === g.groupId) e.groupMembers.push({ userId: m.userId, groupName: g.name });
  }
  return out;
}

export async function listRoles(actor: Actor): Promise<RoleWithHolders[]> {
  assertCan(actor, "roles:read", READ_DENIED);
  const [list, held] = await Promise.all([allRoles(db(), actor.accountId), holdersByRole(actor)]);
  const ids = new Set<string>();
  for (const e of held.values()) {
    for (const id of e.userIds.keys()) ids.add(id);
    for (const m of e.groupMembers) ids.add(m.userId);
  }
  const people = await usersSeenBy(actor, ids);
  return list.map((role) => {
    const e = held.get(role.id);
    const holders: Holder[] = [];
    const seen = new Set<string>();
    for (const [userId, via] of e?.userIds ?? []) {
      const person = people.get(userId);
      if (person) holders.push({ id: userId, name: person.name, via }), seen.add(userId);
    }
    for (const m of e?.groupMembers ?? []) {
      const person = people.get(m.userId);
      if (person && !seen.has(m.userId)) holders.push({ id: m.userId, name: person.name, via: "group", groupName: m.groupName }), seen.add(m.userId);
    }
    return { ...role, holders, groups: e?.groups ?? [] };
  });
}

export async function getRole(actor: Actor, roleId: string): Promise<RoleWithHolders> {
  assertCan(actor, "roles:read", READ_DENIED);
  await loadRole(db(), actor.accountId, roleId);
  return (await listRoles(actor)).find((r) => r.id === roleId)!;
}

export type PermissionSource = { roleId: string; roleName: string; via: "role" | "roles" | "group"; groupId?: string; groupName?: string };
export type UserRoles = {
  /** The primary role first, then the extra roles. */
  roles: RoleRecord[];
  /** Roles through groups, with the group. */
  groupRoles: { role: RoleRecord; groupId: string; groupName: string }[];
  /** Every effective permission with where it comes from. */
  permissions: { name: Permission; sources: PermissionSource[] }[];
};

/** A user's roles and, per permission, where it comes from ("from role Helpdesk", "from group Support"). */
export async function getUserRoles(actor: Actor, userId: string): Promise<UserRoles> {
  if (userId !== actor.userId && !seesOthers(actor)) throw new NotFound("User");
  const q = db();
  const [user] = await q
    .select({ role: users.role, isServiceUser: users.isServiceUser })
    .from(users)
    .where(and(eq(users.accountId, actor.accountId), eq(users.id, userId)))
    .limit(1);
  if (!user || !maySeeUser(actor, { id: userId, isServiceUser: user.isServiceUser })) throw new NotFound("User");
  const direct = await q
    .select({ roleId: userRoles.roleId })
    .from(userRoles)
    .where(and(eq(userRoles.accountId, actor.accountId), eq(userRoles.userId, userId)));
  const viaGroups = await q
    .select({ roleId: groupRoles.roleId, groupId: groups.id, groupName: groups.name })
    .from(userGroups)
    .innerJoin(groupRoles, eq(groupRoles.groupId, userGroups.groupId))
    .innerJoin(groups, eq(groups.id, userGroups.groupId))
    .where(and(eq(userGroups.accountId, actor.accountId), eq(userGroups.userId, userId)));
  const ids = [...new Set([user.role, ...direct.map((d) => d.roleId), ...viaGroups.map((g) => g.roleId)])];
  // A role deleted between the reads is skipped, not an error.
  const loadRoleOrNull = (id: string) => loadRole(q, actor.accountId, id).catch((err: unknown) => (err instanceof NotFound ? null : Promise.reject(err)));
  const records = new Map((await Promise.all(ids.map((id) => loadRoleOrNull(id)))).filter((r): r is RoleRecord => r !== null).map((r) => [r.id, r]));
  const sources = new Map<Permission, PermissionSource[]>();
  const add = (role: RoleRecord | undefined, source: Omit<PermissionSource, "roleId" | "roleName">) => {
    if (!role) return;
    for (const p of role.permissions) {
      const list = sources.get(p) ?? [];
      list.push({ roleId: role.id, roleName: role.name, ...source });
      sources.set(p, list);
    }
  };
  add(records.get(user.role), { via: "role" });
  for (const d of direct) if (d.roleId !== user.role) add(records.get(d.roleId), { via: "roles" });
  for (const g of viaGroups) add(records.get(g.roleId), { via: "group", groupId: g.groupId, groupName: g.groupName });
  return {
    roles: [user.role, ...direct.map((d) => d.roleId).filter((id) => id !== user.role)].map((id) => records.get(id)).filter((r): r is RoleRecord => !!r),
    groupRoles: viaGroups.flatMap((g) => (records.has(g.roleId) ? [{ role: records.get(g.roleId)!, groupId: g.groupId, groupName: g.groupName }] : [])),
    permissions: ALL_PERMISSIONS.filter((p) => sources.has(p)).map((name) => ({ name, sources: sources.get(name)! })),
  };
}

/** The roles a group grants. */
export async function getGroupRoles(actor: Actor, groupId: string): Promise<RoleRecord[]> {
  assertCan(actor, "groups:read", "You don't have permission to see this group's roles");
  const q = db();
  const [group] = await q
    .select({ id: groups.id })
    .from(groups)
    .where(and(eq(groups.accountId, actor.accountId), eq(groups.id, groupId)))
    .limit(1);
  if (!group) throw new NotFound("Group");
  const rows = await q
    .select({ roleId: groupRoles.roleId })
    .from(groupRoles)
    .where(and(eq(groupRoles.accountId, actor.accountId), eq(groupRoles.groupId, groupId)));
  const found = await Promise.all(
    rows.map((r) => loadRole(q, actor.accountId, r.roleId).catch((err: unknown) => (err instanceof NotFound ? null : Promise.reject(err)))),
  );
  return found.filter((r): r is RoleRecord => r !== null);
}
