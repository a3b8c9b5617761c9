/** A user's status as shown and filtered: blocked wins over locked, locked over everything else. */
import type { UserRecord } from "./records";

export const USER_STATUSES = ["active", "invited", "blocked", "locked"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export function userStatus(user: Pick<UserRecord, "isBlocked" | "lockedUntil">, now = new Date()): UserStatus {
  if (user.isBlocked) return "blocked";
  if (user.lockedUntil && user.lockedUntil > now) return "locked";
  return "active";
}
