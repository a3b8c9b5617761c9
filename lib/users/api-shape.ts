/** The user resource as the REST API returns it (NetBird's shape, snake_case). */
import type { Actor } from "@/lib/auth/actor";
import { ALL_PERMISSIONS } from "@/lib/auth/permissions";
import { permissionsOfActor, tokenMayWrite, type Permission } from "@/lib/auth/policy";
import type { UserRecord } from "./records";
import type { RetiredUsername } from "./retired-usernames";

/** NetBird sends Go's zero time for "never"; its clients parse last_login unconditionally. */
export const NEVER = "0001-01-01T00:00:00Z";

/** NetBird's status enum: our sign-in lock is not a status there, so it shows as is_locked. */
export type ApiUserStatus = "active" | "invited" | "blocked";

/** As in NetBird, someone waiting for approval is blocked until approved (and says so in pending_approval). */
function apiStatus(user: Pick<UserRecord, "isBlocked" | "pendingApproval">): ApiUserStatus {
  return user.isBlocked || user.pendingApproval ? "blocked" : "active";
}

export function toApiUser(user: UserRecord, actor: Actor) {
  const now = new Date();
  const locked = !!user.lockedUntil && user.lockedUntil > now;
  return {
    id: user.id,
    // NetBird's schema requires a string: "" when the person has no email.
    email: user.email ?? "",
    /** Proven or vouched for (lib/users/records.ts sealEmail): what apps are told as email_verified. */
    email_verified: user.emailVerified,
    name: user.name,
    // usernames:
    username: user.username,
    role: user.role,
    status: apiStatus(user),
    last_login: user.lastLoginAt?.toISOString() ?? NEVER,
    auto_groups: user.autoGroups,
    is_current: user.id === actor.userId,
    is_service_user: user.isServiceUser,
    is_blocked: user.isBlocked || !!user.pendingApproval,
    /** Sign-in locked after too many failed attempts, until locked_until or an admin's unlock. */
    is_locked: locked,
    locked_until: locked ? user.lockedUntil!.toISOString() : null,
    pending_approval: !!user.pendingApproval,
    /** How the user came to be: through the API or dashboard ("api"), or an external sign-in ("integration"). */
    issued: user.idpId ? ("integration" as const) : ("api" as const),
    idp_id: user.idpId ?? "",
    created_at: user.createdAt.toISOString(),
    // two-factor: what second factors the user has (when the query read them).
    ...(user.mfa ? { mfa: { totp: user.mfa.totp, passkeys: user.mfa.passkeys, recovery_codes_left: user.mfa.recoveryCodesLeft } } : {}),
  };
}

type Operations = { read: boolean; create: boolean; update: boolean; delete: boolean };

/**
 * NetBird's permissions object: per module, what the caller may do. Derived
 * from the caller's effective permissions (lib/auth/permissions.ts), never
 * decided here. Every module of the catalogue is listed, plus NetBird's `pats`
 * (one's own tokens: always readable, writable unless the token is read-only).
 */
export function apiPermissions(held: ReadonlySet<Permission>, selfWrites: boolean): { is_restricted: boolean; modules: Record<string, Operations> } {
  const has = (p: string) => held.has(p as Permission);
  const modules: Record<string, Operations> = {};
  for (const permission of ALL_PERMISSIONS) {
    const module = permission.slice(0, permission.indexOf(":"));
    modules[module] ??= { read: has(`${module}:read`), create: has(`${module}:create`), update: has(`${module}:update`), delete: has(`${module}:delete`) };
  }
  // Changing users covers its specific operations (block, reset…) as NetBird's one "update" flag.
  modules.users.update ||= ["users:block", "users:reset_password", "users:unlock", "users:revoke_sessions"].some(has);
  modules.settings.update = has("settings:sign_in") || has("settings:security") || has("settings:email") || has("settings:appearance");
  modules.identity_providers = { read: has("identity_providers:read"), create: has("settings:sign_in"), update: has("settings:sign_in"), delete: has("settings:sign_in") };
  modules.pats = { read: true, create: selfWrites, update: selfWrites, delete: selfWrites };
  return {
    // Restricted: sees only themselves (NetBird: only their own peers).
    is_restricted: !has("users:read"),
    modules,
  };
}

export function toApiCurrentUser(user: UserRecord, actor: Actor) {
  return { ...toApiUser(user, actor), permissions: apiPermissions(permissionsOfActor(actor), tokenMayWrite(actor)) };
}

/** A held-back username (lib/users/retired-usernames.ts) as the API lists it. */
export function toApiRetiredUsername(retired: RetiredUsername) {
  return {
    id: retired.id,
    username: retired.username,
    retired_at: retired.retiredAt.toISOString(),
    held_until: retired.heldUntil.toISOString(),
    former_user_id: retired.formerUserId,
    former_user_name: retired.formerHolder?.name ?? null,
  };
}
