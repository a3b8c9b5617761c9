/** The user resource as the REST API returns it (NetBird's shape, snake_case). */
import type { Actor } from "@/lib/auth/actor";
import { permissionsOf } from "@/lib/auth/policy";
import type { UserRecord } from "./records";
import { userStatus } from "./status";

export function toApiUser(user: UserRecord, actor: Actor) {
  return {
    id: user.id,
    email: user.email ?? "",
    name: user.name,
    role: user.role,
    status: userStatus(user),
    last_login: user.lastLoginAt?.toISOString() ?? null,
    auto_groups: user.autoGroups,
    is_current: user.id === actor.userId,
    is_service_user: user.isServiceUser,
    is_blocked: user.isBlocked,
    /** Sign-in locked after too many failed attempts, until locked_until or an admin's unlock. */
    is_locked: !!user.lockedUntil && user.lockedUntil > new Date(),
    locked_until: user.lockedUntil && user.lockedUntil > new Date() ? user.lockedUntil.toISOString() : null,
    idp_id: user.idpId ?? "",
    created_at: user.createdAt.toISOString(),
  };
}

export function toApiCurrentUser(user: UserRecord, actor: Actor) {
  return { ...toApiUser(user, actor), permissions: permissionsOf(user.role) };
}
