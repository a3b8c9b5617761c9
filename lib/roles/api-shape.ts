/** Roles and role assignments as the REST API returns them (snake_case). */
import type { RoleWithHolders, UserRoles } from "./queries";

export function toApiRole(role: RoleWithHolders) {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    permissions: role.permissions,
    built_in: role.builtIn,
    holders: role.holders.map((h) => ({ id: h.id, name: h.name, via: h.via, ...(h.groupName ? { group_name: h.groupName } : {}) })),
    groups: role.groups,
  };
}

export function toApiUserRoles(held: UserRoles) {
  return {
    role: held.roles[0]?.id ?? "user",
    role_ids: held.roles.slice(1).map((r) => r.id),
    group_roles: held.groupRoles.map((g) => ({ role_id: g.role.id, role_name: g.role.name, group_id: g.groupId, group_name: g.groupName })),
    permissions: held.permissions.map((p) => ({
      name: p.name,
      sources: p.sources.map((s) => ({
        role_id: s.roleId,
        role_name: s.roleName,
        via: s.via,
        ...(s.groupId ? { group_id: s.groupId, group_name: s.groupName } : {}),
      })),
    })),
  };
}
