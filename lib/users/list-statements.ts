/**
 * The users list's statements that every list request runs, built once per
 * database with placeholders instead of by Drizzle's builder on every call.
 *
 * Why: a token `GET /api/users?limit=25` ran six statements, and building them
 * (Drizzle's SQL builder, its entity checks) cost about as much CPU as running
 * them and decrypting the page together. Prepared here (lib/db/prepared.ts),
 * a request only binds values; a page's ids are one bound value.
 *
 * Only reads of committed data (db()); never inside a unit of work.
 */
import "server-only";
import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/database";
import { idSetValue, inIdSet, literalLimit, perDatabase, type PreparedRows } from "@/lib/db/prepared";
import { userCounts, userGroups, users, type UserRow } from "@/lib/db/schema";

type Prepared<R> = PreparedRows<R>;

type Kind = boolean | undefined;
const KINDS = ["all", "people", "service"] as const;
const kindKey = (kind: Kind) => KINDS[kind === undefined ? 0 : kind ? 2 : 1];

function unfilteredStatements(d: Db) {
  const build = (kind: Kind) => {
    const account = eq(users.accountId, sql.placeholder("accountId"));
    const ofKind = kind === undefined ? undefined : eq(users.isServiceUser, kind);
    return {
      me: d.select().from(users).where(and(account, ofKind, eq(users.id, sql.placeholder("meId")))).limit(literalLimit(1)).prepare() as unknown as Prepared<UserRow>,
      others: d
        .select()
        .from(users)
        .where(and(account, ofKind, ne(users.id, sql.placeholder("meId"))))
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(sql.placeholder("limit"))
        .offset(sql.placeholder("offset"))
        .prepare() as unknown as Prepared<UserRow>,
    };
  };
  return { all: build(undefined), people: build(false), service: build(true) };
}

const unfiltered = perDatabase(unfilteredStatements);

/** The caller's row when it is of that kind (every user: undefined), for an unfiltered list. */
export async function unfilteredMe(accountId: string, meId: string, kind: Kind): Promise<UserRow | undefined> {
  const [me] = await unfiltered()[kindKey(kind)].me.execute({ accountId, meId });
  return me;
}

/** The others of that kind in creation order, `limit` from `offset`, through users_account_[service_]created_idx. */
export async function unfilteredOthers(accountId: string, meId: string, kind: Kind, offset: number, limit: number): Promise<UserRow[]> {
  return unfiltered()[kindKey(kind)].others.execute({ accountId, meId, limit, offset });
}

const storedCounts = perDatabase(
  (d) =>
    d
      .select({ isServiceUser: userCounts.isServiceUser, count: userCounts.count })
      .from(userCounts)
      .where(eq(userCounts.accountId, sql.placeholder("accountId")))
      .prepare() as unknown as Prepared<{ isServiceUser: boolean; count: number | string }>,
);

/** As ./user-counts.ts storedUserCount (null: not counted yet), from the prepared statement. */
export async function storedCount(accountId: string, kind: Kind): Promise<number | null> {
  const found = (await storedCounts().execute({ accountId })).filter((row) => kind === undefined || row.isServiceUser === kind);
  if (found.length < (kind === undefined ? 2 : 1)) return null;
  return found.reduce((sum, row) => sum + Number(row.count), 0);
}

const pageGroups = perDatabase(
  (d) =>
    d
      .select({ userId: userGroups.userId, groupId: userGroups.groupId })
      .from(userGroups)
      .where(and(eq(userGroups.accountId, sql.placeholder("accountId")), inIdSet(userGroups.userId, "ids")))
      .prepare() as unknown as Prepared<{ userId: string; groupId: string }>,
);

/** The groups of a page's users, as lib/groups/membership.ts groupIdsByUser returns them. */
export async function groupIdsOfPage(accountId: string, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>();
  if (userIds.length === 0) return byUser;
  for (const { userId, groupId } of await pageGroups().execute({ accountId, ids: idSetValue(userIds) })) {
    const list = byUser.get(userId);
    if (list) list.push(groupId);
    else byUser.set(userId, [groupId]);
  }
  return byUser;
}
