/**
 * What a request to the OpenID provider reads before its work, in one round trip on PostgreSQL:
 * every cache version (the provider's signing keys and the applications are asked for on every
 * request: ./request-scope.ts cacheVersionNow) and, on the endpoints apps call (token,
 * introspection, revocation), the guessing limits' counters of the client's address and of the
 * client its Basic credentials name (./attempt-limits.ts judges them when the provider looks the
 * client up). Both are reads of committed data, made at the start of the same request; sent one
 * after the other they were two round trips to the server on every grant and introspection.
 *
 * A counter the request needs but didn't read here (the client named in the body, not the header)
 * is read when it is needed, as before. SQLite reads both with function calls: nothing to gain, so
 * it reads them as it did.
 *
 * A refresh grant on PostgreSQL also reads its refresh token's rows in the same statement
 * (./token-kinds.ts tokenKindsWithStartRead): its body is read ahead of the provider
 * (lib/sign-in/app-sign-in-http.ts), refreshTokenToReadAhead names the token, and the rows are kept
 * for that request only (./request-scope.ts startToken), where the adapter's find of that token takes
 * them instead of reading them again. Round 28 in docs/benchmarks.md: three round trips per grant → two.
 */
import "server-only";
import { inArray, sql } from "drizzle-orm";
import { allCacheVersions } from "@/lib/data/cache-version";
import { db, dialect, type Db } from "@/lib/db/database";
import { perTransactionBy } from "@/lib/db/prepared";
import querystring from "node:querystring";
import { cacheVersions, rateLimits } from "@/lib/db/schema";
import type { CounterRow } from "@/lib/security/rate-limit";
import { tokenKindsWithStartRead, type KindsRow } from "./token-kinds";

export type StartRead = {
  versions: Map<string, number>;
  /** The counters asked for, by their store key (null: no row); empty when none were asked for. */
  counters: Map<string, CounterRow | null>;
  /** The token's rows of every kind, when a token was asked for and read along (PostgreSQL; empty: no such token). */
  tokenRows?: KindsRow[];
};

/** Rows of the one statement: a cache version (counter false) or a counter (its points in `value`). */
type StartRow = { counter: boolean; name: string; value: number; expire: number | string | null };

/**
 * One statement per number of counters (one or two), kept and named per database (lib/db/prepared.ts):
 * the cache_versions table (a handful of rows) and the counters' rows by primary key.
 */
const startReadBy = perTransactionBy((database: Db, counters: number) => {
  const keys = Array.from({ length: counters }, (_, i) => sql.placeholder(`k${i}`));
  const versions = database
    .select({ counter: sql<boolean>`false`, name: cacheVersions.name, value: cacheVersions.version, expire: sql<number | null>`NULL::bigint` })
    .from(cacheVersions);
  const limits = database
    .select({ counter: sql<boolean>`true`, name: rateLimits.key, value: rateLimits.points, expire: rateLimits.expire })
    .from(rateLimits)
    .where(inArray(rateLimits.key, keys));
  return versions.unionAll(limits).prepare() as unknown as { execute(values: Record<string, string>): Promise<StartRow[]> };
});

/**
 * The cache versions, and on PostgreSQL the counters under `counterKeys` (store keys) and the rows of the
 * token whose digest is `tokenDigest` in the same round trip.
 */
export async function readRequestStart(counterKeys: readonly string[], tokenDigest?: string): Promise<StartRead> {
  const database = db();
  if (dialect() !== "postgres") return { versions: await allCacheVersions(database), counters: new Map() };
  if (tokenDigest !== undefined) return readWithToken(counterKeys, tokenDigest);
  if (counterKeys.length === 0) return { versions: await allCacheVersions(database), counters: new Map() };
  const rows = await startReadBy(database, counterKeys.length).execute(Object.fromEntries(counterKeys.map((key, i) => [`k${i}`, key])));
  const versions = new Map<string, number>();
  const counters = new Map<string, CounterRow | null>(counterKeys.map((key) => [key, null]));
  for (const row of rows) {
    if (row.counter) counters.set(row.name, { points: row.value, expire: row.expire });
    else versions.set(row.name, Number(row.value));
  }
  return { versions, counters };
}

async function readWithToken(counterKeys: readonly string[], digest: string): Promise<StartRead> {
  const rows = await tokenKindsWithStartRead(counterKeys.length)({ digest, ...Object.fromEntries(counterKeys.map((key, i) => [`k${i}`, key])) });
  // At least one row (the one-row VALUES the token's rows are joined to); each carries the versions and counters.
  const [first] = rows;
  const versions = new Map<string, number>((first?.startVersions ?? []).map(([name, version]) => [name, Number(version)]));
  const counters = new Map<string, CounterRow | null>(counterKeys.map((key) => [key, null]));
  for (const [key, points, expire] of first?.startCounters ?? []) counters.set(key, { points, expire });
  const tokenRows = rows.filter((row) => row.name !== null) as KindsRow[];
  return { versions, counters, tokenRows };
}

/** Longer values are no refresh token of ours (43 characters); not read ahead, the provider reads them as before. */
const MAX_TOKEN = 512;

/** A token request's form body, read the way oidc-provider reads it (node:querystring). */
export function tokenFormOf(body: Buffer): querystring.ParsedUrlQuery {
  return querystring.parse(body.toString("utf8"));
}

/**
 * The refresh token a token request's form presents, if it is a refresh grant with exactly one. Anything else gives
 * undefined and is read as before.
 */
export function refreshTokenToReadAhead(form: querystring.ParsedUrlQuery): string | undefined {
  const token = form.refresh_token;
  if (form.grant_type !== "refresh_token" || typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN) return undefined;
  return token;
}
