/**
 * Reading users, scoped to the actor's account and to whom the actor may see
 * (./visibility.ts): people with users:read, service users with
 * service_users:read, and themselves.
 */
import "server-only";
import { z } from "zod";
import { listParamsSchema, sortParamsSchema } from "@/lib/http/list-params";
import type { Actor } from "@/lib/auth/actor";
import { db } from "@/lib/db/database";
import { NotFound } from "@/lib/errors";
import { groupIdsByUser, groupIdsOfUser } from "@/lib/groups/membership";
import { lockOf, locksNow } from "@/lib/security/sign-in-throttle";
import { mfaSummariesOfPage, mfaSummary, NO_FACTORS } from "@/lib/mfa/records";
import { queryUserRows } from "./list-query";
import { groupIdsOfPage } from "./list-statements";
import { keptPage } from "./list-cache";
import { resolveRoleFilter } from "./role-filter";
import { findUserRow, openUser, usersByIds, type UserRecord } from "./records";
import { USER_SORT_KEYS } from "./sort";
import { USER_STATUSES } from "./status";
import { maySeeUser, seesOthers, userVisibility, type UserVisibility } from "./visibility";

const GO_TRUE = ["1", "t", "T", "true", "TRUE", "True"] as const;
const GO_FALSE = ["0", "f", "F", "false", "FALSE", "False"] as const;

/** List filters, shared by the Users page (URL) and GET /api/users (query string). */
export const userFiltersSchema = listParamsSchema.extend({
  /** A role of the account, built-in or custom, by id or exact name: the users who hold it (./role-filter.ts). */
  role: z.string().trim().min(1, { error: "role must name a role of this account" }).max(200).optional(),
  status: z.enum(USER_STATUSES, { error: `status must be one of: ${USER_STATUSES.join(", ")}` }).optional(),
  group: z.string().max(100).optional(),
  /** usernames: exactly this username (compared after NFKC + case folding). */
  username: z.string().max(200).optional(),
  /** Read as Go's strconv.ParseBool does, since NetBird's clients send it that way. */
  service_user: z
    .enum([...GO_TRUE, ...GO_FALSE], { error: "service_user must be true or false" })
    .transform((v) => (GO_TRUE as readonly string[]).includes(v))
    .optional(),
  /** two-factor: "on" (has a second factor) or "off". */
  mfa: z.enum(["on", "off"], { error: "mfa must be on or off" }).optional(),
}).extend(sortParamsSchema(USER_SORT_KEYS).shape);
export type UserFilters = z.output<typeof userFiltersSchema>;

export type UserList = { items: UserRecord[]; total: number };

/**
 * Users matching the filters, the caller first, then in creation order (or
 * in the order asked for, lib/users/sort.ts): one
 * page, filtered, searched and counted in the database (./list-query.ts), with
 * only the page's rows decrypted.
 */
export async function listUsers(actor: Actor, filters: UserFilters): Promise<UserList> {
  const sees = userVisibility(actor);
  // A page read again while nothing was written since is the page read before (./list-cache.ts, SQLite only);
  // not when the clock decides too (status). A whole list (no limit) is kept when it is short (keptPage's own limit).
  const keep = filters.status === undefined && filters.sort !== "status" && (filters.limit === undefined || filters.limit <= 100);
  return keptPage(keep ? JSON.stringify([actor.accountId, actor.userId, sees, filters]) : null, () => readUsers(actor, sees, filters));
}

async function readUsers(actor: Actor, sees: UserVisibility, filters: UserFilters): Promise<UserList> {
  // Only those who see people (users:read) are told a role name is unknown, as before (./role-filter.ts).
  const role = filters.role === undefined ? undefined : await resolveRoleFilter(db(), actor.accountId, filters.role, sees.people);
  const [page, locks] = await Promise.all([
    queryUserRows({
      accountId: actor.accountId,
      meId: actor.userId,
      sees,
      search: filters.search,
      role,
      status: filters.status,
      group: filters.group,
      serviceUser: filters.service_user,
      username: filters.username,
      mfa: filters.mfa === undefined ? undefined : filters.mfa === "on",
      offset: filters.offset,
      limit: filters.limit,
      sort: filters.sort ? { key: filters.sort, order: filters.order } : undefined,
    }),
    // Locks change with every failed sign-in, so they are read fresh (the few locked rows). The status filter and
    // sort, run in the query, see the email's and username's locks only (a second factor's index can't be joined on).
    locksNow(actor.accountId),
  ]);
  // A page's memberships and second factors in one query each; a whole list (no limit) reads the account's memberships at once.
  const ids = page.rows.map((row) => row.id);
  const [groupsByUser, factors] = await Promise.all([
    page.rows.length > 100 ? groupIdsByUser(db(), actor.accountId) : groupIdsOfPage(actor.accountId, ids),
    mfaSummariesOfPage(ids),
  ]);
  const items = page.rows.map((row) => {
    const user = openUser(row, groupsByUser.get(row.id) ?? [], lockOf(locks, row.id));
    user.mfa = factors.get(row.id) ?? NO_FACTORS;
    return user;
  });
  return { items, total: page.total };
}

/** One user, read fresh from the database; other accounts' ids and users the actor may not see are "not found". */
export async function getUser(actor: Actor, userId: string): Promise<UserRecord> {
  if (userId !== actor.userId && !seesOthers(actor)) throw new NotFound("User");
  const [row, groupIds, locks, mfa] = await Promise.all([
    findUserRow(db(), actor.accountId, userId),
    groupIdsOfUser(db(), actor.accountId, userId),
    locksNow(actor.accountId),
    mfaSummary(db(), userId),
  ]);
  if (!row || !maySeeUser(actor, row)) throw new NotFound("User");
  const user = openUser(row, groupIds, lockOf(locks, userId));
  user.mfa = mfa;
  return user;
}

/**
 * The caller's own name, email and whether they have a password here: what
 * the page shell shows on every dashboard page, from their row alone (not the
 * groups, sign-in lock and second factors getUser also reads).
 */
export async function ownIdentity(actor: Actor): Promise<Pick<UserRecord, "name" | "email" | "hasLocalPassword">> {
  const row = await findUserRow(db(), actor.accountId, actor.userId);
  if (!row) throw new NotFound("User");
  const { name, email, hasLocalPassword } = openUser(row, []);
  return { name, email, hasLocalPassword };
}

/** Some users by id, those the actor may see (./visibility.ts): for labels on lists of other things. */
export async function usersSeenBy(actor: Actor, ids: Iterable<string>): Promise<Map<string, UserRecord>> {
  const wanted = seesOthers(actor) ? [...ids] : [...ids].filter((id) => id === actor.userId);
  const found = await usersByIds(db(), actor.accountId, wanted);
  for (const [id, user] of found) if (!maySeeUser(actor, user)) found.delete(id);
  return found;
}
