/**
 * The rules for managing people, in one place. Each function throws the
 * reason a change is refused; the service calls them before it writes.
 *
 * - Each change needs its permission (users:update, users:block, …; service
 *   users' service_users:*), and giving a role needs holding its permissions
 *   (lib/auth/escalation.ts; acting on someone who holds more is refused there).
 * - Nobody blocks, deletes or changes the role of themselves; nobody but the
 *   owner changes their own groups (apps trust group names: escalation.ts).
 * - The owner can't be blocked, deleted or demoted, and only the owner changes
 *   the owner's account. Only the owner gives the owner role, which transfers
 *   ownership (the old owner becomes an admin).
 */
import type { Actor } from "@/lib/auth/actor";
import { assertMayChangeOwnGroups, assertMayGrantRole } from "@/lib/auth/escalation";
import { assertCan, assertMayWrite, can, type Permission } from "@/lib/auth/policy";
import type { Role } from "@/lib/db/schema";
import { Forbidden, Invalid, NotFound, PreconditionFailed } from "@/lib/errors";
import type { UserRecord } from "./records";
import { maySeeUser } from "./visibility";

const MANAGE_DENIED = "You don't have permission to manage users";

/** Service users are their own module (NetBird's service_users). */
function permissionFor(target: { isServiceUser: boolean }, operation: "create" | "update" | "delete" | "block"): Permission {
  if (target.isServiceUser) return operation === "block" ? "service_users:update" : `service_users:${operation}`;
  return `users:${operation}`;
}

/**
 * A service user the actor can't see (./visibility.ts) is "not found" to a refusal past the route's own
 * permission, as it is to a read: "forbidden" would say which ids are service users.
 */
function assertNotHiddenServiceUser(actor: Actor, target: Pick<UserRecord, "id" | "isServiceUser">): void {
  if (target.isServiceUser && !maySeeUser(actor, target)) throw new NotFound("User");
}

/**
 * Acting on an existing user needs the permission for their kind (a person's users:*, a service user's
 * service_users:*). A people manager refused on a service user they can't see is told "not found"; lacking the
 * people permission itself is the route's own 403, whoever the target is.
 */
export function assertCanActOn(actor: Actor, target: Pick<UserRecord, "id" | "isServiceUser">, operation: "update" | "delete" | "block"): void {
  if (can(actor, permissionFor(target, operation))) return;
  if (can(actor, `users:${operation}`)) assertNotHiddenServiceUser(actor, target);
  throw new Forbidden(MANAGE_DENIED);
}

function assertNotOwnerUnlessOwner(actor: Actor, target: UserRecord): void {
  if (target.role === "owner" && actor.role !== "owner") {
    throw new Forbidden("Only the owner can change the owner's account");
  }
}

export function assertCanCreateUser(actor: Actor, role: Role, isServiceUser = false): void {
  assertCan(actor, permissionFor({ isServiceUser }, "create"), MANAGE_DENIED);
  if (role === "owner") {
    throw new Invalid("The owner role can't be given to a new user", {
      role: ["The owner role can't be given to a new user; transfer ownership to an existing user instead"],
    });
  }
  assertMayGrantRole(actor, role);
}

/** Inviting someone (and renewing their link): invites:create, and the role is one the actor may give. */
export function assertCanInvite(actor: Actor, role: Role): void {
  assertCan(actor, "invites:create", "You don't have permission to invite people");
  if (role === "owner") {
    throw new Invalid("The owner role can't be given to a new user", {
      role: ["The owner role can't be given to a new user; transfer ownership to an existing user instead"],
    });
  }
  assertMayGrantRole(actor, role);
}

export type UserChange = {
  profile: boolean; // name, email or groups
  /** The person's groups change (joining or leaving one). */
  groups?: boolean;
  /** The email changes (part of the profile, and more: see below). */
  email?: boolean;
  /** Whether the email counts as proven changes (marked confirmed or not, or a new address kept proven): vouching. */
  emailProof?: boolean;
  role?: Role;
  isBlocked?: boolean;
  /** An admin blocks someone the directory check already blocked: the block becomes theirs (a block, for the rules). */
  adoptsBlock?: boolean;
};

const EMAIL_NEEDS_RESET = "Changing someone's email needs permission to reset passwords";
export const OWN_EMAIL_FROM_PROFILE = "Change your own email in Profile: it asks for your password and confirms the new address";

/**
 * Why this person's email (and whether it is proven) isn't Latchkey's to set: a service user has none, a
 * provider's user gets theirs from the provider. Null when it is.
 */
export function emailNotOurs(target: Pick<UserRecord, "isServiceUser" | "idpId">): string | null {
  if (target.isServiceUser) return "Service users have no email";
  return target.idpId ? "The email of a user from an identity provider comes from the provider" : null;
}

/**
 * Whether an address this actor sets or marks confirmed is vouched for: they hold users:reset_password, as
 * changing someone else's email requires, so they could set it on anyone. (One's own address changes only
 * through Profile, where a link to the new address proves it.)
 */
export function vouchesForEmail(actor: Actor): boolean {
  return can(actor, "users:reset_password");
}

export const EMAIL_PROOF_NEEDS_RESET = "Marking an email confirmed or not needs permission to reset passwords";
const PENDING_NOT_OWNER = "Approve this person before transferring ownership to them";

export function assertCanUpdateUser(actor: Actor, target: UserRecord, change: UserChange): void {
  const self = actor.userId === target.id;
  const roleChanges = change.role !== undefined && change.role !== target.role;
  const blockChanges = (change.isBlocked !== undefined && change.isBlocked !== target.isBlocked) || change.adoptsBlock === true;
  if (change.profile || roleChanges || !blockChanges) assertCanActOn(actor, target, "update");
  if (blockChanges) assertCanActOn(actor, target, "block");
  // Whoever reads the new address can reset the password ("Forgot password?" mails it there): setting
  // someone else's email is resetting their password, and needs that permission too.
  if (change.email && !self) assertCan(actor, "users:reset_password", EMAIL_NEEDS_RESET);
  // One's own address moves only with proof (Profile's email change: the current password, then a link to
  // the new address): here a stolen session or a token scoped to users:update would move it and then take
  // the account through "Forgot password?".
  if (change.email && self) throw new Forbidden(OWN_EMAIL_FROM_PROFILE);
  // Apps trust email_verified to link accounts (and refuse an unproven one): marking an address confirmed or
  // not, one's own included, is the same power.
  if (change.emailProof) assertCan(actor, "users:reset_password", EMAIL_PROOF_NEEDS_RESET);
  assertNotOwnerUnlessOwner(actor, target);
  if (self && roleChanges) throw new Forbidden("You can't change your own role");
  if (self && change.groups) assertMayChangeOwnGroups(actor);
  if (self && blockChanges) throw new Forbidden("You can't block yourself");
  if (blockChanges) assertBlockable(target);
  if (target.role === "owner" && roleChanges) {
    throw new Forbidden("The owner can't be demoted; transfer ownership to another user instead");
  }
  if (roleChanges && change.role === "owner") {
    if (actor.role !== "owner") throw new Forbidden("Only the owner can give the owner role");
    assertCan(actor, "users:transfer_ownership", "Only the owner can give the owner role");
    if (target.isServiceUser) throw new Invalid("A service user can't be the owner", { role: ["A service user can't be the owner"] });
    if (target.isBlocked || change.isBlocked) {
      throw new PreconditionFailed("Unblock this user before transferring ownership to them");
    }
    // Someone still waiting can't sign in, and nobody outranks an owner to let them in.
    if (target.pendingApproval) throw new PreconditionFailed(PENDING_NOT_OWNER);
  } else if (roleChanges) {
    // Nobody grants what they don't hold, nor takes away what they don't hold.
    assertMayGrantRole(actor, change.role!);
    assertMayGrantRole(actor, target.role);
  }
}

/**
 * Whether this change makes someone else the owner from a browser session, which first proves it's the owner
 * (lib/mfa/proof.ts; lib/users/lifecycle.ts updateUser): a stolen cookie would otherwise hand the account to
 * an address its thief invited. An access token isn't asked (automation, as for creating tokens), and a
 * non-owner's attempt is refused by assertCanUpdateUser without being asked for a password.
 */
export function transferNeedsProof(actor: Actor, userId: string, role: Role | undefined): boolean {
  return actor.kind === "session" && role === "owner" && userId !== actor.userId && actor.role === "owner";
}

/** The owner can't be blocked, by anyone or anything (an admin, the API, the CLI, the directory check). */
export function assertBlockable(target: Pick<UserRecord, "role">): void {
  if (target.role === "owner") throw new Forbidden("The owner can't be blocked");
}

export function assertCanDeleteUser(actor: Actor, target: UserRecord): void {
  assertCanActOn(actor, target, "delete");
  if (actor.userId === target.id) throw new Forbidden("You can't delete yourself");
  if (target.role === "owner") throw new Forbidden("The owner can't be deleted");
}

export function assertCanResetPassword(actor: Actor, target: UserRecord): void {
  assertCan(actor, "users:reset_password", "You don't have permission to reset passwords");
  assertNotHiddenServiceUser(actor, target);
  assertNotOwnerUnlessOwner(actor, target);
  if (actor.userId === target.id) throw new Forbidden("Use “Change password” to change your own password");
  if (!target.hasLocalPassword || target.isServiceUser) {
    throw new PreconditionFailed("This user has no local password; they sign in through an identity provider");
  }
}

/**
 * People may end their own sessions; ending someone else's is user management. Ending a service user's tokens
 * with it (`withTokens`) is managing its tokens, as deleting them one by one is (lib/tokens/rules.ts).
 */
export function assertCanRevokeSessions(actor: Actor, target: UserRecord, withTokens = false): void {
  assertMayWrite(actor);
  if (actor.userId === target.id) return;
  assertCan(actor, "users:revoke_sessions", "You don't have permission to sign other people out");
  assertNotHiddenServiceUser(actor, target);
  assertNotOwnerUnlessOwner(actor, target);
  // As deleting a service user's tokens one by one asks (lib/tokens/rules.ts assertCanManageTokens; not imported:
  // lib/tokens builds on lib/users).
  if (withTokens && target.isServiceUser) assertCan(actor, "tokens:delete", "You don't have permission to manage service users' tokens");
}

/** Unlocking sign-in (after too many failures) is user management; it is allowed for anyone's account, the owner's too. */
export function assertCanUnlockUser(actor: Actor): void {
  assertCan(actor, "users:unlock", "You don't have permission to unlock sign-in");
}

/** Whether a rule check passes, for showing only the actions that would succeed. */
export function allows(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (err) {
    if (err instanceof Forbidden || err instanceof Invalid || err instanceof PreconditionFailed || err instanceof NotFound) return false;
    throw err;
  }
}
