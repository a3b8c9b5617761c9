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
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(actor: Actor, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(actor.role);
}

export function assertCan(actor: Actor, permission: Permission, message?: string): void {
  if (!can(actor, permission)) throw new Forbidden(message);
}

/** Acting on one's own user is always allowed for self-service actions (own password, own sessions). */
export function assertSelf(actor: Actor, userId: string, message: string): void {
  if (actor.userId !== userId) throw new Forbidden(message);
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => (PERMISSIONS[p] as readonly Role[]).includes(role));
}
