/**
 * Caches of database state that stay right across processes. Whatever writes
 * the cached thing bumps its version in the same unit of work
 * (`bumpCacheVersion(tx, name)`); every use of the cache reads the stored
 * version (one primary-key read) and reloads when it moved. So a settings
 * change on one replica is seen by every other on its next request, and a
 * rolled-back change bumps nothing.
 *
 * The version is read before the load: a change that commits between the two
 * leaves the cache holding newer data under the older version, which only
 * costs one extra reload — never a stale answer.
 */
import "server-only";
import { eq, sql } from "drizzle-orm";
import { db, type Db, type Tx } from "@/lib/db/database";
import { onIdleWriter } from "@/lib/db/idle-writer-read";
import { literalLimit, perTransaction, type PreparedRows } from "@/lib/db/prepared";
import { cacheVersions } from "@/lib/db/schema";
import { unitOf } from "./unit-of-work";

/** Marks the cached thing changed, in the unit of work that changes it. */
export async function bumpCacheVersion(tx: Tx, name: string): Promise<void> {
  unitOf(tx);
  await tx
    .insert(cacheVersions)
    .values({ name, version: 1 })
    .onConflictDoUpdate({ target: cacheVersions.name, set: { version: sql`${cacheVersions.version} + 1` } });
}

/** cacheVersion's statement, kept per Drizzle database (lib/db/prepared.ts; named on PostgreSQL: every sign-in asks it). */
const versionRead = perTransaction(
  (q: Db) =>
    q
      .select({ version: cacheVersions.version })
      .from(cacheVersions)
      .where(eq(cacheVersions.name, sql.placeholder("name")))
      .limit(literalLimit(1))
      .prepare() as unknown as PreparedRows<{ version: number }>,
);

/** The stored version of a cached thing (0 before its first change). */
export async function cacheVersion(q: Db, name: string): Promise<number> {
  // Every use of a cache asks this: the statement is built and prepared once per database, not per call.
  const [row] = await versionRead(q).execute({ name });
  return row?.version ?? 0;
}

const allVersionReads = new WeakMap<Db, { execute(): Promise<Array<{ name: string; version: number }>> | Array<{ name: string; version: number }> }>();

/**
 * Every stored version in one read (a handful of rows), for a request that uses several caches:
 * as fresh as reading each where it is used (a name never bumped is absent: version 0).
 */
export async function allCacheVersions(q: Db): Promise<Map<string, number>> {
  let prepared = allVersionReads.get(q);
  if (!prepared) {
    const query = (d: Db) => d.select({ name: cacheVersions.name, version: cacheVersions.version }).from(cacheVersions);
    // SQLite: on the writer while it is idle, synchronously (lib/db/idle-writer-read.ts; the OpenID provider reads this on every request).
    const sqlite = onIdleWriter(({ db: on }) => query(on).prepare());
    // PostgreSQL: named, so it is parsed and planned once per pooled connection (the OpenID provider asks on every request).
    prepared = sqlite ? { execute: () => sqlite().all() } : (query(q) as unknown as { prepare(name: string): ReturnType<ReturnType<typeof query>["prepare"]> }).prepare("latchkey_all_cache_versions");
    allVersionReads.set(q, prepared);
  }
  const rows = await prepared.execute();
  return new Map(rows.map((r) => [r.name, r.version]));
}

export type VersionedCache<T> = {
  /**
   * The value: cached while the stored version is unchanged, reloaded
   * otherwise. Given a unit of work's tx, it loads through tx and caches
   * nothing (that tx may still change the thing, or roll back).
   */
  get(tx?: Tx): Promise<T>;
  /** Drops this process's copy (tests; never needed for correctness). */
  forget(): void;
};

/**
 * A value loaded from the database and kept in this process until the named
 * version moves. `load` reads through the Db it is given. Each call makes its
 * own cache: one per module, i.e. one per process.
 */
export function versionedCache<T>(name: string, load: (q: Db) => Promise<T>): VersionedCache<T> {
  let held: { version: number; value: T } | undefined;
  let loading: { version: number; promise: Promise<T> } | undefined;
  return {
    async get(tx?: Tx): Promise<T> {
      if (tx) {
        unitOf(tx);
        return load(tx);
      }
      const version = await cacheVersion(db(), name);
      if (held && held.version === version) return held.value;
      // Concurrent misses at one version share one load.
      if (loading && loading.version === version) return loading.promise;
      const promise = load(db()).then((value) => {
        // A later version may have been loaded meanwhile; keep the newest.
        if (!held || held.version <= version) held = { version, value };
        return value;
      });
      loading = { version, promise };
      try {
        return await promise;
      } finally {
        if (loading?.promise === promise) loading = undefined;
      }
    },
    forget() {
      held = undefined;
      loading = undefined;
    },
  };
}

/**
 * For caches that manage their own entries (e.g. with a time-to-live):
 * `changed()` reads the stored version and says whether it moved since the
 * last call (true on the first), so the owner drops its entries before using them.
 */
export function cacheVersionWatch(name: string): { changed(): Promise<boolean> } {
  let seen: number | undefined;
  return {
    async changed(): Promise<boolean> {
      const version = await cacheVersion(db(), name);
      // The first call knows nothing of what the owner holds: say "changed" (dropping nothing is cheap).
      const moved = seen !== version;
      seen = version;
      return moved;
    },
  };
}
