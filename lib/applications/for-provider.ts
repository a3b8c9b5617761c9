/**
 * What the OIDC provider (lib/oidc, issue 15) needs to know about a registered
 * application: its metadata by client_id, a check of a presented client secret,
 * and whether a person may use it. Server-only and Actor-free: the provider
 * calls it while serving a relying party, not a person of the dashboard.
 */
import "server-only";
import crypto from "node:crypto";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { digestToken } from "@/lib/crypto/secret-tokens";
import { cacheVersion } from "@/lib/data/cache-version";
import { db, type Db, type Tx } from "@/lib/db/database";
import { literalLimit } from "@/lib/db/prepared";
import { applicationGroups, applications, type IdTokenSigningAlg, type UserRow } from "@/lib/db/schema";

export type ProviderApplication = {
  id: string;
  accountId: string;
  clientId: string;
  name: string;
  type: "web" | "spa" | "device";
  clientSecretDigest: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  allowedGroupIds: string[];
  /**
   * True when the app was limited to groups (allowedGroupIds was not empty when saved). With every
   * allowed group since deleted, nobody may use it, rather than everyone.
   */
  restrictedToGroups: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  requireConsent: boolean;
  idTokenSignedResponseAlg: IdTokenSigningAlg;
};

/** Bumped in the unit of work of every change to an application (./applications.ts): replicas reload their copy. */
export const APPLICATIONS_VERSION = "applications";

// This process's copies by client_id, of one stored version, dropped when it moves; bounded (client_ids are typed by anyone).
const held = new Map<string, ProviderApplication | null>();
let heldVersion = -1;
const HELD_MAX = 1000;

async function loadApplication(clientId: string): Promise<ProviderApplication | null> {
  const [row] = await db().select().from(applications).where(eq(applications.clientId, clientId)).limit(1);
  if (!row) return null;
  const links = await db()
    .select({ groupId: applicationGroups.groupId })
    .from(applicationGroups)
    .where(and(eq(applicationGroups.accountId, row.accountId), eq(applicationGroups.applicationId, row.id)));
  return {
    id: row.id,
    accountId: row.accountId,
    clientId: row.clientId,
    name: row.name,
    type: row.type,
    clientSecretDigest: row.clientSecretDigest,
    redirectUris: row.redirectUris,
    postLogoutRedirectUris: row.postLogoutRedirectUris,
    allowedGroupIds: links.map((l) => l.groupId).sort(),
    restrictedToGroups: row.restrictedToGroups,
    accessTokenTtlSeconds: row.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: row.refreshTokenTtlSeconds,
    requireConsent: row.requireConsent,
    idTokenSignedResponseAlg: row.idTokenSignedResponseAlg,
  };
}

/**
 * The application registered under this client_id, or null. Every request of
 * an app asks this (its metadata, its secret): it is kept in this process
 * until any replica changes an application (the cross-process cache version
 * APPLICATIONS_VERSION, one primary-key read), so a rotated secret or a
 * deleted app is refused on the next request. allowedGroupIds may lag a
 * deleted group: who may sign in is decided by userMayUseApplication, which
 * reads the database every time.
 */
export async function findApplicationByClientId(clientId: string, storedVersion?: number): Promise<ProviderApplication | null> {
  if (typeof clientId !== "string" || clientId.length === 0 || clientId.length > 100) return null;
  // The version is read before the load: a change committing in between costs a reload, never a stale copy.
  // (storedVersion: the caller read APPLICATIONS_VERSION just now, with others in one query.)
  const version = storedVersion ?? (await cacheVersion(db(), APPLICATIONS_VERSION));
  if (version > heldVersion) {
    held.clear();
    heldVersion = version;
  }
  const copy = version === heldVersion ? held.get(clientId) : undefined;
  if (copy !== undefined) return copy;
  const loaded = await loadApplication(clientId);
  if (heldVersion === version) {
    if (held.size >= HELD_MAX) held.clear();
    held.set(clientId, loaded);
  }
  return loaded;
}

/** Constant-time: digest(presented) equals the stored digest. False for apps without a secret. */
export function clientSecretMatches(app: ProviderApplication, presented: string): boolean {
  if (!app.clientSecretDigest || typeof presented !== "string" || presented.length === 0 || presented.length > 200) return false;
  const expected = Buffer.from(app.clientSecretDigest, "hex");
  const actual = Buffer.from(digestToken(presented), "hex");
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

/**
 * true when the app has no allowed groups (and was never limited to groups), or the user is now a
 * member of one of them. The app's groups and the membership are read from the database on every
 * call (not from `app`, which a caller may have kept), so a change applies at once; a deleted app
 * admits nobody. One query, prepared once per database.
 */
export async function userMayUseApplication(app: ProviderApplication, userId: string): Promise<boolean> {
  const [row] = await accessCheck(db()).execute({ accountId: app.accountId, applicationId: app.id, userId });
  return row !== undefined && mayUse(row);
}

/**
 * The app's row (still there?), its limit to groups, and whether the user is in one of its groups, in
 * one read. Written with qualified names: Drizzle leaves columns unqualified in a one-table select,
 * which a subquery over two tables would read as ambiguous.
 */
export function applicationAccessColumns(userId: SQL | "users.id") {
  const user = userId === "users.id" ? sql.raw(`"users"."id"`) : userId;
  return {
    restricted: applications.restrictedToGroups,
    limited: sql<unknown>`exists (select 1 from "application_groups" "lk_ag" where "lk_ag"."application_id" = "applications"."id")`,
    member: sql<unknown>`exists (select 1 from "application_groups" "lk_ag" inner join "user_groups" "lk_ug" on "lk_ug"."group_id" = "lk_ag"."group_id" and "lk_ug"."user_id" = ${user} where "lk_ag"."application_id" = "applications"."id")`,
  };
}

/**
 * Of these apps (by client id), those whose groups no longer let the user in, read on q (a unit of
 * work sees its own changes). Apps that don't exist are left out (their deletion ends their grants).
 */
export async function appsClosedTo(q: Db | Tx, accountId: string, userId: string, clientIds: readonly string[]): Promise<string[]> {
  if (clientIds.length === 0) return [];
  const rows = await q
    .select({ clientId: applications.clientId, ...applicationAccessColumns(sql`${userId}`) })
    .from(applications)
    .where(and(eq(applications.accountId, accountId), inArray(applications.clientId, [...clientIds])));
  return rows.filter((row) => !mayUse(row)).map((row) => row.clientId);
}

/** Who may sign in to apps at all: not blocked, not a service user, approved (the app's own rule is mayUse). */
export function mayUseApps(user: Pick<UserRow, "isBlocked" | "isServiceUser" | "pendingApproval">): boolean {
  return !user.isBlocked && !user.isServiceUser && !user.pendingApproval;
}

/** The rule on applicationAccessColumns' values (exists() is 0/1 on SQLite, a boolean on PostgreSQL). */
export function mayUse(row: { restricted: boolean | null; limited: unknown; member: unknown }): boolean {
  if (row.restricted === null) return false; // no such app (a left join found none)
  if (!truthy(row.limited)) return !row.restricted;
  return truthy(row.member);
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "t";
}

type AccessRow = { restricted: boolean; limited: unknown; member: unknown };
type Prepared<T> = { execute(values: Record<string, string>): Promise<T[]> | T[] };
const accessChecks = new WeakMap<Db, Prepared<AccessRow>>();

function accessCheck(database: Db): Prepared<AccessRow> {
  let prepared = accessChecks.get(database);
  if (!prepared) {
    prepared = database
      .select(applicationAccessColumns(sql`${sql.placeholder("userId")}`))
      .from(applications)
      .where(and(eq(applications.accountId, sql.placeholder("accountId")), eq(applications.id, sql.placeholder("applicationId"))))
      .limit(literalLimit(1))
      .prepare() as unknown as Prepared<AccessRow>;
    accessChecks.set(database, prepared);
  }
  return prepared;
}
