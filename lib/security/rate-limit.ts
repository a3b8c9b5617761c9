/**
 * Request rate limits, per key (client address, token id, email…), counted in
 * the database with rate-limiter-flexible's stores (RateLimiterSQLite on the
 * engine's better-sqlite3 writer, RateLimiterPostgres on its node-postgres
 * pool), so every replica counts against the same limit. The table is
 * rate_limits in lib/db/schema.ts (migrations own it: tableCreated). Every
 * limit is named here so they are easy to find and tune; exceeding one throws
 * RateLimited (429 with Retry-After).
 *
 * A limit of many points per window (the per-token API limit) needn't cost a
 * database write per request: a replica reserves a slice of the window's
 * points in the shared store with one write (`consume(key, slice)`), then hands
 * them out in memory until they run out or the window ends. Every point handed
 * out was counted in the store first, so the replicas together never exceed the
 * limit; the cost is that points a replica reserved and didn't use are lost to
 * the others until the window ends (at most slice − 1 per replica and key, and
 * the slice is 1 % of the limit). When a slice no longer fits, the replica takes
 * what's left of the window (nothing → refused), so the last points are exact.
 * Small limits (under 200 points) reserve one point at a time, as before.
 */
import "server-only";
import { RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite, type RateLimiterStoreAbstract } from "rate-limiter-flexible";
import { and, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { config } from "@/lib/config";
import { inUnitOfWork, writeSystem } from "@/lib/data/unit-of-work";
import { db, engine, type Db, type Tx } from "@/lib/db/database";
import type { Engine } from "@/lib/db/engine";
import { onIdleWriter } from "@/lib/db/idle-writer-read";
import { perTransactionBy } from "@/lib/db/prepared";
import { rateLimits } from "@/lib/db/schema";
import { RateLimited, type ServerMessageKey } from "@/lib/errors";
import { countRateLimitRefusal } from "@/lib/observability/metrics";

export type RateLimit = {
  name: string;
  points: number;
  durationSeconds: number;
  message: string;
  /** When set, the refusal's message says how long to wait (forms show it; the API also sends Retry-After). */
  messageFor?: (retryAfterSeconds: number) => string;
  /** Reserve points in slices (see the header); for limits requests hit at a high rate. */
  reserveInSlices?: boolean;
  /** messageFor's catalog entry (lib/forms/message-keys.ts), given the whole minutes to wait as {minutes}. */
  messageKey?: ServerMessageKey;
};

/** The wait a refusal names, in whole minutes (at least one). */
export function minutesToWait(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

/** A slice is 1 % of the limit, at most this many points. */
const MAX_SLICE = 1_000;

/** How many points one reservation takes for this limit: 1 (exact, a write per point) below 200 points. */
export function reservationSlice(limit: Pick<RateLimit, "points" | "reserveInSlices">): number {
  if (!limit.reserveInSlices) return 1;
  return Math.max(1, Math.min(MAX_SLICE, Math.floor(limit.points / 100)));
}

/** Points this replica reserved in the store and has not handed out yet, until the store's window ends. */
type Reserved = { left: number; until: number };

const TABLE = "rate_limits";

/** The refusal of a request over `limit`, naming the wait where the limit's text does; counted in the metrics. */
export function rateLimitRefusal(limit: Pick<RateLimit, "name" | "message" | "messageFor" | "messageKey">, retryAfterSeconds: number): RateLimited {
  countRateLimitRefusal(limit.name);
  const refusal = new RateLimited(limit.messageFor ? limit.messageFor(retryAfterSeconds) : limit.message, retryAfterSeconds);
  if (limit.messageFor && limit.messageKey) refusal.keyed(limit.messageKey, { minutes: minutesToWait(retryAfterSeconds) });
  return refusal;
}

/** A limiter over the database: what one process (one "replica") holds. */
export type RateLimiter = {
  consume(key: string): Promise<void>;
  /** Throws RateLimited when the store's row for a key (as readCounters returns it) has used all the points. */
  refuseIfExhausted(row: CounterRow | undefined): void;
  /** Drops reserved points (the store's counts were reset). */
  forget(): void;
};

/** A new limiter for the limit, on the open database (each replica makes its own; they share the counts). */
export function createRateLimiter(limit: RateLimit): RateLimiter {
  const database = engine();
  const options = {
    keyPrefix: limit.name,
    points: limit.points,
    duration: limit.durationSeconds,
    tableName: TABLE,
    tableCreated: true,
    // Its timer would write on the shared connection outside the writer's queue; lib/jobs.ts prunes instead.
    clearExpiredByTimeout: false,
  };
  const store: RateLimiterStoreAbstract =
    database.native.kind === "sqlite"
      ? new RateLimiterSQLite({ ...options, storeClient: database.native.writer, storeType: "better-sqlite3" })
      : new RateLimiterPostgres({ ...options, storeClient: database.native.pool, storeType: "pool" });
  const slice = reservationSlice(limit);
  const reserved = new Map<string, Reserved>();
  const reserving = new Map<string, Promise<void>>();
  const refuse = (msBeforeNext: number): never => {
    throw rateLimitRefusal(limit, Math.max(1, Math.ceil(msBeforeNext / 1000)));
  };
  /** Counts `points` in the store; returns how many of them fit in the window (all, some, or none) and when it ends. */
  const reserve = async (key: string, points: number): Promise<{ granted: number; until: number }> => {
    // On SQLite it writes through the writer connection: inside a unit of work that would wait on itself.
    if (inUnitOfWork()) throw new Error("A rate limit is counted before the unit of work, not inside it");
    try {
      // withWriter: never while a transaction is open on that connection (the count would join it).
      const res = await database.withWriter(() => store.consume(key, points));
      return { granted: points, until: Date.now() + res.msBeforeNext };
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      // Refused as a whole: the points that were left before this reservation are still ours (the store now counts them).
      const before = err.consumedPoints - points;
      const granted = Math.max(0, Math.min(points, limit.points - before));
      if (granted === 0) refuse(err.msBeforeNext);
      return { granted, until: Date.now() + err.msBeforeNext };
    }
  };
  return {
    refuseIfExhausted(row: CounterRow | undefined): void {
      const expire = row?.expire == null ? null : Number(row.expire);
      if (!row || (expire !== null && expire <= Date.now())) return;
      if (Number(row.points) >= limit.points) refuse(expire === null ? 1000 : expire - Date.now());
    },
    async consume(key: string): Promise<void> {
      if (slice === 1) {
        await reserve(key, 1);
        return;
      }
      for (;;) {
        const held = reserved.get(key);
        if (held && held.left > 0 && Date.now() < held.until) {
          held.left -= 1;
          return;
        }
        // One reservation per key at a time: the others wait for it rather than each reserving a slice.
        const pending = reserving.get(key);
        if (!pending) break;
        await pending;
      }
      const reservation = reserve(key, slice);
      const settled = reservation.then(
        () => undefined,
        () => undefined,
      );
      reserving.set(key, settled);
      try {
        const { granted, until } = await reservation;
        if (reserved.size >= 10_000) for (const [k, r] of reserved) if (r.until <= Date.now()) reserved.delete(k);
        // This request takes one of the points; the rest wait for the next requests with this key.
        reserved.set(key, { left: granted - 1, until });
      } finally {
        reserving.delete(key);
      }
    },
    forget(): void {
      reserved.clear();
    },
  };
}

export type CounterRow = { points: number | string; expire: number | string | null };

type KeyedCounterRow = CounterRow & { key: string };
type CountersStatement = { execute(values: Record<string, string>): Promise<KeyedCounterRow[]> | KeyedCounterRow[] };

/**
 * The store's rows for a few keys, in one read prepared once per number of keys (a handful: the OpenID
 * token endpoint checks two or three limits at once). `key IN ($0, $1 …)` rather than one bound set:
 * PostgreSQL keeps planning `= ANY($1)` afresh on every run (a custom plan each time, round 11), while
 * a fixed number of keys gets the primary key's generic plan after a few runs. On PostgreSQL the kept
 * statement is named (lib/db/prepared.ts); on SQLite it runs on the writer while it is idle, synchronously (lib/db/idle-writer-read.ts).
 */
const countersReadBy = perTransactionBy((database: Db, count: number): CountersStatement => {
  const keys = Array.from({ length: count }, (_, i) => sql.placeholder(`k${i}`));
  const query = (d: Db) => d.select({ key: rateLimits.key, points: rateLimits.points, expire: rateLimits.expire }).from(rateLimits).where(inArray(rateLimits.key, keys));
  const sqlite = onIdleWriter(({ db: on }) => query(on).prepare());
  return sqlite ? { execute: (values) => sqlite().all(values) as KeyedCounterRow[] } : (query(database).prepare() as unknown as CountersStatement);
});

/** More keys than this are read in one statement each batch of this many (never happens today: two or three). */
const COUNTERS_PER_READ = 4;

async function readCounters(keys: readonly string[]): Promise<KeyedCounterRow[]> {
  const found: KeyedCounterRow[] = [];
  for (let at = 0; at < keys.length; at += COUNTERS_PER_READ) {
    const batch = keys.slice(at, at + COUNTERS_PER_READ);
    found.push(...(await countersReadBy(db(), batch.length).execute(Object.fromEntries(batch.map((key, i) => [`k${i}`, key])))));
  }
  return found;
}

// One limiter per limit and open database (a test that reopens the database gets new ones).
const globalForLimiters = globalThis as unknown as { latchkeyLimiters?: WeakMap<Engine, Map<string, { points: number; durationSeconds: number; limiter: RateLimiter }>> };

function limiterFor(limit: RateLimit): RateLimiter {
  const byEngine = (globalForLimiters.latchkeyLimiters ??= new WeakMap());
  const database = engine();
  let limiters = byEngine.get(database);
  if (!limiters) byEngine.set(database, (limiters = new Map()));
  const held = limiters.get(limit.name);
  // A limit whose setting changed gets a limiter with the new numbers (the counts stay in the table).
  if (held && held.points === limit.points && held.durationSeconds === limit.durationSeconds) return held.limiter;
  const limiter = createRateLimiter(limit);
  limiters.set(limit.name, { points: limit.points, durationSeconds: limit.durationSeconds, limiter });
  return limiter;
}

/** Counts one request against the limit for this key; throws RateLimited when over. */
export async function consumeRateLimit(limit: RateLimit, key: string): Promise<void> {
  await limiterFor(limit).consume(key);
}

/**
 * Gives back the point a request counted with consumeRateLimit, for a limit on guesses: a request that guesses
 * is counted before the guess is checked (one atomic step with the limit's check, so a burst of parallel
 * guesses can't all pass before any is counted), and only a guess that turned out right is forgiven. Never
 * below zero, and only while the window lasts (a window that ended took the point with it). Exact limits only:
 * a limit reserved in slices hands points out in memory, and has none to give back.
 */
export async function forgiveRateLimit(limit: RateLimit, key: string): Promise<void> {
  if (reservationSlice(limit) !== 1) throw new Error(`The ${limit.name} limit reserves points in slices: nothing to give back`);
  const now = Date.now();
  await writeSystem((tx) =>
    tx
      .update(rateLimits)
      .set({ points: sql`${rateLimits.points} - 1` })
      .where(and(eq(rateLimits.key, counterKey(limit, key)), gt(rateLimits.points, 0), or(isNull(rateLimits.expire), gt(rateLimits.expire, now)))),
  );
}

/** The store's key for a limit's counter of `key` (the rate_limits row: "<limit name>:<key>"). */
export function counterKey(limit: Pick<RateLimit, "name">, key: string): string {
  return `${limit.name}:${key}`;
}

/** Counters read along with something else, by counterKey (null: the store has no row for that key). */
export type CountersRead = ReadonlyMap<string, CounterRow | null>;

/**
 * Throws RateLimited when a key has already used all of its limit's points; counts nothing. For limits
 * on failures: a request checks first (one read), and only a failure consumes (a write), so traffic that
 * succeeds costs no write. The check and the count are two steps: N requests sent at once all pass the
 * check before any is counted. So not for a short secret someone could guess (a user code): count first
 * with consumeRateLimit and give a right guess back with forgiveRateLimit.
 *
 * Several limits and keys are read at once (the OpenID token endpoint checks the client's address and
 * the client together), from committed data with a statement prepared once; it throws the RateLimited
 * of the first exhausted one, in the order given. Counters the request already read (`alreadyRead`: the OpenID
 * provider reads them with its cache versions, lib/oidc/request-start.ts) are judged as read;
 * only the others are read now.
 */
export async function assertRateLimitsNotExhausted(checks: ReadonlyArray<readonly [RateLimit, string]>, alreadyRead?: CountersRead): Promise<void> {
  if (checks.length === 0) return;
  const keys = checks.map(([limit, key]) => counterKey(limit, key));
  const missing = alreadyRead ? keys.filter((key) => !alreadyRead.has(key)) : keys;
  const rows = missing.length > 0 ? await readCounters(missing) : [];
  const byKey = new Map<string, CounterRow | null>(alreadyRead);
  for (const row of rows) byKey.set(row.key, row);
  checks.forEach(([limit], i) => limiterFor(limit).refuseIfExhausted(byKey.get(keys[i]) ?? undefined));
}

/** API requests per access token per minute (TOKEN_RATE_LIMIT_PER_MINUTE), keyed by the token's id. */
export function accessTokenLimit(): RateLimit {
  return {
    name: "access-token",
    points: config().tokenRateLimitPerMinute,
    durationSeconds: 60,
    message: "Too many requests with this access token. Try again later.",
    reserveInSlices: true,
  };
}

/** Deletes counters that expired over an hour ago (the maintenance job). Returns how many. */
export async function pruneRateLimits(now: Date): Promise<number> {
  const removed = await writeSystem((tx) =>
    tx
      .delete(rateLimits)
      .where(lt(rateLimits.expire, now.getTime() - 3_600_000))
      .returning({ key: rateLimits.key }),
  );
  return removed.length;
}

/**
 * Counts one more against `limit` for `key` in the caller's transaction and returns whether it still fits.
 * For a budget spent inside a unit of work, where consumeRateLimit can't run (it writes outside one): a
 * reaction's mail, say, whose cause is already committed with it. The row is rate_limits' own ("<name>:<key>",
 * points, expire in epoch ms), its window starting at its first count, so pruneRateLimits removes it once
 * the window is over. Nothing is refused here: the caller decides what not doing it means (a refusal thrown
 * in the unit of work rolls this count back with the rest, so refused attempts don't stretch the budget).
 */
export async function countWithinLimit(
  tx: Tx,
  limit: Pick<RateLimit, "name" | "points" | "durationSeconds">,
  key: string,
  now = new Date(),
): Promise<{ within: boolean; retryAfterSeconds: number; count: number }> {
  const t = now.getTime();
  const end = t + limit.durationSeconds * 1000;
  const [row] = await tx
    .insert(rateLimits)
    .values({ key: counterKey(limit, key), points: 1, expire: end })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        points: sql`CASE WHEN ${rateLimits.expire} IS NULL OR ${rateLimits.expire} <= ${t} THEN 1 ELSE ${rateLimits.points} + 1 END`,
        expire: sql`CASE WHEN ${rateLimits.expire} IS NULL OR ${rateLimits.expire} <= ${t} THEN ${end} ELSE ${rateLimits.expire} END`,
      },
    })
    .returning({ points: rateLimits.points, expire: rateLimits.expire });
  const retryAfterSeconds = Math.max(1, Math.ceil((Number(row?.expire ?? end) - t) / 1000));
  const count = Number(row?.points ?? 1);
  return { within: count <= limit.points, retryAfterSeconds, count };
}

/** Forgets every counter (tests start from a clean slate). */
export async function resetRateLimits(): Promise<void> {
  await writeSystem((tx) => tx.delete(rateLimits));
  for (const held of globalForLimiters.latchkeyLimiters?.get(engine())?.values() ?? []) held.limiter.forget();
}
