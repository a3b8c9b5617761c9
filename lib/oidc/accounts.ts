/**
 * Who the provider's `sub` is, and what it says about them: the claims of the
 * scopes an app was granted, read from the directory as it is now on every
 * use (ID token, userinfo, introspection), so a blocked, deleted or
 * pending-approval person, or a service user, is refused rather than described.
 *
 * sub = the user's id (stable across renames and email changes).
 * profile → name, preferred_username (the username); email → email,
 * email_verified (users.email_verified_at: true only when the address was
 * proven by a link mailed to it or vouched for by someone who could have set
 * it directly, see lib/users/records.ts sealEmail; apps link accounts by it);
 * groups → group names; roles → role names (primary, extra, via groups).
 */
import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { applicationAccessColumns, mayUse, mayUseApps } from "@/lib/applications/for-provider";
import { heldRoleIds } from "@/lib/auth/effective-permissions";
import { isBuiltInRole } from "@/lib/auth/permissions";
import { db, type Db } from "@/lib/db/database";
import { onIdleWriter } from "@/lib/db/idle-writer-read";
import { literalLimit } from "@/lib/db/prepared";
import { applications, roles, users, type UserRow } from "@/lib/db/schema";
import { groupIdsOfUser, groupNamesById } from "@/lib/groups/membership";
import { findUserRow, openIdentity } from "@/lib/users/records";
import { instanceAccountId } from "@/lib/instance/account";

export type OidcClaims = {
  sub: string;
  name?: string;
  preferred_username?: string;
  email?: string | null;
  email_verified?: boolean;
  groups?: string[];
  roles?: string[];
};

/** The user behind sub if they may use apps now: exists in this instance, not blocked, not a service user, approved. */
export async function usableUser(sub: string): Promise<UserRow | null> {
  const accountId = await instanceAccountId();
  if (!accountId || typeof sub !== "string" || sub.length === 0 || sub.length > 100) return null;
  const row = await findUserRow(db(), accountId, sub);
  return row && mayUseApps(row) ? row : null;
}

type PersonAndApp = { user: UserRow; restricted: boolean | null; limited: unknown; member: unknown };
type Values = Record<string, string>;
type Prepared = { execute(values: Values): Promise<PersonAndApp[]> | PersonAndApp[] };
type SqlitePrepared = { all(values: Values): PersonAndApp[] };
type Read = (values: Values) => Promise<PersonAndApp[]> | PersonAndApp[];
const personAndAppReads = new WeakMap<Db, Read>();

function personAndAppQuery(database: Db) {
  return database
    .select({ user: users, ...applicationAccessColumns("users.id") })
    .from(users)
    .leftJoin(applications, and(eq(applications.accountId, users.accountId), eq(applications.clientId, sql.placeholder("clientId"))))
    .where(and(eq(users.accountId, sql.placeholder("accountId")), eq(users.id, sql.placeholder("sub"))))
    .limit(literalLimit(1));
}

/**
 * The person and whether the app (by client_id) lets them in, in one read prepared once per
 * database; on SQLite on the writer while it is idle (lib/db/idle-writer-read.ts), run synchronously.
 */
function personAndApp(database: Db): Read {
  let read = personAndAppReads.get(database);
  if (!read) {
    const sqlite = onIdleWriter(({ db: on }) => personAndAppQuery(on).prepare() as unknown as SqlitePrepared);
    if (sqlite) read = (values) => sqlite().all(values);
    else {
      // Named: PostgreSQL parses and plans it once per pooled connection, not on every token use.
      // (Db is typed with SQLite's builders, whose prepare takes no name; on PostgreSQL it is pg-core's.)
      const query = personAndAppQuery(database) as unknown as { prepare(name: string): Prepared };
      const prepared = query.prepare("latchkey_oidc_person_and_app");
      read = (values) => prepared.execute(values);
    }
    personAndAppReads.set(database, read);
  }
  return read;
}

/**
 * usableUser and the app's allowed groups (userMayUseApplication) together: the check every use of a
 * person's token makes (refresh, userinfo, introspection), as one query, not five.
 */
export async function usableUserOfApp(sub: string, clientId: string): Promise<UserRow | null> {
  const accountId = await instanceAccountId();
  if (!accountId || typeof sub !== "string" || sub.length === 0 || sub.length > 100) return null;
  if (typeof clientId !== "string" || clientId.length === 0 || clientId.length > 100) return null;
  const [row] = await personAndApp(db())({ accountId, sub, clientId });
  if (!row || !mayUseApps(row.user) || !mayUse(row)) return null;
  return row.user;
}

async function roleNames(row: UserRow): Promise<string[]> {
  const ids = await heldRoleIds(db(), row.accountId, row.id, row.role);
  const custom = ids.filter((id) => !isBuiltInRole(id));
  const named =
    custom.length === 0
      ? []
      : await db()
          .select({ name: roles.name })
          .from(roles)
          .where(and(eq(roles.accountId, row.accountId), inArray(roles.id, custom)));
  return [...ids.filter((id) => isBuiltInRole(id)), ...named.map((r) => r.name)].sort();
}

async function groupNames(row: UserRow): Promise<string[]> {
  const [ids, names] = await Promise.all([groupIdsOfUser(db(), row.accountId, row.id), groupNamesById(db(), row.accountId)]);
  return ids.map((id) => names.get(id)).filter((n): n is string => n !== undefined).sort();
}

/**
 * The claims Latchkey states about the user; the provider keeps those of the granted scopes. Given
 * the scopes being answered (the provider passes them), groups and roles are read only when asked
 * for: a refresh for "openid profile email" reads no group or role table.
 */
export async function claimsOf(row: UserRow, scope?: string): Promise<OidcClaims> {
  const identity = openIdentity(row);
  const asked = scope === undefined ? undefined : new Set(scope.split(" "));
  const [groups, roleList] = await Promise.all([
    !asked || asked.has("groups") ? groupNames(row) : undefined,
    !asked || asked.has("roles") ? roleNames(row) : undefined,
  ]);
  return {
    sub: row.id,
    name: identity.name,
    preferred_username: identity.username || undefined,
    email: identity.email,
    email_verified: identity.email !== null && row.emailVerifiedAt !== null,
    groups,
    roles: roleList,
  };
}
