/**
 * Review 47: the return from an external OpenID provider, attacked. Auth.js's routes run as ./nextauth.ts configures
 * them (test/auth-js.ts), against a provider of the test's own on loopback whose token endpoint answers with the ID
 * token each test makes: wrong audience, an extra audience without azp, expired, another nonce or none, another
 * issuer, and a response meant for another provider. Each must sign nobody in; the right one signs in (so the
 * refusals are the checks', not the harness's).
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, generateKeyPair, exportJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { forgetDiscoveryCache } from "@/lib/idp/discovery";
import { createProvider } from "@/lib/idp/providers";
import { providerInputSchema } from "@/lib/idp/schemas";
import { authJs, cookiePairs } from "@/test/auth-js";
import { withoutUnusableCallbackUrl } from "./unusable-callback-url";
import { createAccount, createUser, META, startSession } from "@/test/factories";

vi.mock("next-auth", async () => ({ ...(await import("@/test/auth-js")).nextAuthModule, customFetch: (await import("@auth/core")).customFetch }));
vi.mock("next-auth/providers/credentials", async () => (await import("@/test/auth-js")).credentialsModule());
vi.mock("next/headers", async () => (await import("@/test/auth-js")).nextHeadersModule);

const ORIGIN = "http://localhost:3000";
const CLIENT_ID = "latchkey-client";

type Claims = Record<string, unknown>;
/** What the token endpoint puts in the next ID token: the test's change to the right claims. */
let idToken: (right: Claims) => Promise<string> | string;
let lastNonce: string | undefined;
/** How the token endpoint answers: as a provider does, with an endless trickle, or with a body past the limit. */
let tokenAnswer: "normal" | "trickle" | "huge" = "normal";
const trickles: http.ServerResponse[] = [];
let issuer: string;
let server: http.Server;
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let jwk: Record<string, unknown>;
let providerId: string;
let secondProviderId: string;

async function sign(claims: Claims, key = signingKey, alg = "RS256"): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, kid: "k1" }).sign(key);
}

function unsigned(claims: Claims): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "none" })}.${part(claims)}.`;
}

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  signingKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  otherKey = (await generateKeyPair("RS256")).privateKey;
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const json = (value: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (url.pathname === "/.well-known/openid-configuration") {
      return json({
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/me`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
      });
    }
    if (url.pathname === "/jwks") return json({ keys: [jwk] });
    if (url.pathname === "/token" && tokenAnswer === "trickle") {
      // Headers at once, then a byte every half second, for ever: a slow-loris answer.
      res.writeHead(200, { "content-type": "application/json" });
      res.write("{");
      trickles.push(res);
      const timer = setInterval(() => res.write(" "), 500);
      res.on("close", () => clearInterval(timer));
      return;
    }
    if (url.pathname === "/token" && tokenAnswer === "huge") {
      const now = Math.floor(Date.now() / 1000);
      return json({ access_token: "x", token_type: "Bearer", padding: "p".repeat(2 * 1024 * 1024), iat: now });
    }
    if (url.pathname === "/token") {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", async () => {
        const now = Math.floor(Date.now() / 1000);
        const right = { iss: issuer, aud: CLIENT_ID, sub: "pat-47", email: "pat47@example.com", email_verified: true, iat: now, exp: now + 300, nonce: lastNonce };
        json({ access_token: crypto.randomUUID(), token_type: "Bearer", expires_in: 300, id_token: await idToken(right) });
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const accountId = await createAccount();
  const owner = await startSession(await createUser(accountId, { role: "owner" }));
  const input = (name: string) =>
    providerInputSchema.parse({ type: "oidc", name, issuer, client_id: CLIENT_ID, client_secret: "s", signup_policy: "open", allow_internal_addresses: true });
  providerId = (await createProvider(owner, input("Attack IdP"), META)).id;
  secondProviderId = (await createProvider(owner, input("Second IdP"), META)).id;
  forgetDiscoveryCache();
});

afterAll(async () => {
  for (const res of trickles) res.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Starts a sign-in with the provider as a browser does: the authorization request's parameters and the check cookies. */
async function start(provider: string, callbackUrl = "/profile"): Promise<{ params: URLSearchParams; cookies: string[] }> {
  const csrf = await authJs(new Request(`${ORIGIN}/api/auth/csrf`));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = cookiePairs(csrf).find((c) => c.startsWith("authjs.csrf-token="))!;
  const started = await authJs(
    new Request(`${ORIGIN}/api/auth/signin/${provider}`, {
      method: "POST",
      headers: { cookie: csrfCookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl }).toString(),
    }),
  );
  const location = started.headers.get("location") ?? "";
  expect(location, "the sign-in goes to the provider").toMatch(new RegExp(`^${issuer}/auth\\?`));
  const params = new URL(location).searchParams;
  lastNonce = params.get("nonce") ?? undefined;
  return { params, cookies: [csrfCookie, ...cookiePairs(started)] };
}

/** The provider's answer arriving at a provider's callback; whether a session cookie came back. */
async function callback(provider: string, begun: { params: URLSearchParams; cookies: string[] }, extra: Record<string, string> = {}) {
  const query = new URLSearchParams({ code: crypto.randomUUID(), state: begun.params.get("state") ?? "", ...extra });
  const answer = await authJs(new Request(`${ORIGIN}/api/auth/callback/${provider}?${query}`, { headers: { cookie: begun.cookies.join("; ") } }));
  const signedIn = cookiePairs(answer).some((c) => /^authjs\.session-token=./.test(c));
  return { signedIn, location: answer.headers.get("location") ?? "" };
}

async function attempt(make: (right: Claims) => Promise<string> | string, extra?: Record<string, string>) {
  idToken = make;
  return callback(providerId, await start(providerId), extra);
}

describe("the ID token from an external provider (review 47)", () => {
  it("the right one signs in (the harness works)", async () => {
    expect(await attempt((right) => sign(right))).toMatchObject({ signedIn: true, location: `${ORIGIN}/profile` });
  });

  it.each<[string, (right: Claims) => Claims]>([
    ["another audience", (r) => ({ ...r, aud: "another-app" })],
    ["an extra audience without azp", (r) => ({ ...r, aud: [CLIENT_ID, "another-app"] })],
    ["an extra audience with another azp", (r) => ({ ...r, aud: [CLIENT_ID, "another-app"], azp: "another-app" })],
    ["expired", (r) => ({ ...r, iat: Number(r.iat) - 3600, exp: Number(r.iat) - 600 })],
    ["not valid yet (nbf)", (r) => ({ ...r, nbf: Number(r.iat) + 3600 })],
    ["no nonce", (r) => ({ ...r, nonce: undefined })],
    ["another sign-in's nonce", (r) => ({ ...r, nonce: "a-nonce-of-another-sign-in" })],
    ["another issuer", (r) => ({ ...r, iss: "https://evil.example" })],
    ["no subject", (r) => ({ ...r, sub: undefined })],
  ])("signs nobody in with %s", async (_name, change) => {
    const result = await attempt((right) => sign(change(right)));
    expect(result.signedIn).toBe(false);
    expect(result.location).toMatch(/\/login\?/);
  });

  it("signs nobody in with an unsigned token (alg none) where the provider names RS256", async () => {
    expect((await attempt((right) => unsigned(right))).signedIn).toBe(false);
  });

  it("refuses an RFC 9207 iss parameter naming another issuer (mix-up)", async () => {
    const result = await attempt((right) => sign(right), { iss: "https://evil.example" });
    expect(result.signedIn).toBe(false);
  });

  it("accepts a signature by a key not in the provider's JWKS: the token comes straight from the token endpoint (left, see docs/security.md)", async () => {
    // OpenID Connect Core 3.1.3.7 (6): TLS to the token endpoint may stand in for the signature; oauth4webapi checks
    // the claims, not the signature, for the code flow. Kept to notice if that changes.
    expect((await attempt((right) => sign(right, otherKey))).signedIn).toBe(true);
  });
});

describe("a provider that answers too slowly or too much (review 47)", () => {
  it("a token endpoint that trickles for ever is given up on (10 s), and signs nobody in", async () => {
    tokenAnswer = "trickle";
    const began = Date.now();
    try {
      const result = await attempt((right) => sign(right));
      expect(result.signedIn).toBe(false);
      expect(Date.now() - began).toBeLessThan(15_000);
    } finally {
      tokenAnswer = "normal";
    }
  }, 20_000);

  it("a token answer past 1 MiB is not read, and signs nobody in", async () => {
    tokenAnswer = "huge";
    try {
      expect((await attempt((right) => sign(right))).signedIn).toBe(false);
    } finally {
      tokenAnswer = "normal";
    }
  });
});

describe("what a refused callback leaves in the server's log (review 47)", () => {
  /** What Auth.js's logger (./nextauth.ts) wrote while `run` ran: every console.error and console.warn, as text. */
  async function logged(run: () => Promise<unknown>): Promise<{ errors: string[]; warnings: string[] }> {
    const { format } = await import("node:util");
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await run();
      return { errors: errors.mock.calls.map((args) => format(...args)), warnings: warnings.mock.calls.map((args) => format(...args)) };
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
    }
  }

  it("one line naming the failed check, without the ID token's claims, for a token the checks refuse", async () => {
    const log = await logged(() => attempt((right) => sign({ ...right, aud: "another-app", name: "Pat Person" })));
    expect(log.errors, "no error with a stack").toEqual([]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('"aud"');
    expect(log.warnings[0]).not.toContain("\n");
    expect(log.warnings.join("\n")).not.toMatch(/pat47@example\.com|Pat Person|pat-47/);
  });

  it("one line for a callback whose state isn't the one this browser's sign-in sent", async () => {
    idToken = (right) => sign(right);
    const mine = await start(providerId);
    const theirs = await start(providerId);
    const log = await logged(() => callback(providerId, { params: theirs.params, cookies: mine.cookies }));
    expect(log.errors).toEqual([]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('"state"');
    expect(log.warnings[0]).not.toContain(theirs.params.get("state")!);
  });
});

describe("whose sign-in a callback belongs to (review 47)", () => {
  it("a response to a sign-in begun with one provider, brought to another's callback, signs nobody in", async () => {
    idToken = (right) => sign(right);
    const begun = await start(providerId);
    const result = await callback(secondProviderId, begun);
    expect(result.signedIn).toBe(false);
    // The same response at its own provider's callback still works: the checks were bound, not spent.
    expect((await callback(providerId, begun)).signedIn).toBe(true);
  });

  it("where the sign-in goes afterwards stays on this site, whatever the start asked", async () => {
    idToken = (right) => sign(right);
    for (const asked of ["https://evil.example/x", "//evil.example/x", "/\\evil.example/x", "javascript:alert(1)", "http://localhost:3000.evil.example/"]) {
      const { signedIn, location } = await callback(providerId, await start(providerId, asked));
      expect(signedIn, asked).toBe(true);
      expect(new URL(location).origin, `${asked} → ${location}`).toBe(ORIGIN);
      expect(new URL(location).host).toBe("localhost:3000");
    }
  });

  it("a way back that isn't a URL at all is a bad request's, not a server fault: no 500, no stack in the log", async () => {
    // As the route hands requests to Auth.js (app/api/auth/[...nextauth]/route.ts).
    const asRouted = (request: Request) => authJs(withoutUnusableCallbackUrl(request));
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      for (const path of ["/api/auth/session?callbackUrl=http://a:b", "/api/auth/csrf?callbackUrl=http://a:b%0A[auth][error]%20forged", "/api/auth/providers?callbackUrl=javascript:alert(1)"]) {
        expect((await asRouted(new Request(`${ORIGIN}${path}`))).status, path).toBe(200);
      }
      // The same value in the way-back cookie (which Auth.js reads on every request) doesn't break the browser's requests,
      // and Auth.js writes the cookie anew over it.
      const planted = await asRouted(new Request(`${ORIGIN}/api/auth/session`, { headers: { cookie: "authjs.csrf-token=x; authjs.callback-url=http%3A%2F%2Fa%3Ab" } }));
      expect(planted.status).toBe(200);
      expect(cookiePairs(planted)).toContain(`authjs.callback-url=${encodeURIComponent(ORIGIN)}`);
      expect(errors.mock.calls, "nothing logged as a server error").toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });

  it("a usable way back is left as it is, for Auth.js's own rule (./nextauth.ts redirect) to judge", () => {
    for (const value of ["/profile", `${ORIGIN}/profile`, "https://evil.example/x", "//evil.example"]) {
      const request = new Request(`${ORIGIN}/api/auth/session?callbackUrl=${encodeURIComponent(value)}`, { headers: { cookie: `authjs.callback-url=${encodeURIComponent(value)}` } });
      expect(withoutUnusableCallbackUrl(request), value).toBe(request);
    }
    const dropped = withoutUnusableCallbackUrl(new Request(`${ORIGIN}/api/auth/signin?x=1&callbackUrl=http://a:b`, { headers: { cookie: "a=1; __Host-authjs.callback-url=http%3A%2F%2Fa%3Ab; b=2" } }));
    expect(dropped.url).toBe(`${ORIGIN}/api/auth/signin?x=1`);
    expect(dropped.headers.get("cookie")).toBe("a=1; b=2");
  });

  it("a callback with another browser's state, or with none, signs nobody in", async () => {
    idToken = (right) => sign(right);
    const mine = await start(providerId);
    const theirs = await start(providerId);
    expect((await callback(providerId, { params: theirs.params, cookies: mine.cookies })).signedIn).toBe(false);
    expect((await callback(providerId, { params: new URLSearchParams(), cookies: mine.cookies })).signedIn).toBe(false);
    expect((await callback(providerId, { params: mine.params, cookies: [] })).signedIn).toBe(false);
  });
});
