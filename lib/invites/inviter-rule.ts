/**
 * "An invite is only as good as its inviter": a pending invite is usable while
 * its inviter exists, isn't blocked, still holds invites:create (from any role:
 * primary, extra, or a group's) and still holds everything the invite gives: its
 * role's permissions and those of every role its groups grant now, and, for an
 * invite into groups, the power to change people's groups. Issuing an
 * invite (lib/invites/invites.ts assertMayIssueInvite), every way of accepting
 * one (the link, an external sign-in) and the withdrawal of invites whenever
 * someone's permissions or a group's roles change (./reactions.ts) ask this one
 * rule, so the Invites list never shows one that can't be used.
 *
 * What an accepted link says about the invite's email is here too (inviterVouchesForEmail): the link goes
 * back to its creator, so only an inviter who could have created the person directly vouches for it.
 */
import "server-only";
import { permissionsOfRoles, resolvePermissions, rolesGrantedByGroups } from "@/lib/auth/effective-permissions";
import { CHANGES_GROUPS } from "@/lib/auth/escalation";
import { BUILT_IN_ROLES, builtInPermissions, type Permission } from "@/lib/auth/permissions";
import type { Db, Tx } from "@/lib/db/database";
import type { Role } from "@/lib/db/schema";
import { findUserRow } from "@/lib/users/records";
import { madeByOperator, type InviteRecord } from "./records";

/** What an invite gives its invitee. */
export type InviteGrant = { role: Role; autoGroups: readonly string[] };

/** Everything an invite gives, as it stands now: its role's permissions and those of the roles its groups grant. */
export async function permissionsInviteGives(q: Db | Tx, accountId: string, grant: InviteGrant): Promise<Set<Permission>> {
  const viaGroups = await permissionsOfRoles(q, accountId, await rolesGrantedByGroups(q, accountId, grant.autoGroups));
  return new Set([...BUILT_IN_ROLES[grant.role].permissions, ...viaGroups]);
}

/**
 * The permissions of someone who may still invite (exists, isn't blocked, holds invites:create), or null.
 * Split from mayInvite so that a check of many invites by one inviter resolves them once.
 */
export async function invitingPermissions(q: Db | Tx, accountId: string, userId: string): Promise<ReadonlySet<Permission> | null> {
  // An operator's command (./records.ts madeByOperator): the system actor holds the owner's built-in permissions
  // (lib/auth/system-actor.ts) for as long as the instance runs; no person whose leaving should end the invite.
  if (madeByOperator({ createdBy: userId })) return builtInPermissions("owner");
  const inviter = await findUserRow(q, accountId, userId);
  if (!inviter || inviter.isBlocked) return null;
  const held = await resolvePermissions(q, { accountId, userId: inviter.id, role: inviter.role });
  return held.has("invites:create") ? held : null;
}

/**
 * Whether `held` covers the grant: never the owner role (ownership is transferred), nothing beyond what is held,
 * and groups only from someone who may change people's groups (lib/auth/escalation.ts assertMayPutInGroups: apps
 * trust group names, and the link goes back to its inviter, who could accept it themselves).
 */
export async function grantWithin(q: Db | Tx, accountId: string, held: ReadonlySet<Permission>, grant: InviteGrant): Promise<boolean> {
  if (grant.role === "owner") return false;
  if (grant.autoGroups.length > 0 && !held.has(CHANGES_GROUPS)) return false;
  for (const p of await permissionsInviteGives(q, accountId, grant)) if (!held.has(p)) return false;
  return true;
}

/** Whether this user may (still) invite at all, or, given an invite's grant, may (still) give what it gives. */
export async function mayInvite(q: Db | Tx, accountId: string, userId: string, grant?: InviteGrant): Promise<boolean> {
  const held = await invitingPermissions(q, accountId, userId);
  if (!held) return false;
  return !grant || grantWithin(q, accountId, held, grant);
}

export function inviterStillMayInvite(q: Db | Tx, invite: InviteRecord): Promise<boolean> {
  return mayInvite(q, invite.accountId, invite.createdBy, invite);
}

/**
 * Whether accepting this invite through its link proves its email (lib/users/records.ts sealEmail). The
 * link is also handed to its creator (createInvite returns it, mailed or not), so following it proves
 * only that someone had the link: the address is vouched for when the inviter, now, could have created
 * the person with it directly (holds users:create, resolved like any permission: primary, extra and group
 * roles). An inviter with invites:create alone (a recruiter role) leaves it unproven, to be confirmed by mail.
 */
export async function inviterVouchesForEmail(q: Db | Tx, invite: InviteRecord): Promise<boolean> {
  if (!invite.email) return false;
  const held = await invitingPermissions(q, invite.accountId, invite.createdBy);
  return held !== null && held.has("users:create");
}
