/**
 * Round 28 (docs/benchmarks.md): on PostgreSQL a refresh grant's body is read ahead of oidc-provider
 * (lib/http/peek-body.ts, put back for the provider to read), and its refresh token's rows come with the
 * request's start read (lib/oidc/request-start.ts): two round trips per grant instead of three. These tests
 * hold the count, and on both dialects the rules the token's rows decide: rotation, reuse revoking the chain,
 * a blocked person refused, a wrong client secret counted by the guessing limits, and the provider's own
 * answers for a body it can't take, over HTTP through oidcRequestHandler (test/provider-server.ts).
 */
import http from "node:http";
import { eq } from "drizzle-orm";
import * as oidc from "openid-client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApplication } from "@/lib/applications/applications";
import { createApplicationSchema } from "@/lib/applications/schemas";
import { config } from "@/lib/config";
import { sessionSecret } from "@/lib/crypto/keys";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { rateLimits, users } from "@/lib/db/schema";
import { consumeRateLimit, counterKey, resetRateLimits } from "@/lib/security/rate-limit";
import { oidcFailuresClientLimit } from "@/lib/security/limits";
import { createUser, META, startSession } from "@/test/factories";
import { startProviderServer } from "@/test/provider-server";
import { onPostgres } from "@/test/test-database";
import { SESSION_COOKIE } from "./auth-cookies";
import { encodeSessionToken } from "./session-token";

const REDIRECT = "http://127.0.0.1:9/callback";
let loopback: Awaited<ReturnType<typeof startProviderServer>>;
let base: string;
let app: { clientId: string; basic: string };
/** A single-page app: no secret, its client_id in the body (PKCE). */
let spaClientId: string;
/** Everything written with console.warn in this file (oidc-provider warns there, once, when a body was read before it). */
const warned: string[] = [];

beforeAll(async () => {
  const warn = console.warn.bind(console);
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    warned.push(args.map(String).join(" "));
    warn(...args);
  });
  loopback = await startProviderServer();
  base = loopback.base;
  // PUBLIC_URL set, as in production: the issuer is not read from Settings → Email on every request.
  (config() as { publicUrl: string | null }).publicUrl = base;
  const owner = { id: loopback.ownerId, accountId: loopback.accountId };
  const input = createApplicationSchema.parse({ name: "Grafana", type: "web", redirect_uris: [REDIRECT] });
  const { application, clientSecret } = await createApplication(await startSession(owner), input, META);
  const spa = createApplicationSchema.parse({ name: "NetBird dashboard", type: "spa", redirect_uris: [REDIRECT] });
  spaClientId = (await createApplication(await startSession(owner), spa, META)).application.clientId;
  app = { clientId: application.clientId, basic: `Basic ${Buffer.from(`${encodeURIComponent(application.clientId)}:${encodeURIComponent(clientSecret!)}`).toString("base64")}` };
});

afterAll(async () => {
  (config() as { publicUrl: string | null }).publicUrl = null;
  vi.restoreAllMocks();
  await loopback.close();
});

type Answer = { status: number; body: Record<string, string> };

const tokenRequest = async (fields: Record<string, string>, authorization: string | null = app.basic): Promise<Answer> => {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", ...(authorization ? { authorization } : {}) };
  const res = await fetch(`${base}/oidc/token`, { method: "POST", headers, body: new URLSearchParams(fields) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};

/** A person signed in to Latchkey who signs in to the app with offline_access: their first tokens. */
async function firstTokens(publicApp = false): Promise<{ userId: string; tokens: Record<string, string> }> {
  const person = await createUser(loopback.accountId, { role: "user" });
  const { sessionId } = await startSession(person);
  const cookie = `${SESSION_COOKIE}=${await encodeSessionToken({ token: { sid: sessionId, sub: person.id }, secret: sessionSecret(), salt: SESSION_COOKIE, maxAge: 3600 })}`;
  const clientId = publicApp ? spaClientId : app.clientId;
  const rp = await oidc.discovery(new URL(base), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const pkce: Record<string, string> = publicApp ? { code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256" } : {};
  let next: URL = oidc.buildAuthorizationUrl(rp, { redirect_uri: REDIRECT, scope: "openid offline_access", prompt: "consent", ...pkce });
  const jar = [cookie];
  for (let hop = 0; hop < 8; hop += 1) {
    const res = await fetch(next, { redirect: "manual", headers: { cookie: jar.join("; ") } });
    for (const set of res.headers.getSetCookie()) jar.push(set.split(";", 1)[0]);
    const location = res.headers.get("location");
    if (!location) throw new Error(`no redirect: ${res.status}`);
    next = new URL(location, next);
    const code = next.origin !== base ? next.searchParams.get("code") : null;
    if (code) {
      const exchange = { grant_type: "authorization_code", code, redirect_uri: REDIRECT };
      const first = publicApp ? await tokenRequest({ ...exchange, code_verifier: verifier, client_id: clientId }, null) : await tokenRequest(exchange);
      expect(first.status).toBe(200);
      return { userId: person.id, tokens: first.body };
    }
  }
  throw new Error("too many redirects");
}

const refresh = (token: string) => tokenRequest({ grant_type: "refresh_token", refresh_token: token });

/** The statements one call sends to PostgreSQL: every round trip is one call of a pg Client's query. */
async function statementsOf(call: () => Promise<unknown>): Promise<string[]> {
  const sent = vi.spyOn(pg.Client.prototype, "query");
  try {
    await call();
    return sent.mock.calls.map(([query]) => (typeof query === "string" ? query : ((query as { name?: string; text: string }).name ?? (query as { text: string }).text)));
  } finally {
    sent.mockRestore();
  }
}

describe("a refresh grant", () => {
  it("rotates the token, and a used one presented again revokes the whole chain", async () => {
    const { tokens } = await firstTokens();
    const second = await refresh(tokens.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(tokens.refresh_token);
    const third = await refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
    // The first token again: reuse. Its chain ends, the newest token included.
    expect((await refresh(tokens.refresh_token)).body.error).toBe("invalid_grant");
    expect((await refresh(third.body.refresh_token)).body.error).toBe("invalid_grant");
  });

  it("is refused once the person is blocked (the token's rows carry the person as they are now)", async () => {
    const { userId, tokens } = await firstTokens();
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
    const again = await firstTokens();
    await writeSystem((tx) => tx.update(users).set({ isBlocked: true }).where(eq(users.id, again.userId)));
    expect((await refresh(again.tokens.refresh_token)).body.error).toBe("invalid_grant");
    expect(userId).not.toBe(again.userId);
  });

  it("with a wrong client secret is refused and counted against the client", async () => {
    await resetRateLimits();
    const { tokens } = await firstTokens();
    const wrong = `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:not-the-secret`).toString("base64")}`;
    const answer = await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }, wrong);
    expect(answer).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    const [counter] = await db().select({ points: rateLimits.points }).from(rateLimits).where(eq(rateLimits.key, counterKey(oidcFailuresClientLimit(), app.clientId)));
    expect(Number(counter?.points)).toBe(1);
    // The token was not spent by the refused request.
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });

  it("of a public app past its guessing limit is refused (its counter read with the start read on PostgreSQL)", async () => {
    await resetRateLimits();
    const { tokens } = await firstTokens(true);
    const limit = oidcFailuresClientLimit();
    for (let i = 0; i < limit.points; i++) await consumeRateLimit(limit, spaClientId);
    const refused = await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: spaClientId }, null);
    expect(refused).toMatchObject({ status: 429, body: { error: "temporarily_unavailable" } });
    await resetRateLimits();
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: spaClientId }, null)).status).toBe(200);
  });

  it("whose body arrives in two parts is read whole", async () => {
    const { tokens } = await firstTokens();
    const body = Buffer.from(new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }).toString());
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = http.request(`${base}/oidc/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": body.length, authorization: app.basic } }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += String(c)));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, string> }));
      });
      req.on("error", reject);
      req.write(body.subarray(0, 20));
      setTimeout(() => req.end(body.subarray(20)), 50);
    });
    expect(answer.status).toBe(200);
    expect(answer.body.refresh_token).toBeTruthy();
  });

  it("with a body the provider won't take gets the provider's own answers", async () => {
    const { tokens } = await firstTokens();
    // Over oidc-provider's 56 KiB: not read ahead, and the provider refuses it as before.
    const large = await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, padding: "x".repeat(60 * 1024) });
    expect(large).toMatchObject({ status: 400, body: { error: "invalid_request", error_description: "failed to parse the request body" } });
    // Another content type: the provider's refusal, the token unspent.
    const res = await fetch(`${base}/oidc/token`, { method: "POST", headers: { "content-type": "text/plain", authorization: app.basic }, body: `grant_type=refresh_token&refresh_token=${tokens.refresh_token}` });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_request");
    expect((await refresh(tokens.refresh_token)).status).toBe(200);
  });

  it("leaves the provider reading the body itself: no 'already parsed request body' warning", () => {
    // Last in this describe: every grant above had its body read ahead on PostgreSQL.
    expect(warned.filter((line) => line.includes("already parsed"))).toEqual([]);
  });
});

describe.runIf(onPostgres)("a refresh grant on PostgreSQL", () => {
  it("takes two round trips: the start read with the token's rows, then the consume-and-mint", async () => {
    const { tokens } = await firstTokens();
    const second = await refresh(tokens.refresh_token);
    let third: Answer | undefined;
    const statements = await statementsOf(async () => (third = await refresh(second.body.refresh_token)));
    expect(third?.status).toBe(200);
    // Before round 28: the versions and counters, the token's rows (latchkey_oidc_token_kinds), the consume-and-mint.
    expect(statements).toHaveLength(2);
    expect(statements[0]).toBe("latchkey_oidc_start_token_kinds_2");
  });

  it("of a public app (its client_id in the body) reads that client's counter with them too: two round trips", async () => {
    const { tokens } = await firstTokens(true);
    let answer: Answer | undefined;
    const statements = await statementsOf(async () => (answer = await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: spaClientId }, null)));
    expect(answer?.status).toBe(200);
    // Before: the client's counter was read apart when the provider looked the client up (three, with the body read ahead).
    expect(statements).toEqual(["latchkey_oidc_start_token_kinds_2", expect.stringMatching(/^latchkey_oidc_/)]);
  });

  it("with a token that isn't one still reads the versions and counters in one round trip, and is refused", async () => {
    const statements = await statementsOf(async () => expect((await refresh("not-a-refresh-token")).body.error).toBe("invalid_grant"));
    expect(statements).toEqual(["latchkey_oidc_start_token_kinds_2"]);
  });
});
