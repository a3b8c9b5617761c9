/**
 * Request rate limits, per key (client address, token id, email…), counted in
 * the database with rate-limiter-flexible's stores (RateLimiterSQLite on the
 * engine's better-sqlite3 writer, RateLimiterPostgres on its node-postgres
 * pool), so every replica counts against the same limit. The table is
 * rate_limits in lib/db/schema.ts (migrations own it: tableCreated). Every
 * limit is named here so they are easy to find and tune; exceeding one throws
 * RateLimited (429 with Retry-After).
 */
import "server-only";
import { RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite, type RateLimiterStoreAbstract } from "rate-limiter-flexible";
import { lt } from "drizzle-orm";
import { config } from "@/lib/config";
import { inUnitOfWork, writeSystem } from "@/lib/data/unit-of-work";
import { engine } from "@/lib/db/database";
import type { Engine } from "@/lib/db/engine";
import { rateLimits } from "@/lib/db/schema";
import { RateLimited, type ServerMessageKey } from "@/lib/errors";
import { countRateLimitRefusal } from "@/lib/ops/metrics";

export type RateLimit = {
  name: string;
  points: number;
  durationSeconds: number;
  message: string;
  /** When set, the refusal's message says how long to wait (forms show it; the API also sends Retry-After). */
  messageFor?: (retryAfterSeconds: number) => string;
  /** messageFor's catalog entry (lib/forms/message-keys.ts), given the whole minutes to wait as {minutes}. */
  messageKey?: ServerMessageKey;
};

/** The wait a refusal names, in whole minutes (at least one). */
export function minutesToWait(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

const TABLE = "rate_limits";

/** A limiter over the database: what one process (one "replica") holds. */
export type RateLimiter = { consume(key: string): Promise<void> };

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
  return {
    async consume(key: string): Promise<void> {
      // On SQLite it writes through the writer connection: inside a unit of work that would wait on itself.
      if (inUnitOfWork()) throw new Error("A rate limit is counted before the unit of work, not inside it");
      try {
        // withWriter: never while a transaction is open on that connection (the count would join it).
        await database.withWriter(() => store.consume(key));
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
          countRateLimitRefusal(limit.name);
          const refusal = new RateLimited(limit.messageFor ? limit.messageFor(seconds) : limit.message, seconds);
          if (limit.messageFor && limit.messageKey) refusal.keyed(limit.messageKey, { minutes: minutesToWait(seconds) });
          throw refusal;
        }
        throw err;
      }
    },
  };
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

/** API requests per access token per minute (TOKEN_RATE_LIMIT_PER_MINUTE), keyed by the token's id. */
export function accessTokenLimit(): RateLimit {
  return {
    name: "access-token",
    points: config().tokenRateLimitPerMinute,
    durationSeconds: 60,
    message: "Too many requests with this access token. Try again later.",
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

/** Forgets every counter (tests start from a clean slate). */
export async function resetRateLimits(): Promise<void> {
  await writeSystem((tx) => tx.delete(rateLimits));
}
