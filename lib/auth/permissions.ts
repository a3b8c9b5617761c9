/**
 * The permission catalogue and the built-in roles, in one place. Permissions
 * are `<module>:<operation>` (modules follow NetBird's `modules` keys where
 * they overlap); a role is a set of them. Custom roles (lib/roles) are sets
 * drawn from the same catalogue. Everything that decides access — services,
 * pages, the API's permissions object, the authorization matrix test — reads
 * this table.
 */

export const PERMISSION_CATALOGUE = {
  "users:read": "See every person of the account (service users need service_users:read; everyone sees themselves)",
  "users:create": "Add people and invite them",
  "users:update": "Change a user's name, email, groups, role and roles",
  "users:delete": "Delete users and reject people waiting for approval",
  "users:block": "Block and unblock users, approve people waiting for approval",
  "users:reset_password": "Reset someone's password",
  "users:revoke_sessions": "Sign someone out everywhere",
  "users:unlock": "End a sign-in lock after too many failed attempts",
  "users:reset_two_factor": "Reset someone's two-factor authentication",
  "users:transfer_ownership": "Make someone else the owner",
  "service_users:read": "See service users",
  "service_users:create": "Create service users",
  "service_users:update": "Change and block service users",
  "service_users:delete": "Delete service users",
  "groups:read": "See every group and its members",
  "groups:create": "Create groups",
  "groups:update": "Rename groups, change their members and the roles they grant",
  "groups:delete": "Delete groups",
  "invites:read": "See pending invites",
  "invites:create": "Invite people and renew invite links",
  "invites:delete": "Withdraw invites",
  "tokens:read": "See other users' and service users' access tokens",
  "tokens:create": "Create access tokens for service users",
  "tokens:delete": "Delete other users' and service users' access tokens",
  "events:read": "Read, export and verify the activity log",
  "settings:read": "See sign-in settings (never their secrets)",
  "settings:sign_in": "Change how people sign in: password form, identity providers, LDAP, trusted header",
  "settings:security": "Change security settings such as two-factor enforcement",
  "settings:email": "Configure the mail server",
  "settings:appearance": "Change the instance's name and logo",
  "identity_providers:read": "See identity providers and the LDAP directory",
  "roles:read": "See roles and who holds them",
  "roles:create": "Create custom roles",
  "roles:update": "Change custom roles",
  "roles:delete": "Delete custom roles",
  "applications:read": "See the applications that sign people in through Latchkey (never their secrets)",
  "applications:create": "Register applications (the owner only: they decide where sign-ins go)",
  "applications:update": "Change applications and rotate their secrets (the owner only)",
  "applications:delete": "Delete applications",
} as const;

export type Permission = keyof typeof PERMISSION_CATALOGUE;

export const ALL_PERMISSIONS = Object.keys(PERMISSION_CATALOGUE) as Permission[];

export function isPermission(name: string): name is Permission {
  return Object.hasOwn(PERMISSION_CATALOGUE, name);
}

/**
 * Powers only the owner holds, never put in a custom role: whoever decides
 * who a sign-in source may vouch for (or how second factors and mail work)
 * can make the system vouch for anyone, the owner included. The same holds for
 * registering and changing applications: whoever decides where an app's
 * sign-ins go (its redirect URIs) or whether people are asked first (consent)
 * receives anyone's ID tokens for it, and their profile. Seeing and deleting
 * applications stay with admins.
 */
export const OWNER_ONLY: ReadonlySet<Permission> = new Set<Permission>([
  "settings:sign_in",
  "settings:security",
  "settings:email",
  "settings:appearance",
  "users:transfer_ownership",
  "applications:create",
  "applications:update",
]);

/** A permission that only lets one look. Every other one changes something. */
export function isReadPermission(permission: Permission): boolean {
  return permission.endsWith(":read");
}

const READS = ALL_PERMISSIONS.filter(isReadPermission);
const ADMIN = ALL_PERMISSIONS.filter((p) => !OWNER_ONLY.has(p));

export type BuiltInRoleId = "owner" | "admin" | "auditor" | "user" | "network_admin" | "billing_admin";

export type BuiltInRole = { id: BuiltInRoleId; name: string; description: string; permissions: readonly Permission[] };

/**
 * The built-in roles: fixed, neither editable nor deletable. `user` holds no
 * permission: everyone may read and change their own account (password,
 * sessions, tokens) without one.
 */
export const BUILT_IN_ROLES: Record<BuiltInRoleId, BuiltInRole> = {
  owner: { id: "owner", name: "Owner", description: "Everything, including sign-in settings and ownership", permissions: ALL_PERMISSIONS },
  admin: { id: "admin", name: "Admin", description: "Manages people, groups, roles and tokens; sees sign-in settings and applications", permissions: ADMIN },
  auditor: { id: "auditor", name: "Auditor", description: "Reads everything, changes nothing", permissions: READS },
  user: { id: "user", name: "User", description: "Their own account only", permissions: [] },
  network_admin: {
    id: "network_admin",
    name: "Network admin",
    description: "NetBird's network admin: manages groups, sees users and activity",
    permissions: ["users:read", "service_users:read", "groups:read", "groups:create", "groups:update", "groups:delete", "events:read"],
  },
  billing_admin: {
    id: "billing_admin",
    name: "Billing admin",
    description: "NetBird's billing admin: sees users and activity",
    permissions: ["users:read", "events:read"],
  },
};

export function isBuiltInRole(id: string): id is BuiltInRoleId {
  return Object.hasOwn(BUILT_IN_ROLES, id);
}

const BUILT_IN_SETS = new Map<string, ReadonlySet<Permission>>(
  Object.values(BUILT_IN_ROLES).map((r) => [r.id, new Set(r.permissions)]),
);

/** A built-in role's permissions as a set (shared, read-only). */
export function builtInPermissions(id: BuiltInRoleId): ReadonlySet<Permission> {
  return BUILT_IN_SETS.get(id)!;
}

/** Catalogue names out of stored JSON; a name no longer in the catalogue is dropped, never trusted. */
export function parsePermissionList(json: string | null): Permission[] | null {
  if (json === null) return null;
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((p): p is Permission => typeof p === "string" && isPermission(p)) : [];
}

/**
 * A custom role's stored permissions as they grant: catalogue names only, and never an owner-only power
 * (a role stored before a power became owner-only keeps its row, but the power is not granted, shown or kept).
 */
export function customRolePermissions(json: string | null): Permission[] {
  return (parsePermissionList(json) ?? []).filter((p) => !OWNER_ONLY.has(p));
}

/** Sorted in catalogue order, without repeats: how permission lists are stored and shown. */
export function sortPermissions(permissions: Iterable<Permission>): Permission[] {
  const held = new Set(permissions);
  return ALL_PERMISSIONS.filter((p) => held.has(p));
}
