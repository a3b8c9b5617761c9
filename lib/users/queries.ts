/**
 * Reading users, scoped to the actor's account and to what the actor's role
 * may see: the owner, admins and auditors see everyone; users see themselves.
 */
import "server-only";
import { z } from "zod";
import { listParamsSchema, pageOf } from "@/lib/http/list-params";
import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import { db } from "@/lib/db/database";
import { ROLES } from "@/lib/db/schema";
import { NotFound } from "@/lib/errors";
import { groupIdsOfUser } from "@/lib/groups/membership";
import { lockedUsers } from "@/lib/auth/sign-in-throttle";
import { directoryEntries, type DirectoryEntry } from "./directory";
import { findUserRow, openUser, type UserRecord } from "./records";
import { USER_STATUSES, userStatus } from "./status";

const GO_TRUE = ["1", "t", "T", "true", "TRUE", "True"] as const;
const GO_FALSE = ["0", "f", "F", "false", "FALSE", "False"] as const;

/** List filters, shared by the Users page (URL) and GET /api/users (query string). */
export const userFiltersSchema = listParamsSchema.extend({
  role: z.enum(ROLES, { error: `role must be one of: ${ROLES.join(", ")}` }).optional(),
  status: z.enum(USER_STATUSES, { error: `status must be one of: ${USER_STATUSES.join(", ")}` }).optional(),
  group: z.string().max(100).optional(),
  /** Read as Go's strconv.ParseBool does, since NetBird's clients send it that way. */
  service_user: z
    .enum([...GO_TRUE, ...GO_FALSE], { error: "service_user must be true or false" })
    .transform((v) => (GO_TRUE as readonly string[]).includes(v))
    .optional(),
});
export type UserFilters = z.output<typeof userFiltersSchema>;

export type UserList = { items: UserRecord[]; total: number };

function matcher(filters: UserFilters, locks: Map<string, Date>): (u: DirectoryEntry) => boolean {
  const needle = filters.search?.toLowerCase();
  return (u) =>
    (!needle || u.searchText.includes(needle)) &&
    (!filters.role || u.role === filters.role) &&
    (!filters.status || userStatus({ isBlocked: u.isBlocked, pendingApproval: u.pendingApproval, lockedUntil: locks.get(u.id) }) === filters.status) &&
    (!filters.group || u.autoGroups.includes(filters.group)) &&
    (filters.service_user === undefined || u.isServiceUser === filters.service_user);
}

/** Users matching the filters: the caller first, then in creation order. */
export async function listUsers(actor: Actor, filters: UserFilters): Promise<UserList> {
  // Locks change with every failed sign-in, so they are read fresh (the few locked rows), not cached.
  const [entries, locks] = await Promise.all([directoryEntries(actor.accountId), lockedUsers(actor.accountId)]);
  const matches = matcher(filters, locks);
  const me = entries.get(actor.userId);
  const found: UserRecord[] = me && matches(me) ? [me] : [];
  if (can(actor, "users:read-all")) {
    for (const entry of entries.values()) if (entry !== me && matches(entry)) found.push(entry);
  }
  const items = pageOf(found, filters).map((u) => ({ ...u, lockedUntil: locks.get(u.id) ?? null }));
  return { items, total: found.length };
}

/** One user, read fresh from the database; other accounts' ids and hidden users are "not found". */
export async function getUser(actor: Actor, userId: string): Promise<UserRecord> {
  if (userId !== actor.userId && !can(actor, "users:read-all")) throw new NotFound("User");
  const [row, groupIds, locks] = await Promise.all([
    findUserRow(db(), actor.accountId, userId),
    groupIdsOfUser(db(), actor.accountId, userId),
    lockedUsers(actor.accountId),
  ]);
  if (!row) throw new NotFound("User");
  return { ...openUser(row, groupIds), lockedUntil: locks.get(userId) ?? null };
}
