/**
 * The /device page's guessing limit on user codes (./attempt-limits.ts) under a burst: an attacker
 * sends many codes at the same moment. The provider's part is played by the real adapter's lookup
 * (what the provider's /device handler calls for a typed code); the limit's counting is the real one.
 */
import crypto from "node:crypto";
import type { KoaContextWithOIDC } from "oidc-provider";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { oidcUserCodeIpLimit } from "@/lib/security/limits";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createAccount } from "@/test/factories";
import { OidcAdapter } from "./adapter";
import { attemptLimits } from "./attempt-limits";
import { DEVICE_PATH } from "./paths";
import { newRequestScope, runInRequestScope } from "./request-scope";

beforeAll(async () => {
  await createAccount();
});

beforeEach(async () => {
  await resetRateLimits();
});

type Outcome = { looked: boolean; status: number };

/** One POST /device from `address` typing `userCode`, through the limits' middleware; whether the code was looked up. */
async function typeUserCode(address: string, userCode: string): Promise<Outcome> {
  let looked = false;
  const headers: Record<string, string> = { [PEER_HEADER]: address };
  const ctx = {
    method: "POST",
    path: DEVICE_PATH,
    req: { headers },
    status: 200,
    body: undefined as unknown,
    type: "",
    set() {},
    oidc: undefined,
  } as unknown as KoaContextWithOIDC;
  const middleware = attemptLimits(async () => false);
  await runInRequestScope(newRequestScope(false), () =>
    middleware(ctx, async () => {
      looked = true;
      const found = await new OidcAdapter("DeviceCode").findByUserCode(userCode);
      ctx.body = found ? "confirm" : "no such code";
    }),
  );
  return { looked, status: ctx.status };
}

const wrongCode = () => crypto.randomBytes(4).toString("hex").toUpperCase();

describe("/device user codes under a burst of guesses", () => {
  it("looks up no more codes than the limit, however many arrive at once", async () => {
    const limit = oidcUserCodeIpLimit().points;
    const burst = limit * 4;
    const outcomes = await Promise.all(Array.from({ length: burst }, () => typeUserCode("198.51.100.40", wrongCode())));
    const looked = outcomes.filter((o) => o.looked).length;
    expect(looked).toBeLessThanOrEqual(limit);
    expect(outcomes.filter((o) => o.status === 429).length).toBeGreaterThanOrEqual(burst - limit);
    // The address stays refused: the next guess isn't looked up.
    expect(await typeUserCode("198.51.100.40", wrongCode())).toEqual({ looked: false, status: 429 });
    // Another address has its own count.
    expect((await typeUserCode("198.51.100.41", wrongCode())).looked).toBe(true);
  });

  it("never counts a code that matched: a person entering theirs again and again is not refused", async () => {
    const userCode = "BCDFGHJK";
    await new OidcAdapter("DeviceCode").upsert(crypto.randomUUID(), { userCode, clientId: "lka_device_test" } as never, 600);
    const limit = oidcUserCodeIpLimit().points;
    for (let i = 0; i < limit + 5; i++) expect(await typeUserCode("198.51.100.42", userCode)).toEqual({ looked: true, status: 200 });
    // Its misses still count as before: the limit's worth are looked up, the next is refused.
    for (let i = 0; i < limit; i++) expect((await typeUserCode("198.51.100.42", wrongCode())).looked).toBe(true);
    expect(await typeUserCode("198.51.100.42", wrongCode())).toEqual({ looked: false, status: 429 });
  });
});
