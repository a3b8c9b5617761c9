/**
 * The permission checks. Services call assertCan() before acting; pages call
 * can() to show only what the viewer may use. What each permission means and
 * which built-in role holds it is data (./permissions.ts); an actor carries
 * its effective permissions (./effective-permissions.ts).
 */
import { Forbidden } from "@/lib/errors";
import type { Actor } from "./actor";
import { builtInPermissions, isReadPermission, type Permission } from "./permissions";

export type { Permission } from "./permissions";

/** The actor's effective permissions (the primary role's for a hand-built actor). */
export function permissionsOfActor(actor: Actor): ReadonlySet<Permission> {
  return actor.permissions ?? builtInPermissions(actor.role);
}

export function can(actor: Actor, permission: Permission): boolean {
  return permissionsOfActor(actor).has(permission);
}

export function assertCan(actor: Actor, permission: Permission, message?: string): void {
  // A read-only token is told it is read-only rather than that its role falls short.
  if (!isReadPermission(permission)) assertMayWrite(actor);
  if (!can(actor, permission)) throw new Forbidden(message);
}

export const READ_ONLY_TOKEN = "This access token is read-only: tokens of users with the User or Auditor role can't change anything";

/**
 * Whether the actor's access token may change anything. A token whose
 * permissions (its owner's, narrowed by its scope) are all reads — every
 * token of a User or Auditor, or a token scoped to reads — is read-only API
 * access: it reads what it may read and writes nothing, not even its owner's
 * own password, sessions or tokens, so a leaked read-only token can't be
 * turned into more access.
 */
export function tokenMayWrite(actor: Actor): boolean {
  if (actor.kind !== "token") return true;
  for (const p of permissionsOfActor(actor)) if (!isReadPermission(p)) return true;
  return false;
}

/** Every write that a person may do for themselves calls this (writes needing a permission are covered by assertCan). */
export function assertMayWrite(actor: Actor): void {
  if (!tokenMayWrite(actor)) throw new Forbidden(READ_ONLY_TOKEN);
}

/**
 * Acting on one's own user is allowed for self-service actions (own password,
 * own sessions, own tokens), except through a read-only token.
 */
export function assertSelf(actor: Actor, userId: string, message: string): void {
  assertMayWrite(actor);
  if (actor.userId !== userId) throw new Forbidden(message);
}

/**
 * The actions that hand the account to whoever does them (its password, its email: how it is recovered) are
 * the person's, or an unscoped token's, which holds all they hold; a token limited to some permissions was made
 * for some other job, and can't.
 */
export function assertNotLimitedToken(actor: Actor, message: string): void {
  if (actor.kind === "token" && actor.scope) throw new Forbidden(message);
}

