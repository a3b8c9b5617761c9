/**
 * A user's effective permissions: the union of their primary role
 * (users.role), their extra roles (user_roles) and the roles their groups
 * grant (group_roles), narrowed by a token's scope. Resolved once per request
 * (session and token paths) and again under the write lock (freshActor), so a
 * role change applies to the next request and a write never uses stale ones.
 */
import "server-only";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/database";
import { groupRoles, roles, userGroups, userRoles, users, type Role } from "@/lib/db/schema";
import { BUILT_IN_ROLES, builtInPermissions, customRolePermissions, isBuiltInRole, sortPermissions, type Permission } from "./permissions";

/**
 * Whether the user holds any role beyond the primary one: one cheap EXISTS
 * the session and token lookups select alongside the user, so a user with no
 * extra role (the common case) costs no further query.
 */
export function hasExtraRolesColumn(): SQL<boolean> {
  return sql<boolean>`(exists (select 1 from ${userRoles} where ${userRoles.userId} = ${users.id}) or exists (select 1 from ${userGroups} inner join ${groupRoles} on ${groupRoles.groupId} = ${userGroups.groupId} where ${userGroups.userId} = ${users.id}))`.mapWith(
    (v: unknown) => v === true || v === 1 || v === "1" || v === "t",
  );
}

/** Every role id the user holds: primary, direct, and through groups. */
export async function heldRoleIds(q: Db, accountId: string, userId: string, primary: Role): Promise<string[]> {
  const [direct, viaGroups] = [
    await q
      .select({ roleId: userRoles.roleId })
      .from(userRoles)
      .where(and(eq(userRoles.accountId, accountId), eq(userRoles.userId, userId))),
    await q
      .select({ roleId: groupRoles.roleId })
      .from(groupRoles)
      .innerJoin(userGroups, eq(userGroups.groupId, groupRoles.groupId))
      .where(and(eq(groupRoles.accountId, accountId), eq(userGroups.userId, userId))),
  ];
  return [...new Set([primary, ...direct.map((r) => r.roleId), ...viaGroups.map((r) => r.roleId)])];
}

/** The union of the roles' permissions; unknown ids (a role deleted meanwhile) add nothing, nor does an owner-only power stored in a custom role. */
export async function permissionsOfRoles(q: Db, accountId: string, roleIds: readonly string[]): Promise<Set<Permission>> {
  const held = new Set<Permission>();
  const custom: string[] = [];
  for (const id of roleIds) {
    if (isBuiltInRole(id)) for (const p of builtInPermissions(id)) held.add(p);
    else custom.push(id);
  }
  if (custom.length > 0) {
    const found = await q
      .select({ permissions: roles.permissions })
      .from(roles)
      .where(and(eq(roles.accountId, accountId), inArray(roles.id, custom)));
    for (const row of found) for (const p of customRolePermissions(row.permissions)) held.add(p);
  }
  return held;
}

/** A token's scope narrows, never widens: what both the owner holds now and the scope names. */
export function narrowToScope(held: ReadonlySet<Permission>, scope: readonly Permission[] | null): ReadonlySet<Permission> {
  if (scope === null) return held;
  return new Set(scope.filter((p) => held.has(p)));
}

/**
 * The effective permissions of a user. `hasExtraRoles` false (from
 * hasExtraRolesColumn) skips the lookups: the primary role's shared set.
 */
export async function resolvePermissions(
  q: Db,
  user: { accountId: string; userId: string; role: Role; hasExtraRoles?: boolean },
  scope: readonly Permission[] | null = null,
): Promise<ReadonlySet<Permission>> {
  const held =
    user.hasExtraRoles === false
      ? builtInPermissions(user.role)
      : await permissionsOfRoles(q, user.accountId, await heldRoleIds(q, user.accountId, user.userId, user.role));
  return narrowToScope(held, scope);
}

/** Users of the account who hold any of the given role ids directly or through a group (for confirmations and guards). */
export async function holdersOfRoles(q: Db, accountId: string, roleIds: readonly string[]): Promise<string[]> {
  if (roleIds.length === 0) return [];
  const [primary, direct, viaGroups] = [
    await q
      .select({ userId: users.id })
      .from(users)
      .where(and(eq(users.accountId, accountId), inArray(users.role, roleIds.filter(isBuiltInRole)))),
    await q
      .select({ userId: userRoles.userId })
      .from(userRoles)
      .where(and(eq(userRoles.accountId, accountId), inArray(userRoles.roleId, [...roleIds]))),
    await q
      .select({ userId: userGroups.userId })
      .from(userGroups)
      .innerJoin(groupRoles, eq(groupRoles.groupId, userGroups.groupId))
      .where(and(eq(groupRoles.accountId, accountId), inArray(groupRoles.roleId, [...roleIds]))),
  ];
  return [...new Set([...primary, ...direct, ...viaGroups].map((r) => r.userId))];
}

/** The role ids (built-in and custom) whose permissions include one outside `held`. */
export async function roleIdsBeyond(q: Db, accountId: string, held: ReadonlySet<Permission>): Promise<string[]> {
  const beyond = (permissions: Iterable<Permission>) => [...permissions].some((p) => !held.has(p));
  const builtIn = Object.values(BUILT_IN_ROLES).filter((role) => beyond(role.permissions)).map((role) => role.id as string);
  const custom = await q.select({ id: roles.id, permissions: roles.permissions }).from(roles).where(eq(roles.accountId, accountId));
  return [...builtIn, ...custom.filter((row) => beyond(customRolePermissions(row.permissions))).map((row) => row.id)];
}

/** The members of a group (who hold what it grants). */
export async function memberIdsOfGroup(q: Db, accountId: string, groupId: string): Promise<string[]> {
  const rows = await q
    .select({ userId: userGroups.userId })
    .from(userGroups)
    .where(and(eq(userGroups.accountId, accountId), eq(userGroups.groupId, groupId)));
  return rows.map((r) => r.userId);
}

/** The role ids the given groups grant. */
export async function rolesGrantedByGroups(q: Db, accountId: string, groupIds: readonly string[]): Promise<string[]> {
  if (groupIds.length === 0) return [];
  const found = await q
    .select({ roleId: groupRoles.roleId })
    .from(groupRoles)
    .where(and(eq(groupRoles.accountId, accountId), inArray(groupRoles.groupId, [...groupIds])));
  return [...new Set(found.map((r) => r.roleId))];
}

/** The names of the given role ids (built-in and custom), in the order given; an id that names no role is left out. */
export async function roleNames(q: Db, accountId: string, roleIds: readonly string[]): Promise<string[]> {
  const custom = roleIds.filter((id) => !isBuiltInRole(id));
  const rows = custom.length ? await q.select({ id: roles.id, name: roles.name }).from(roles).where(and(eq(roles.accountId, accountId), inArray(roles.id, custom))) : [];
  const names = new Map<string, string>(rows.map((r) => [r.id, r.name]));
  return roleIds.flatMap((id) => (isBuiltInRole(id) ? [BUILT_IN_ROLES[id].name] : names.has(id) ? [names.get(id)!] : []));
}

/** A change of someone's permissions for an activity event: before → after in catalogue order, or nothing when they are the same. */
export function permissionChange(before: ReadonlySet<Permission>, after: ReadonlySet<Permission>): { permissions: { from: Permission[]; to: Permission[] } } | Record<string, never> {
  if (before.size === after.size && [...before].every((p) => after.has(p))) return {};
  return { permissions: { from: sortPermissions(before), to: sortPermissions(after) } };
}
