/**
 * The /device page's guessing limit on user codes (./attempt-limits.ts) under a burst: an attacker
 * sends many codes at the same moment. The provider's part is played by the real adapter's lookup
 * (what the provider's /device handler calls for a typed code); the limit's counting is the real one.
 */
import crypto from "node:crypto";
import type { KoaContextWithOIDC } from "oidc-provider";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { oidcFlowStartsIpLimit, oidcUserCodeGlobalLimit, oidcUserCodeIpLimit, oidcUserCodePersonLimit } from "@/lib/security/limits";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createAccount } from "@/test/factories";
import { OidcAdapter } from "./adapter";
import { attemptLimits } from "./attempt-limits";
import { DEVICE_PATH, PROVIDER_ROUTES } from "./paths";
import { newRequestScope, runInRequestScope } from "./request-scope";

beforeAll(async () => {
  await createAccount();
});

beforeEach(async () => {
  await resetRateLimits();
});

type Outcome = { looked: boolean; status: number };

/** The page (or body) the last typeUserCode answered with. */
let lastBody: unknown;

/**
 * One POST /device from `address` typing `userCode`, through the limits' middleware; whether the code was looked up.
 * `signedIn`: the request carries a session cookie that resolves to a live session (of user "user-a", or the id given).
 */
async function typeUserCode(address: string, userCode: string, signedIn: boolean | string = false, extraHeaders: Record<string, string> = {}): Promise<Outcome> {
  let looked = false;
  const headers: Record<string, string> = { [PEER_HEADER]: address, ...extraHeaders };
  if (signedIn) headers.cookie = "authjs.session-token=live";
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
  const userId = signedIn === true ? "user-a" : signedIn || null;
  const middleware = attemptLimits(async (req) => (String(req.headers.cookie ?? "").includes("authjs.session-token=live") ? userId : null));
  await runInRequestScope(newRequestScope(false), () =>
    middleware(ctx, async () => {
      looked = true;
      const found = await new OidcAdapter("DeviceCode").findByUserCode(userCode);
      ctx.body = found ? "confirm" : "no such code";
    }),
  );
  lastBody = ctx.body;
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

/*
 * The per-address limit alone let many addresses guess together (each at 20 a quarter hour). Misses from
 * people without a session now share one budget a minute across addresses; a signed-in person is not held
 * up by it, and a matching code never counts, so its worst case for a person is a short wait.
 */
describe("/device user codes guessed from many addresses", () => {
  const global = () => oidcUserCodeGlobalLimit().points;
  /** The budget used up by misses from many addresses, each well under its own limit. */
  async function missFromManyAddresses(): Promise<void> {
    for (let i = 0; i < global(); i++) expect((await typeUserCode(`203.0.113.${i % 100}`, wrongCode())).looked).toBe(true);
  }

  it("refuses further guesses from any address without a session once the budget is used, for at most its short window", async () => {
    expect(oidcUserCodeGlobalLimit().durationSeconds).toBeLessThanOrEqual(60);
    await missFromManyAddresses();
    // A new address, never seen: not looked up.
    expect(await typeUserCode("192.0.2.200", wrongCode())).toEqual({ looked: false, status: 429 });
    // The page says it isn't this person's doing, and how to skip the wait.
    expect(String(lastBody)).toMatch(/Try again in 1 minute, or sign in to Latchkey first/);
    // A burst from fresh addresses gets no code looked up either.
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => typeUserCode(`192.0.2.${i + 1}`, wrongCode())));
    expect(burst.filter((o) => o.looked)).toEqual([]);
  });

  it("holds no signed-in person up, and never counts a code that matched", async () => {
    const userCode = "BCDFGHJK";
    await new OidcAdapter("DeviceCode").upsert(crypto.randomUUID(), { userCode, clientId: "lka_device_test" } as never, 600);
    // People typing their right code from many addresses don't use up the budget.
    for (let i = 0; i < global() + 5; i++) expect(await typeUserCode(`198.51.100.${i}`, userCode)).toEqual({ looked: true, status: 200 });
    await missFromManyAddresses();
    expect((await typeUserCode("192.0.2.201", userCode)).status).toBe(429);
    // Signed in, the same person's code is looked up (and their address's own limit still applies).
    expect(await typeUserCode("192.0.2.201", userCode, true)).toEqual({ looked: true, status: 200 });
    for (let i = 0; i < oidcUserCodeIpLimit().points; i++) expect((await typeUserCode("192.0.2.202", wrongCode(), true)).looked).toBe(true);
    expect(await typeUserCode("192.0.2.202", wrongCode(), true)).toEqual({ looked: false, status: 429 });
  });

  it("doesn't spend an address's own budget on a guess the shared budget refused", async () => {
    await missFromManyAddresses();
    for (let i = 0; i < oidcUserCodeIpLimit().points + 5; i++) expect((await typeUserCode("192.0.2.203", wrongCode())).status).toBe(429);
    // Signed in from that address: its own limit is untouched.
    expect((await typeUserCode("192.0.2.203", wrongCode(), true)).looked).toBe(true);
  });
});

/*
 * Review 11y: a signed-in person skipped the shared budget and had no budget of their own, so one account's
 * session cookie used from many addresses got each address's budget with no overall cap.
 */
describe("/device user codes guessed with one account's session from many addresses", () => {
  const perPerson = () => oidcUserCodePersonLimit().points;

  it("charges a signed-in person's misses to their own budget, across addresses", async () => {
    for (let i = 0; i < perPerson(); i++) expect((await typeUserCode(`203.0.113.${i}`, wrongCode(), "user-a")).looked).toBe(true);
    // A fresh address, same person: not looked up, and that address's own budget is not spent on it.
    expect(await typeUserCode("192.0.2.210", wrongCode(), "user-a")).toEqual({ looked: false, status: 429 });
    expect((await typeUserCode("192.0.2.210", wrongCode())).looked).toBe(true);
    // Another person has their own budget; the shared one of people without a session was never touched.
    expect((await typeUserCode("192.0.2.211", wrongCode(), "user-b")).looked).toBe(true);
  });

  it("forgives a signed-in person's code that matched", async () => {
    const userCode = "BCDFGHJK";
    await new OidcAdapter("DeviceCode").upsert(crypto.randomUUID(), { userCode, clientId: "lka_device_test" } as never, 600);
    for (let i = 0; i < perPerson() + 5; i++) expect(await typeUserCode(`198.51.100.${i}`, userCode, "user-c")).toEqual({ looked: true, status: 200 });
    for (let i = 0; i < perPerson(); i++) expect((await typeUserCode(`203.0.113.${i}`, wrongCode(), "user-c")).looked).toBe(true);
    expect((await typeUserCode("203.0.113.99", wrongCode(), "user-c")).status).toBe(429);
  });
});

/*
 * A signed-in person refused by their own budget was told the same as an address past its limit, and an app's
 * sign-in refused for too many started from the address was told about codes that didn't match: each refusal
 * now says whose count ran out.
 */
describe("a refusal's page", () => {
  const ADDRESS = /entered from your address/;
  const PERSON = /entered with your account/;

  it("for an address past its limit says so", async () => {
    for (let i = 0; i < oidcUserCodeIpLimit().points; i++) expect((await typeUserCode("198.51.100.60", wrongCode())).looked).toBe(true);
    expect(await typeUserCode("198.51.100.60", wrongCode())).toEqual({ looked: false, status: 429 });
    expect(String(lastBody)).toMatch(ADDRESS);
    expect(String(lastBody)).not.toMatch(PERSON);
    // Signed in from that address: still the address's limit.
    expect(await typeUserCode("198.51.100.60", wrongCode(), "user-d")).toEqual({ looked: false, status: 429 });
    expect(String(lastBody)).toMatch(ADDRESS);
  });

  it("for a signed-in person past their own budget says it is theirs, not their address's (en, de)", async () => {
    for (let i = 0; i < oidcUserCodePersonLimit().points; i++) expect((await typeUserCode(`203.0.113.${i}`, wrongCode(), "user-e")).looked).toBe(true);
    expect(await typeUserCode("192.0.2.220", wrongCode(), "user-e")).toEqual({ looked: false, status: 429 });
    expect(String(lastBody)).toMatch(PERSON);
    expect(String(lastBody)).not.toMatch(ADDRESS);
    await typeUserCode("192.0.2.221", wrongCode(), "user-e", { "accept-language": "de" });
    expect(String(lastBody)).toMatch(/Mit Ihrem Konto wurden zu viele Codes eingegeben/);
  });

  it("for everyone's budget says it isn't theirs and how to skip it", async () => {
    for (let i = 0; i < oidcUserCodeGlobalLimit().points; i++) expect((await typeUserCode(`203.0.113.${i}`, wrongCode())).looked).toBe(true);
    await typeUserCode("192.0.2.222", wrongCode());
    expect(String(lastBody)).toMatch(/or sign in to Latchkey first/);
    expect(String(lastBody)).not.toMatch(ADDRESS);
    expect(String(lastBody)).not.toMatch(PERSON);
  });

  it("for an app's sign-in started too often from the address speaks of sign-ins, not codes", async () => {
    const signInStart = async () => {
      const ctx = { method: "GET", path: PROVIDER_ROUTES.authorization, req: { headers: { [PEER_HEADER]: "198.51.100.61" } }, status: 200, body: undefined as unknown, type: "", set() {}, oidc: undefined } as unknown as KoaContextWithOIDC;
      await attemptLimits(async () => null)(ctx, async () => undefined);
      return ctx;
    };
    for (let i = 0; i < oidcFlowStartsIpLimit().points; i++) expect((await signInStart()).status).toBe(200);
    const refused = await signInStart();
    expect(refused.status).toBe(429);
    expect(String(refused.body)).toMatch(/Too many sign-ins were started from your address/);
    expect(String(refused.body)).not.toMatch(/didn\S*t match/);
  });
});
