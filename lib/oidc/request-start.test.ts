import { describe, expect, it, vi } from "vitest";
import { bumpCacheVersion } from "@/lib/data/cache-version";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { RateLimited } from "@/lib/errors";
import { oidcFailuresClientLimit, oidcFailuresIpLimit } from "@/lib/security/limits";
import { assertRateLimitsNotExhausted, consumeRateLimit } from "@/lib/security/rate-limit";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { addressLimitKey } from "@/lib/security/address-key";
import { onPostgres } from "@/test/test-database";
import { countersToReadAhead } from "./attempt-limits";
import { cacheVersionNow, currentScope, newRequestScope, runInRequestScope } from "./request-scope";

const basic = (clientId: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;

describe("an app's request reads its guessing limits' counters with the cache versions", () => {
  it("names the address's counter on the app endpoints only (a client's own count is not checked before it authenticates: review 46)", () => {
    const headers = { [PEER_HEADER]: "198.51.100.7", authorization: basic("lka_one two", "secret:with:colons") };
    // The address under an HMAC: rate_limits holds no client address in the clear (review 17).
    expect(countersToReadAhead("POST", "/oidc/token", headers)).toEqual([`${oidcFailuresIpLimit().name}:${addressLimitKey("198.51.100.7")}`]);
    expect(countersToReadAhead("POST", "/oidc/token/introspection", { authorization: "Bearer x" })).toHaveLength(1);
    expect(countersToReadAhead("GET", "/oidc/token", headers)).toEqual([]);
    expect(countersToReadAhead("POST", "/oidc/auth", headers)).toEqual([]);
  });

  it("refuses an address past its limit from the counter read with the versions, and reads what it didn't read ahead", async () => {
    const addressLimit = oidcFailuresIpLimit();
    const exhausted = addressLimitKey("198.51.100.8");
    for (let i = 0; i < addressLimit.points; i++) await consumeRateLimit(addressLimit, exhausted);
    await writeSystem((tx) => bumpCacheVersion(tx, "request-start-test"));
    const headers = { [PEER_HEADER]: "198.51.100.8", authorization: basic(`lka_request_start_${Date.now()}`, "whatever") };
    const scope = newRequestScope(false, countersToReadAhead("POST", "/oidc/token", headers));

    // On PostgreSQL db()'s client is the readers' pool: every round trip of these reads is one call of its query.
    const pool = onPostgres ? (db() as unknown as { $client: { query: (...args: unknown[]) => unknown } }).$client : undefined;
    const sent = pool ? vi.spyOn(pool, "query") : undefined;
    await runInRequestScope(scope, async () => {
      expect(await cacheVersionNow("request-start-test")).toBeGreaterThanOrEqual(1);
      const refused = await assertRateLimitsNotExhausted([[addressLimit, exhausted]], currentScope()?.startCounters).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(RateLimited);
      // A counter not read ahead (another limit, say) is read when it is checked, and is not refused.
      await assertRateLimitsNotExhausted([[oidcFailuresClientLimit(), `lka_request_start_other_${Date.now()}`]], currentScope()?.startCounters);
    });
    if (onPostgres) {
      // One round trip for the versions and the address's counter, one for the counter read apart.
      expect(sent!.mock.calls).toHaveLength(2);
      expect(scope.startCounters?.size).toBe(1);
    }
    sent?.mockRestore();
  });
});
