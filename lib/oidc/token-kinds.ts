/**
 * On PostgreSQL, a presented token's rows of every kind (./adapter.ts lookupWithGrant reads them together), each
 * with its grant's row AND the person it was issued to and whether the app lets them in now (the check
 * lib/oidc/accounts.ts usableUserOfApp makes, which the provider asks next: refresh, introspection, userinfo),
 * in one named statement: one round trip for what took two.
 *
 * A refresh grant's token is known before the provider runs (its body is read ahead: lib/sign-in/app-sign-in-http.ts),
 * so the same rows can ride on the request's start read (./request-start.ts): tokenKindsWithStartRead is that
 * statement with the cache versions and the guessing limits' counters as two more columns, from a one-row VALUES
 * so that a value that is no token still brings them.
 */
import "server-only";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { alias } from "drizzle-orm/pg-core";
import { db, type Db } from "@/lib/db/database";
import type { UserRow } from "@/lib/db/schema";
import * as pgSchema from "@/lib/db/schema.pg";
import { applicationAccessColumns } from "@/lib/applications/for-provider";

/** Token kinds a presented value may be. */
export const TOKEN_KINDS = ["AccessToken", "RefreshToken", "ClientCredentials"];
/** The request's memo key of a value's rows (./request-scope.ts memo). */
export const tokenKindsKey = (digest: string) => `oidc-token-kinds:${digest}`;

export type KindsRow = {
  name: string;
  id: string;
  payloadCiphertext: string;
  expiresAt: Date | null;
  consumedAt: Date | null;
  accountId: string;
  userId: string | null;
  clientId: string | null;
  grantId: string | null;
  grantPayload: string | null;
  grantExpiresAt: Date | null;
  grantConsumedAt: Date | null;
  user: UserRow | null;
  restricted: boolean | null;
  limited: unknown;
  member: unknown;
};
type KindsRead = (values: { digest: string }) => Promise<KindsRow[]>;
const kindsReads = new WeakMap<Db, KindsRead>();

// PostgreSQL only: its schema's tables (the same objects lib/db/schema.ts hands out on PostgreSQL).
const t = alias(pgSchema.oidcModels, "t");
const g = alias(pgSchema.oidcModels, "g");
const { applications, users } = pgSchema;

/** The token's, its grant's, its person's and the app's access columns. */
function kindsColumns() {
  return {
    name: t.name,
    id: t.id,
    payloadCiphertext: t.payloadCiphertext,
    expiresAt: t.expiresAt,
    consumedAt: t.consumedAt,
    accountId: t.accountId,
    userId: t.userId,
    clientId: t.clientId,
    grantId: g.id,
    grantPayload: g.payloadCiphertext,
    grantExpiresAt: g.expiresAt,
    grantConsumedAt: g.consumedAt,
    user: users,
    // (typed with SQLite's columns; at run time they are the PostgreSQL tables', as above)
    ...(applicationAccessColumns("users.id") as unknown as Record<string, SQL>),
  };
}

const isPresented = () => and(inArray(t.name, TOKEN_KINDS), eq(t.id, sql.placeholder("digest")));
const grantOfToken = () => and(eq(g.name, "Grant"), eq(g.id, sql`encode(sha256(convert_to(${t.grantId}, 'UTF8')), 'hex')`));
const personOfToken = () => and(eq(users.accountId, t.accountId), eq(users.id, t.userId));
const appOfToken = () => and(eq(applications.accountId, t.accountId), eq(applications.clientId, t.clientId));

/** The value's rows of every kind (none: not a token). */
export function tokenKindsRead(): KindsRead {
  const database = db();
  let read = kindsReads.get(database);
  if (read) return read;
  // Db is typed with SQLite's builders; on PostgreSQL they are pg-core's (whose prepare takes a name).
  const query = (database as unknown as NodePgDatabase)
    .select(kindsColumns())
    .from(t)
    .leftJoin(g, grantOfToken())
    .leftJoin(users, personOfToken())
    .leftJoin(applications, appOfToken())
    .where(isPresented());
  const prepared = query.prepare("latchkey_oidc_token_kinds") as unknown as { execute(values: { digest: string }): Promise<KindsRow[]> };
  read = (values) => prepared.execute(values);
  kindsReads.set(database, read);
  return read;
}

/** Every cache version as [name, version], and the counters asked for as [key, points, expire]. */
export type StartColumns = { startVersions: Array<[string, number]> | null; startCounters: Array<[string, number, number | null]> | null };
/** A row of the start read with the token's rows: the token's columns are null when the value is no token. */
export type KindsWithStartRow = StartColumns & { [K in keyof KindsRow]: KindsRow[K] | null };
type WithStartRead = (values: Record<string, string>) => Promise<KindsWithStartRow[]>;
const withStartReads = new WeakMap<Db, Map<number, WithStartRead>>();

/**
 * The start read (./request-start.ts) and the value's token rows in one named statement, one per number of
 * counters (placeholders k0…): at least one row, each carrying the versions and the counters.
 */
export function tokenKindsWithStartRead(counters: number): WithStartRead {
  const database = db();
  let byCount = withStartReads.get(database);
  if (!byCount) withStartReads.set(database, (byCount = new Map()));
  let read = byCount.get(counters);
  if (read) return read;
  const keys = Array.from({ length: counters }, (_, i) => sql.placeholder(`k${i}`));
  const { cacheVersions, rateLimits } = pgSchema;
  const counterRows =
    counters === 0
      ? sql`NULL::json`
      : sql`(select json_agg(json_build_array(${rateLimits.key}, ${rateLimits.points}, ${rateLimits.expire})) from ${rateLimits} where ${inArray(rateLimits.key, keys)})`;
  const query = (database as unknown as NodePgDatabase)
    .select({
      startVersions: sql<StartColumns["startVersions"]>`(select json_agg(json_build_array(${cacheVersions.name}, ${cacheVersions.version})) from ${cacheVersions})`,
      startCounters: sql<StartColumns["startCounters"]>`${counterRows}`,
      ...kindsColumns(),
    })
    .from(sql`(values (1)) as "start"("one")`)
    .leftJoin(t, isPresented())
    .leftJoin(g, grantOfToken())
    .leftJoin(users, personOfToken())
    .leftJoin(applications, appOfToken());
  const prepared = query.prepare(`latchkey_oidc_start_token_kinds_${counters}`) as unknown as { execute(values: Record<string, string>): Promise<KindsWithStartRow[]> };
  read = (values) => prepared.execute(values);
  byCount.set(counters, read);
  return read;
}
