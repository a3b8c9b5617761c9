/**
 * The escalation rules, in one place:
 * - nobody grants what they don't hold: a role they create or edit, a role
 *   they assign (to a user or a group), a group they add someone to, a
 *   token's scope — everything conferred must already be the actor's;
 * - owner-only powers never go into a custom role;
 * - nobody acts on someone who holds more than they do (resetting their
 *   password or blocking them would be a way into those powers);
 * - nobody removes their own ability to manage roles or users (self-lockout).
 * Services call these inside their unit of work, with the fresh actor.
 */
import "server-only";
import type { Db } from "@/lib/db/database";
import type { Role } from "@/lib/db/schema";
import { Forbidden, Invalid } from "@/lib/errors";
import type { Actor } from "./actor";
import { holdersOfRoles, permissionsOfRoles, resolvePermissions, roleIdsBeyond } from "./effective-permissions";
import { BUILT_IN_ROLES, OWNER_ONLY, type Permission } from "./permissions";
import { permissionsOfActor } from "./policy";

/** The permissions among `wanted` the actor doesn't hold. */
export function notHeld(actor: Actor, wanted: Iterable<Permission>): Permission[] {
  const held = permissionsOfActor(actor);
  return [...new Set(wanted)].filter((p) => !held.has(p));
}

export function assertMayGrant(actor: Actor, wanted: Iterable<Permission>): void {
  const missing = notHeld(actor, wanted);
  if (missing.length > 0) {
    const permissions = missing.join(", ");
    throw new Forbidden(`You can't grant permissions you don't hold: ${permissions}`).keyed("cantGrantPermissions", { permissions });
  }
}

/** A custom role's permission set: no owner-only power, and nothing the actor lacks. */
export function assertValidCustomRole(actor: Actor, permissions: readonly Permission[]): void {
  const ownerOnly = permissions.filter((p) => OWNER_ONLY.has(p));
  if (ownerOnly.length > 0) {
    const permissions = ownerOnly.join(", ");
    const message = `Owner-only powers can't be in a custom role: ${permissions}`;
    throw new Invalid(message, { permissions: [message] }).keyed("ownerOnlyInCustomRole", { permissions });
  }
  assertMayGrant(actor, permissions);
}

/** Assigning roles (to a user or a group): the owner role never, and only roles whose permissions the actor holds. */
export async function assertMayGrantRoles(tx: Db, actor: Actor, roleIds: readonly string[]): Promise<void> {
  if (roleIds.includes("owner")) throw new Forbidden("The owner role can't be assigned; transfer ownership instead");
  assertMayGrant(actor, await permissionsOfRoles(tx, actor.accountId, roleIds));
}

/** The built-in role a user is given as their primary role (create, invite, role change). */
export function assertMayGrantRole(actor: Actor, role: Role): void {
  assertMayGrant(actor, BUILT_IN_ROLES[role].permissions);
}

/** Acting on someone's account (block, delete, reset, role): they hold nothing the actor lacks. */
export async function assertOutranks(tx: Db, actor: Actor, target: { id: string; role: Role }): Promise<void> {
  if (target.id === actor.userId) return;
  const theirs = await resolvePermissions(tx, { accountId: actor.accountId, userId: target.id, role: target.role });
  if (notHeld(actor, theirs).length > 0) throw new Forbidden("This user holds permissions you don't; ask someone who holds them");
}

/**
 * A change that takes roles from several people at once (emptying a group's roles, deleting the group,
 * editing or deleting a role they hold) acts on each of them: none may hold anything the actor lacks.
 * One query for the roles beyond the actor, one for who holds them; the actor themselves doesn't count.
 */
export async function assertOutranksEach(tx: Db, actor: Actor, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  const stronger = await roleIdsBeyond(tx, actor.accountId, permissionsOfActor(actor));
  const outranking = new Set(await holdersOfRoles(tx, actor.accountId, stronger));
  if (userIds.some((id) => id !== actor.userId && outranking.has(id))) {
    throw new Forbidden("Someone this change affects holds permissions you don't; ask someone who holds them");
  }
}

/** What managing access needs; nobody takes these from themselves by accident. */
const MANAGEMENT: readonly Permission[] = ["roles:update", "users:update", "groups:update"];

/**
 * Call after a change is applied in the transaction: refuses (and so rolls
 * back) a change that took a management permission from the actor.
 */
export async function assertNoSelfLockout(tx: Db, actor: Actor): Promise<void> {
  const before = permissionsOfActor(actor);
  const after = await resolvePermissions(tx, { accountId: actor.accountId, userId: actor.userId, role: actor.role });
  const lost = MANAGEMENT.filter((p) => before.has(p) && !after.has(p));
  if (lost.length > 0) {
    const permissions = lost.join(", ");
    throw new Forbidden(`This change would take away your own ${permissions} permission`).keyed("wouldLoseOwnPermission", { permissions });
  }
}
