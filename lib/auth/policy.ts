/**
 * The permission table: which role may do what. Services call assertCan()
 * before acting; nothing else decides permissions.
 */
import { Forbidden } from "@/lib/errors";
import type { Role } from "@/lib/db/schema";
import type { Actor } from "./actor";

const PERMISSIONS = {
  /** See every user of the account (others only see themselves). */
  "users:read-all": ["owner", "admin", "auditor"],
  /** Create, edit, block, delete users. */
  "users:manage": ["owner", "admin"],
  /** Read the activity log, export it and verify its integrity. */
  "activity:read": ["owner", "admin", "auditor"],
  /** See sign-in settings: identity providers, LDAP, trusted header (never their secrets). */
  "settings:read": ["owner", "admin", "auditor"],
  /**
   * Change how people sign in: identity providers, LDAP, the trusted proxy
   * header, the local password form. Owner only: whoever decides who a sign-in
   * source may vouch for can make it vouch for anyone, so an admin who could
   * configure one could sign in as the owner.
   */
  "settings:manage-sign-in": ["owner"],
  // email: the mail server, sender, public address and notices (Settings → Email).
  "settings:email": ["owner"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(actor: Actor, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(actor.role);
}

/** Permissions that change things: a read-only token is told it is read-only rather than that its role falls short. */
const WRITE_PERMISSIONS: ReadonlySet<Permission> = new Set(["users:manage", "settings:manage-sign-in", "settings:email"]);

export function assertCan(actor: Actor, permission: Permission, message?: string): void {
  if (WRITE_PERMISSIONS.has(permission)) assertMayWrite(actor);
  if (!can(actor, permission)) throw new Forbidden(message);
}

/**
 * Roles whose access tokens may change anything. A token of any other role
 * (user, auditor) is read-only API access: it reads what its owner may read
 * and writes nothing, not even its owner's own password, sessions or tokens,
 * so a leaked read-only token can't be turned into more access.
 */
const TOKEN_WRITE_ROLES: readonly Role[] = ["owner", "admin"];

export const READ_ONLY_TOKEN = "This access token is read-only: tokens of users with the User or Auditor role can't change anything";

/** Every write that a non-manager may do for themselves calls this (writes needing users:manage are covered by the role). */
export function assertMayWrite(actor: Actor): void {
  if (actor.kind === "token" && !TOKEN_WRITE_ROLES.includes(actor.role)) throw new Forbidden(READ_ONLY_TOKEN);
}

/**
 * Acting on one's own user is allowed for self-service actions (own password,
 * own sessions, own tokens), except through a read-only token.
 */
export function assertSelf(actor: Actor, userId: string, message: string): void {
  assertMayWrite(actor);
  if (actor.userId !== userId) throw new Forbidden(message);
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => (PERMISSIONS[p] as readonly Role[]).includes(role));
}
