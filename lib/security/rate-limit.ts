/**
 * Request rate limits, per key (client address, token id, email…), using
 * rate-limiter-flexible's in-memory limiter: Latchkey runs as one process, so
 * memory is the shared state. Every limit is named here so they are easy to
 * find and tune; exceeding one throws RateLimited (429 with Retry-After).
 */
import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "@/lib/config";
import { RateLimited } from "@/lib/errors";

export type RateLimit = {
  name: string;
  points: number;
  durationSeconds: number;
  message: string;
  /** When set, the refusal's message says how long to wait (forms show it; the API also sends Retry-After). */
  messageFor?: (retryAfterSeconds: number) => string;
};

const globalForLimiters = globalThis as unknown as { latchkeyLimiters?: Map<string, RateLimiterMemory> };
const limiters: Map<string, RateLimiterMemory> = (globalForLimiters.latchkeyLimiters ??= new Map());

function limiterFor(limit: RateLimit): RateLimiterMemory {
  let limiter = limiters.get(limit.name);
  if (!limiter) {
    limiter = new RateLimiterMemory({ keyPrefix: limit.name, points: limit.points, duration: limit.durationSeconds });
    limiters.set(limit.name, limiter);
  }
  return limiter;
}

/** Counts one request against the limit for this key; throws RateLimited when over. */
export async function consumeRateLimit(limit: RateLimit, key: string): Promise<void> {
  try {
    await limiterFor(limit).consume(key);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new RateLimited(limit.messageFor ? limit.messageFor(seconds) : limit.message, seconds);
    }
    throw err;
  }
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

/** Forgets every counter (tests start from a clean slate). */
export function resetRateLimits(): void {
  limiters.clear();
}
