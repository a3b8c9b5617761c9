/**
 * One page of an account's users, filtered, searched and counted in the
 * database: the caller first, then in creation order. Nothing is decrypted
 * but the page, and the candidates of a search the index can't answer alone.
 *
 * - Filters (role, service user, group, status) are SQL conditions.
 * - A search goes through the searchable encrypted index
 *   (lib/data/search-index.ts). A 1–3 character query is answered by the index
 *   itself, so counting and paging stay in SQL. A longer query's candidates are
 *   decrypted and confirmed (lib/crypto/search-terms.ts matchesSearch), then
 *   paged here. A role matching the query counts too, as before.
 * - Until the start-up backfill has indexed the account's users
 *   (lib/data/search-backfill.ts), a search decrypts and filters every user,
 *   a batch at a time: slow but right, for the minutes after an upgrade.
 * - The caller goes first when they match: their row is read on its own, and
 *   the others are paged by (created_at, id) through the users_account_created
 *   index, so the first page never sorts the whole table.
 * - An explicit sort (./sort.ts) has no "caller first": role, status, last
 *   login and creation order in SQL (or, for matches gathered here, by values
 *   read for them); name, email and username are decrypted and sorted here, only when
 *   the matches are at most NAME_SORT_LIMIT (otherwise Invalid on "sort").
 */
import "server-only";
import { and, asc, desc, eq, gt, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import { matchesSearch, normaliseSearchText } from "@/lib/crypto/search-terms";
import { usernameBlindIndexes } from "@/lib/crypto/blind-index";
import { backfillCursor } from "@/lib/data/search-backfill";
import { candidateSet, countCandidates, type CandidateSet } from "@/lib/data/search-index";
import { db, dialect } from "@/lib/db/database";
import { rows } from "@/lib/db/raw";
import { groupRoles, mfaPasskeys, mfaTotp, ROLES, signInLockouts, userGroups, userRoles, users, type Role, type UserRow } from "@/lib/db/schema";
import type { RoleFilter } from "./role-filter";
import { Invalid } from "@/lib/errors";
import { openIdentity } from "./records";
import { compareSorted, DECRYPTED_SORT_KEYS, NAME_SORT_LIMIT, type SortValue, type UserSort } from "./sort";
import { USERS_SCOPE } from "./search-source";
import { storedUserCount } from "./user-counts";
import { storedCount, unfilteredMe, unfilteredOthers } from "./list-statements";
import type { UserStatus } from "./status";
import type { UserVisibility } from "./visibility";

export type UserListQuery = {
  accountId: string;
  /** The caller: listed first when they match. */
  meId: string;
  /** Whom the caller may see besides themselves (./visibility.ts): the list and its total hold no one else. */
  sees: UserVisibility;
  search?: string;
  /** Users who hold this role: primary, extra, or through a group (./role-filter.ts). */
  role?: RoleFilter;
  status?: UserStatus;
  group?: string;
  serviceUser?: boolean;
  /** usernames: exactly this username. */
  username?: string;
  /** two-factor: only users with (true) or without (false) a second factor. */
  mfa?: boolean;
  offset: number;
  /** Undefined: every match from offset on. */
  limit?: number;
  /** Undefined: the caller first, then creation order. */
  sort?: UserSort;
  now?: Date;
};

export type UserRowPage = { rows: UserRow[]; total: number };

/** Above this many candidates a page walks users in creation order testing each, instead of collecting the candidates first. */
const WALK_ABOVE = 2_000;
/** Ids per IN (…) when reading rows by id. */
const ID_CHUNK = 500;

/** The sign-in lock, as lib/security/sign-in-throttle.ts locksNow reads it: a lockout on the user's email or username that hasn't ended. */
function lockedCondition(accountId: string, now: Date): SQL {
  return sql`EXISTS (SELECT 1 FROM ${signInLockouts} WHERE ${signInLockouts.accountId} = ${accountId} AND (${signInLockouts.emailIndex} = ${users.emailIndex} OR ${signInLockouts.emailIndex} = ${users.usernameIndex}) AND ${signInLockouts.lockedUntil} > ${now.getTime()})`;
}

/** The extra and group holders of the role: one uncorrelated set, read once per query (not two lookups per user row). */
function roleHolders(accountId: string, role: RoleFilter): SQL {
  return sql`SELECT ${userRoles.userId} FROM ${userRoles} WHERE ${userRoles.accountId} = ${accountId} AND ${userRoles.roleId} = ${role.id} UNION SELECT ${userGroups.userId} FROM ${userGroups} JOIN ${groupRoles} ON ${groupRoles.groupId} = ${userGroups.groupId} WHERE ${groupRoles.accountId} = ${accountId} AND ${groupRoles.roleId} = ${role.id}`;
}

/** Holds the role: as primary role (built-in roles only), as an extra role, or through a group that grants it. */
function holdsRole(accountId: string, role: RoleFilter): SQL {
  const extraOrViaGroup = sql`${users.id} IN (${roleHolders(accountId, role)})`;
  return role.builtIn ? or(eq(users.role, role.id as Role), extraOrViaGroup)! : extraOrViaGroup;
}

/**
 * The users asked for (by the service user filter) that the caller may not see, kept out: undefined when
 * they may see all of them. A caller who sees one kind sees that kind and themselves, whatever their own kind.
 */
function visibleOnly(q: UserListQuery): SQL | undefined {
  const { people, serviceUsers } = q.sees;
  if ((q.serviceUser === true || people) && (q.serviceUser === false || serviceUsers)) return undefined;
  if (!people && !serviceUsers) return eq(users.id, q.meId);
  return or(eq(users.isServiceUser, serviceUsers), eq(users.id, q.meId));
}

/** SQL for the filters other than search; null when nothing can match. */
function filterConditions(q: UserListQuery, { role = true } = {}): SQL[] | null {
  const conditions: SQL[] = [eq(users.accountId, q.accountId)];
  const visible = visibleOnly(q);
  if (visible) conditions.push(visible);
  if (q.role && role) conditions.push(holdsRole(q.accountId, q.role));
  // usernames: the exact filter (?username=X), compared as usernames are (NFKC + case folding) through the index.
  if (q.username !== undefined) conditions.push(inArray(users.usernameIndex, usernameBlindIndexes(q.username)));
  if (q.serviceUser !== undefined) conditions.push(eq(users.isServiceUser, q.serviceUser));
  if (q.mfa !== undefined) {
    // two-factor: an authenticator app or at least one passkey.
    const withFactor = sql`(EXISTS (SELECT 1 FROM ${mfaTotp} WHERE ${mfaTotp.userId} = ${users.id} AND ${mfaTotp.confirmedAt} IS NOT NULL) OR EXISTS (SELECT 1 FROM ${mfaPasskeys} WHERE ${mfaPasskeys.userId} = ${users.id}))`;
    conditions.push(q.mfa ? withFactor : sql`NOT ${withFactor}`);
  }
  if (q.group) {
    conditions.push(sql`EXISTS (SELECT 1 FROM ${userGroups} WHERE ${userGroups.userId} = ${users.id} AND ${userGroups.groupId} = ${q.group})`);
  }
  if (q.status) {
    const locked = lockedCondition(q.accountId, q.now ?? new Date());
    const open = [eq(users.isBlocked, false), eq(users.pendingApproval, false)];
    switch (q.status) {
      case "blocked":
        conditions.push(eq(users.isBlocked, true));
        break;
      case "pending_approval":
        conditions.push(eq(users.isBlocked, false), eq(users.pendingApproval, true));
        break;
      case "locked":
        conditions.push(...open, locked);
        break;
      case "active":
        conditions.push(...open, sql`NOT ${locked}`);
        break;
      default:
        return null; // "invited" is an invite, never a user (lib/users/status.ts)
    }
  }
  return conditions;
}

async function countWhere(where: SQL | undefined): Promise<number> {
  const [row] = await db()
    .select({ n: sql<number | string>`CAST(count(*) AS INTEGER)` })
    .from(users)
    .where(where);
  return Number(row?.n ?? 0);
}

/**
 * The page when SQL decides the matches: the caller's row first, then the
 * others by (created_at, id). `knownTotal`: the number of matches, when the
 * caller already knows it (the index's count), so it isn't counted again.
 */
async function pageInSql(q: UserListQuery, where: SQL | undefined, knownTotal?: number, idsFirst = false): Promise<UserRowPage> {
  if (q.sort) return sortedPageInSql(q, q.sort, where, knownTotal);
  const [me] = await db()
    .select()
    .from(users)
    .where(and(where, eq(users.id, q.meId)))
    .limit(1);
  const others = and(where, ne(users.id, q.meId));
  // Counted without the "not me" condition: the caller matches `where` exactly when `me` was found, and an
  // inequality on the id would make SQLite read the id of every row it counts (1.7× the time at 100k users).
  const total = knownTotal ?? (await countWhere(where));
  const meFirst = me && q.offset === 0;
  const offset = me ? Math.max(0, q.offset - 1) : q.offset;
  const limit = q.limit === undefined ? undefined : meFirst ? q.limit - 1 : q.limit;
  let rows: UserRow[] = [];
  if (limit === undefined || limit > 0) {
    if (idsFirst) {
      // A walk that tests each row: through the (account, [service user,] created_at, id) index alone, then
      // the page's rows by id, so the rows walked past are never read (on PostgreSQL, a heap fetch each).
      const ids = await db()
        .select({ id: users.id })
        .from(users)
        .where(others)
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(limit ?? Number.MAX_SAFE_INTEGER)
        .offset(offset);
      rows = await rowsById(q.accountId, ids.map((r) => r.id));
    } else {
      const query = db().select().from(users).where(others).orderBy(asc(users.createdAt), asc(users.id));
      // No limit: every row from the offset on (SQLite refuses OFFSET without LIMIT; both take a huge one).
      rows = await query.limit(limit ?? Number.MAX_SAFE_INTEGER).offset(offset);
    }
  }
  return { rows: meFirst ? [me, ...rows] : rows, total };
}

/**
 * pageInSql for a list without filters (every user, people or service users) in the usual order:
 * the most common list (the first page of Team → Users, a token's GET /api/users), so its statements
 * are prepared once (./list-statements.ts) and the total is the stored count.
 */
async function unfilteredPage(q: UserListQuery): Promise<UserRowPage> {
  const stored = await storedCount(q.accountId, q.serviceUser);
  const total = stored ?? (await countWhere(and(eq(users.accountId, q.accountId), q.serviceUser === undefined ? undefined : eq(users.isServiceUser, q.serviceUser))));
  // As pageInSql: the caller first on the first page, the others from the offset less one when the caller matches.
  const me = await unfilteredMe(q.accountId, q.meId, q.serviceUser);
  const meFirst = me !== undefined && q.offset === 0;
  const offset = me ? Math.max(0, q.offset - 1) : q.offset;
  const wanted = q.limit ?? Number.MAX_SAFE_INTEGER;
  const limit = meFirst ? wanted - 1 : wanted;
  const others = limit > 0 ? await unfilteredOthers(q.accountId, q.meId, q.serviceUser, offset, limit) : [];
  return { rows: meFirst ? [me, ...others] : others, total };
}

/**
 * pageInSql for a role filter without a search, in the usual order. "Holds the role" is two disjoint sets:
 * those whose primary role it is, walked in creation order through
 * users_account_[service_]role_created_idx without reading or sorting the others (a role held by 20,000 of
 * 100,000 users), and the usually few extra and group-granted holders. Each set is counted on its own
 * (the sum is exact: they don't overlap) and gives its first offset + limit ids in order; the page is
 * their merge. Where a search drives the read, holdsRole's single condition stays.
 */
async function rolePage(q: UserListQuery, base: SQL, role: RoleFilter): Promise<UserRowPage> {
  const [me] = await db()
    .select()
    .from(users)
    .where(and(base, eq(users.id, q.meId), holdsRole(q.accountId, role)))
    .limit(1);
  const primary = role.builtIn ? and(base, eq(users.role, role.id as Role))! : null;
  const others = role.builtIn ? and(base, ne(users.role, role.id as Role))! : base;
  // The extra and group holders drive the read (one primary-key seek each): left to itself, SQLite's planner
  // walks the account's index testing each user against the set (10 ms at 100,000 users).
  const fromHolders = <T>(select: SQL, where: SQL, tail: SQL = sql``) =>
    rows<T>(db(), sql`SELECT ${select} FROM (${roleHolders(q.accountId, role)}) AS h CROSS JOIN ${users} WHERE ${users.id} = h.user_id AND ${where} ${tail}`);
  const [primaryCount, [held]] = await Promise.all([primary ? countWhere(primary) : 0, fromHolders<{ n: number | string }>(sql`CAST(count(*) AS INTEGER) AS "n"`, others)]);
  const heldCount = Number(held?.n ?? 0);
  const total = primaryCount + heldCount;
  const meFirst = me && q.offset === 0;
  const offset = me ? Math.max(0, q.offset - 1) : q.offset;
  const limit = q.limit === undefined ? undefined : meFirst ? q.limit - 1 : q.limit;
  let rows_: UserRow[] = [];
  if (limit === undefined || limit > 0) {
    // Each set's first offset + limit in creation order (by its index for the primary holders), merged.
    const end = limit === undefined ? Number.MAX_SAFE_INTEGER : offset + limit;
    const [byPrimary, byHolding] = await Promise.all([
      primary && primaryCount > 0
        ? db()
            .select({ id: users.id, createdAt: users.createdAt })
            .from(users)
            .where(and(primary, ne(users.id, q.meId)))
            .orderBy(asc(users.createdAt), asc(users.id))
            .limit(end)
        : [],
      heldCount > 0
        ? fromHolders<{ id: string; createdAt: number | string }>(
            sql`${users.id} AS "id", ${users.createdAt} AS "createdAt"`,
            and(others, ne(users.id, q.meId))!,
            sql`ORDER BY ${users.createdAt}, ${users.id} LIMIT ${end}`,
          )
        : [],
    ]);
    const merged = [...byPrimary.map(asMatch), ...byHolding.map(asMatch)];
    if (byPrimary.length > 0 && byHolding.length > 0) merged.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    rows_ = await rowsById(q.accountId, merged.slice(offset, end).map((m) => m.id));
  }
  return { rows: meFirst ? [me, ...rows_] : rows_, total };
}

/** The value a SQL-sortable key sorts on (null last, whatever the order). */
function sortValueSql(key: UserSort["key"], q: UserListQuery): SQL {
  switch (key) {
    case "role":
      return sql`CASE ${users.role} ${sql.join(ROLES.map((role, rank) => sql`WHEN ${role} THEN ${sql.raw(String(rank))}`), sql` `)} END`;
    case "status":
      // The order of lib/users/status.ts's precedence, reversed: active, locked, waiting for approval, blocked.
      return sql`CASE WHEN ${users.isBlocked} THEN 3 WHEN ${users.pendingApproval} THEN 2 WHEN ${lockedCondition(q.accountId, q.now ?? new Date())} THEN 1 ELSE 0 END`;
    case "last_login":
      return sql`${users.lastLoginAt}`;
    default:
      return sql`${users.createdAt}`;
  }
}

function tooManyToSort(key: UserSort["key"], total: number): Invalid {
  const message = `Sorting by ${key} needs a search or filter that matches at most ${NAME_SORT_LIMIT.toLocaleString("en")} users (this matches ${total.toLocaleString("en")}): ${key}s are encrypted, so each is decrypted to sort`;
  return new Invalid(message, { sort: [message] }).keyed("sortNeedsFilter", { key, max: NAME_SORT_LIMIT, total });
}

/** A sorted page of the rows matching `where`: in SQL, or by decrypting them for name and email. */
async function sortedPageInSql(q: UserListQuery, sort: UserSort, where: SQL | undefined, knownTotal?: number): Promise<UserRowPage> {
  const total = knownTotal ?? (await countWhere(where));
  if (DECRYPTED_SORT_KEYS.includes(sort.key)) {
    if (total > NAME_SORT_LIMIT) throw tooManyToSort(sort.key, total);
    const all = await db().select({ id: users.id, createdAt: users.createdAt }).from(users).where(where);
    return pageOfMatches(q, all.map(asMatch), total);
  }
  const value = sortValueSql(sort.key, q);
  const dir = sort.order === "asc" ? asc : desc;
  const rows = await db()
    .select()
    .from(users)
    .where(where)
    // Only last login can be null ("never"), and it goes last in both orders; the ranks are never null.
    .orderBy(...(sort.key === "last_login" ? [sql`CASE WHEN ${value} IS NULL THEN 1 ELSE 0 END`] : []), dir(value), dir(users.createdAt), dir(users.id))
    .limit(q.limit ?? Number.MAX_SAFE_INTEGER)
    .offset(q.offset);
  return { rows, total };
}

/** Each match's sort value, read (and for names and emails decrypted) a chunk of ids at a time. */
async function sortValues(q: UserListQuery, sort: UserSort, ids: string[]): Promise<Map<string, SortValue>> {
  const values = new Map<string, SortValue>();
  const decrypted = DECRYPTED_SORT_KEYS.includes(sort.key);
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    const where = and(eq(users.accountId, q.accountId), inArray(users.id, chunk));
    if (decrypted) {
      for (const row of await db().select().from(users).where(where)) {
        const identity = openIdentity(row);
        values.set(row.id, sort.key === "name" ? identity.name : sort.key === "username" ? identity.username || null : identity.email);
      }
    } else {
      const value = sortValueSql(sort.key, q);
      for (const row of await db().select({ id: users.id, value: sql<number | string | Date | boolean | null>`${value}` }).from(users).where(where)) {
        const v = row.value;
        values.set(row.id, v === null ? null : v instanceof Date ? v.getTime() : Number(v));
      }
    }
  }
  return values;
}

/** Rows by id, in the given order. */
async function rowsById(accountId: string, ids: string[]): Promise<UserRow[]> {
  const byId = new Map<string, UserRow>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    for (const row of await db().select().from(users).where(and(eq(users.accountId, accountId), inArray(users.id, chunk)))) byId.set(row.id, row);
  }
  return ids.flatMap((id) => byId.get(id) ?? []);
}

type Match = { id: string; createdAt: number };

/** The page when the matches were confirmed here: order them (the caller first, or by the sort), count, read the page's rows. */
async function pageOfMatches(q: UserListQuery, matches: Match[], knownTotal?: number): Promise<UserRowPage> {
  const sort = q.sort;
  if (sort) {
    if (DECRYPTED_SORT_KEYS.includes(sort.key) && matches.length > NAME_SORT_LIMIT) throw tooManyToSort(sort.key, matches.length);
    const values = await sortValues(q, sort, matches.map((m) => m.id));
    const keyed = matches.map((m) => ({ ...m, value: values.get(m.id) ?? null }));
    keyed.sort((a, b) => compareSorted(a, b, sort.order));
    const page = keyed.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
    return { rows: await rowsById(q.accountId, page.map((m) => m.id)), total: knownTotal ?? matches.length };
  }
  matches.sort((a, b) => {
    if (a.id === q.meId || b.id === q.meId) return a.id === q.meId ? -1 : 1;
    return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  });
  const page = matches.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
  return { rows: await rowsById(q.accountId, page.map((m) => m.id)), total: matches.length };
}

type ConfirmRow = { id: string; accountId: string; role: Role; createdAt: number | string; nameCiphertext: string; emailCiphertext: string | null; usernameCiphertext: string | null };

/**
 * Users among the candidates that pass `where`, read by driving from the
 * candidates (one primary-key seek each) rather than from the account's users:
 * CROSS JOIN keeps SQLite's planner from scanning the account (PostgreSQL
 * plans the join on its statistics either way).
 */
async function candidateRows(set: CandidateSet, where: SQL | undefined): Promise<ConfirmRow[]> {
  return rows<ConfirmRow>(
    db(),
    sql`SELECT ${users.id} AS "id", ${users.accountId} AS "accountId", ${users.role} AS "role", ${users.createdAt} AS "createdAt",
               ${users.nameCiphertext} AS "nameCiphertext", ${users.emailCiphertext} AS "emailCiphertext",
               ${users.usernameCiphertext} AS "usernameCiphertext"
        FROM (${set.entityIds}) AS c CROSS JOIN ${users} WHERE ${users.id} = c.entity_id AND ${where}`,
  );
}

/** Whether a row's role or decrypted name, email or username matches (the definition in lib/crypto/search-terms.ts). */
function confirms(
  text: string,
  roleHits: Role[],
  row: { id: string; accountId: string; role: Role; nameCiphertext: string; emailCiphertext: string | null; usernameCiphertext: string | null },
) {
  if (roleHits.includes(row.role)) return true;
  const { name, email, username } = openIdentity(row as UserRow);
  return matchesSearch(text, [name, email, username]);
}

const asMatch = (row: { id: string; createdAt: number | string | Date }): Match => ({ id: row.id, createdAt: Number(row.createdAt instanceof Date ? row.createdAt.getTime() : row.createdAt) });

/**
 * The matches gathered here: the index's candidates that pass the filters
 * (confirmed by decrypting them when the index can't decide), and the users
 * whose role matches the query.
 */
async function gatheredMatches(q: UserListQuery, where: SQL | undefined, set: CandidateSet, text: string, roleHits: Role[]): Promise<UserRowPage> {
  const found = new Map<string, Match>();
  for (const row of await candidateRows(set, where)) if (set.exact || confirms(text, [], row)) found.set(row.id, asMatch(row));
  if (roleHits.length > 0) {
    const byRole = await db().select({ id: users.id, createdAt: users.createdAt }).from(users).where(and(where, inArray(users.role, roleHits)));
    for (const row of byRole) found.set(row.id, asMatch(row));
  }
  return pageOfMatches(q, [...found.values()]);
}

const confirmColumns = {
  id: users.id,
  accountId: users.accountId,
  role: users.role,
  createdAt: users.createdAt,
  nameCiphertext: users.nameCiphertext,
  emailCiphertext: users.emailCiphertext,
  usernameCiphertext: users.usernameCiphertext,
};

/** Before the backfill finished: every user matching the filters is decrypted and tested, a batch at a time. */
async function scanEveryone(q: UserListQuery, where: SQL | undefined, text: string, roleHits: Role[]): Promise<UserRowPage> {
  const matches: Match[] = [];
  let after = "";
  for (;;) {
    const rows = await db()
      .select(confirmColumns)
      .from(users)
      .where(and(where, gt(users.id, after)))
      .orderBy(asc(users.id))
      .limit(ID_CHUNK * 2);
    for (const row of rows) if (confirms(text, roleHits, row)) matches.push(asMatch(row));
    if (rows.length < ID_CHUNK * 2) break;
    after = rows[rows.length - 1].id;
    await new Promise((resolve) => setImmediate(resolve)); // let other requests run between batches
  }
  return pageOfMatches(q, matches);
}

/**
 * A caller who sees one kind and is of that kind (a billing admin: people, themselves one) sees exactly that
 * kind: the same list as asking for it, so its stored count and prepared statements serve it too, rather than
 * "that kind or me" counted row by row (3× the time at 20,000 users). Asking for the other kind finds no one.
 */
async function asKindFilter(q: UserListQuery): Promise<UserListQuery> {
  const { people, serviceUsers } = q.sees;
  if (people === serviceUsers) return q;
  const [me] = await db().select({ isServiceUser: users.isServiceUser }).from(users).where(and(eq(users.accountId, q.accountId), eq(users.id, q.meId))).limit(1);
  if (!me || me.isServiceUser !== serviceUsers) return q;
  const all = { people: true, serviceUsers: true };
  return q.serviceUser === undefined || q.serviceUser === serviceUsers ? { ...q, sees: all, serviceUser: serviceUsers } : { ...q, sees: { people: false, serviceUsers: false } };
}

export async function queryUserRows(asked: UserListQuery): Promise<UserRowPage> {
  const q = await asKindFilter(asked);
  const conditions = filterConditions(q);
  if (!conditions) return { rows: [], total: 0 };
  const where = and(...conditions);
  const text = normaliseSearchText(q.search ?? "");
  // No filter but people or service users: the total is the stored count (./user-counts.ts), not a count of the table.
  const unfiltered = !visibleOnly(q) && conditions.length === (q.serviceUser === undefined ? 1 : 2);
  if (text === "" && unfiltered && !q.sort) return unfilteredPage(q);
  if (text === "" && q.role && !q.sort) return rolePage(q, and(...filterConditions(q, { role: false })!)!, q.role);
  if (text === "") return pageInSql(q, where, unfiltered ? ((await storedUserCount(db(), q.accountId, q.serviceUser)) ?? undefined) : undefined);

  const roleHits = ROLES.filter((role) => matchesSearch(text, [role]));
  if ((await backfillCursor(db(), q.accountId, USERS_SCOPE)) !== null) return scanEveryone(q, where, text, roleHits);
  const set = (await candidateSet(db(), { accountId: q.accountId, scope: USERS_SCOPE, query: text })) as CandidateSet;
  // A long query (its candidates are confirmed here), a role name, or few candidates: gathered and ordered here.
  if (!set.exact || roleHits.length > 0) return gatheredMatches(q, where, set, text, roleHits);
  const candidates = await countCandidates(db(), set);
  if (candidates <= WALK_ABOVE) return gatheredMatches(q, where, set, text, roleHits);
  // Many candidates: the page walks users in creation order testing each (it stops at the page's end);
  // the total counts from the candidates (the index alone when no other filter applies).
  const total = conditions.length === 1 ? candidates : unfiltered ? await countCandidatesOfKind(q, set, candidates, where) : await countCandidatesWhere(set, where);
  // Walked in creation order (no sort asked): row by row; on PostgreSQL ids first (each row walked past
  // would be a heap fetch). A sort orders the candidates in SQL.
  return pageInSql(q, and(where, set.holds(sql`${users.id}`, { perRow: !q.sort })), total, !q.sort && dialect() === "postgres");
}

/**
 * The candidates that are people (or service users): the candidates less
 * those of the other kind, counted among the other kind's users when they are
 * fewer (service users usually are a handful), instead of joining every
 * candidate to its row.
 */
async function countCandidatesOfKind(q: UserListQuery, set: CandidateSet, candidates: number, where: SQL | undefined): Promise<number> {
  const otherKind = !q.serviceUser;
  const others = await storedUserCount(db(), q.accountId, otherKind);
  if (others === null || others >= candidates) return countCandidatesWhere(set, where);
  const [row] = await db()
    .select({ n: sql<number | string>`CAST(count(*) AS INTEGER)` })
    .from(users)
    .where(and(eq(users.accountId, q.accountId), eq(users.isServiceUser, otherKind), set.holds(sql`${users.id}`, { perRow: true })));
  return candidates - Number(row?.n ?? 0);
}

async function countCandidatesWhere(set: CandidateSet, where: SQL | undefined): Promise<number> {
  const [row] = await rows<{ n: number | string }>(
    db(),
    sql`SELECT CAST(count(*) AS INTEGER) AS "n" FROM (${set.entityIds}) AS c CROSS JOIN ${users} WHERE ${users.id} = c.entity_id AND ${where}`,
  );
  return Number(row?.n ?? 0);
}
