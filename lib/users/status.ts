/**
 * A user's status as shown and filtered: blocked wins over waiting for
 * approval, that over locked, locked over everything else.
 */
import type { UserRecord } from "./records";

export const USER_STATUSES = ["active", "invited", "pending_approval", "blocked", "locked"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export function userStatus(user: Pick<UserRecord, "isBlocked" | "lockedUntil" | "pendingApproval">, now = new Date()): UserStatus {
  if (user.isBlocked) return "blocked";
  if (user.pendingApproval) return "pending_approval";
  if (user.lockedUntil && user.lockedUntil > now) return "locked";
  return "active";
}
