/**
 * The escalation rules, in one place:
 * - nobody grants what they don't hold: a role they create or edit, a role
 *   they assign (to a user or a group), a group they add someone to, a
 *   token's scope — everything conferred must already be the actor's;
 * - owner-only powers never go into a custom role;
 * - nobody acts on someone who holds more than they do (resetting their
 *   password or blocking them would be a way into those powers);
 * - nobody removes their own ability to manage roles or users (self-lockout);
 * - group names are what apps trust (the `groups` claim), so who is in a group
 *   under which name is each member's groups: nobody but the owner changes
 *   their own, and renaming a group with members is changing theirs.
 * Services call these inside their unit of work, with the fresh actor.
 */
import "server-only";
import type { Db } from "@/lib/db/database";
import type { Role } from "@/lib/db/schema";
import { Forbidden, Invalid } from "@/lib/errors";
import type { Actor } from "./actor";
import { holdersOfRoles, permissionsOfRoles, resolvePermissions, roleIdsBeyond } from "./effective-permissions";
import { BUILT_IN_ROLES, OWNER_ONLY, type Permission } from "./permissions";
import { assertCan, can, permissionsOfActor } from "./policy";

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
  if ((await outrankingAmong(tx, actor, userIds)).size > 0) {
    throw new Forbidden("Someone this change affects holds permissions you don't; ask someone who holds them");
  }
}

/** Of these people, those who hold something the actor lacks (the actor never counts): whom assertOutranksEach refuses. */
export async function outrankingAmong(tx: Db, actor: Actor, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const stronger = await roleIdsBeyond(tx, actor.accountId, permissionsOfActor(actor));
  const holders = new Set(await holdersOfRoles(tx, actor.accountId, stronger));
  return new Set(userIds.filter((id) => id !== actor.userId && holders.has(id)));
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

/** The permission that changes who is in a group: people's groups are part of the person (users:update). */
export const CHANGES_GROUPS: Permission = "users:update";

export const OWN_GROUPS = "You can't change your own groups: apps trust them; ask another admin";
export const OWN_GROUP_RENAME = "You can't rename a group you are in: apps trust group names; ask another admin";
export const RENAME_NEEDS_USERS = "Renaming a group with members needs permission to manage users: apps trust group names";
export const GROUPS_NEED_USERS = "Putting people in groups needs permission to manage users: apps trust group names";

/**
 * Apps map group names to their own rights (Grafana's "grafana-admins" → admin), and Latchkey can't rank those
 * rights as it ranks permissions. So, as nobody changes their own roles, nobody but the owner changes their own
 * groups: not by joining or leaving one (the user's page, the group's page, the API), and not by renaming a group
 * they are in. The owner already holds everything; anyone else asks someone who manages people.
 */
export function assertMayChangeOwnGroups(actor: Actor, message: string = OWN_GROUPS): void {
  if (actor.role !== "owner") throw new Forbidden(message);
}

/**
 * A new person's groups are given as anyone's are, by someone who may change people's groups (users:update):
 * who may only add people (users:create) sees the first password of the account they make, so could otherwise
 * put an account of their own into any group.
 */
export function assertMayPutInGroups(actor: Actor, groupIds: readonly string[]): void {
  if (groupIds.length > 0) assertCan(actor, CHANGES_GROUPS, GROUPS_NEED_USERS);
}

/** Whether a form adding people offers groups (assertMayPutInGroups decides). */
export function mayPutInGroups(actor: Actor): boolean {
  return can(actor, CHANGES_GROUPS);
}

/**
 * Changing what apps read about each of these people (their `groups` or `roles` claim: a group's name, a role's
 * name, a role a group gives) is changing each of them, as moving each into another group would: with people, it
 * needs users:update, on people the actor outranks, never on themselves unless they are the owner. Nobody's
 * claim changes when nobody is affected.
 */
async function assertMayChangeClaimsOf(tx: Db, actor: Actor, peopleIds: readonly string[], messages: { needsUsers: string; own: string }): Promise<void> {
  if (peopleIds.length === 0) return;
  assertCan(actor, CHANGES_GROUPS, messages.needsUsers);
  if (peopleIds.includes(actor.userId)) assertMayChangeOwnGroups(actor, messages.own);
  await assertOutranksEach(tx, actor, peopleIds);
}

/**
 * Renaming a group puts each member under a new name in every app's `groups` claim, as moving each of them into
 * another group would. An empty group's name gives nobody anything.
 */
export async function assertMayRenameGroupWith(tx: Db, actor: Actor, memberIds: readonly string[]): Promise<void> {
  await assertMayChangeClaimsOf(tx, actor, memberIds, { needsUsers: RENAME_NEEDS_USERS, own: OWN_GROUP_RENAME });
}

export const OWN_ROLE_RENAME = "You can't rename a role you hold: apps trust role names; ask another admin";
export const ROLE_RENAME_NEEDS_USERS = "Renaming a role someone holds needs permission to manage users: apps trust role names";
export const OWN_GROUP_ROLES = "You can't give a group you are in a role: that is giving it to yourself; ask another admin";
export const GROUP_ROLES_NEED_USERS = "Giving a group with members a role needs permission to manage users: apps trust role names";

/**
 * The `roles` claim names each role a person holds (custom roles by name), and apps map those names as they map
 * groups (review 29: a role manager renamed the role they hold to one an app maps). Renaming a role with holders
 * changes each holder's claim: the group rename's rule.
 */
export async function assertMayRenameRoleHeldBy(tx: Db, actor: Actor, holderIds: readonly string[]): Promise<void> {
  await assertMayChangeClaimsOf(tx, actor, holderIds, { needsUsers: ROLE_RENAME_NEEDS_USERS, own: OWN_ROLE_RENAME });
}

/**
 * Giving a group a role gives it to each member (review 29: a network admin, groups:update without users:update,
 * gave the group they are in a role holding nothing, which an app maps to its admin): the rule of putting people
 * in a group, as nobody changes their own roles. Holding the role's permissions is asked too (assertMayGrantRoles).
 */
export async function assertMayGiveGroupRolesTo(tx: Db, actor: Actor, memberIds: readonly string[]): Promise<void> {
  await assertMayChangeClaimsOf(tx, actor, memberIds, { needsUsers: GROUP_ROLES_NEED_USERS, own: OWN_GROUP_ROLES });
}
