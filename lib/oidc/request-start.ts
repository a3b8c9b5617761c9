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
 */
import "server-only";
import { inArray, sql } from "drizzle-orm";
import { allCacheVersions } from "@/lib/data/cache-version";
import { db, dialect, type Db } from "@/lib/db/database";
import { perTransactionBy } from "@/lib/db/prepared";
import { cacheVersions, rateLimits } from "@/lib/db/schema";
import type { CounterRow } from "@/lib/security/rate-limit";

export type StartRead = {
  versions: Map<string, number>;
  /** The counters asked for, by their store key (null: no row); empty when none were asked for. */
  counters: Map<string, CounterRow | null>;
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

/** The cache versions, and on PostgreSQL the counters under `counterKeys` (store keys) in the same round trip. */
export async function readRequestStart(counterKeys: readonly string[]): Promise<StartRead> {
  const database = db();
  if (counterKeys.length === 0 || dialect() !== "postgres") return { versions: await allCacheVersions(database), counters: new Map() };
  const rows = await startReadBy(database, counterKeys.length).execute(Object.fromEntries(counterKeys.map((key, i) => [`k${i}`, key])));
  const versions = new Map<string, number>();
  const counters = new Map<string, CounterRow | null>(counterKeys.map((key) => [key, null]));
  for (const row of rows) {
    if (row.counter) counters.set(row.name, { points: row.value, expire: row.expire });
    else versions.set(row.name, Number(row.value));
  }
  return { versions, counters };
}
