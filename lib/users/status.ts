/** A user's status as shown and filtered: blocked wins over everything else. */
import type { UserRecord } from "./records";

export const USER_STATUSES = ["active", "invited", "blocked"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export function userStatus(user: Pick<UserRecord, "isBlocked">): UserStatus {
  return user.isBlocked ? "blocked" : "active";
}
