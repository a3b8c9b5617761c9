/**
 * The sign-in cookies under https (review 10c, then the "__Host-" prefix).
 *
 * Review 10c: with PUBLIC_URL on https, the session cookie is Secure whatever scheme the request reached
 * Latchkey with. Behind a TLS proxy that isn't named in TRUST_PROXY (or that doesn't send
 * X-Forwarded-Proto) every request looks like plain http, and Auth.js issued `authjs.session-token`
 * without Secure: the browser then sends the session to any http:// address of the host.
 *
 * "__Host-": a "__Secure-" cookie can still be planted by a sibling subdomain for the parent domain
 * (grafana.example.com answering `Set-Cookie: __Secure-authjs.session-token=<the attacker's session>;
 * Domain=.example.com; Secure`): session fixation, login CSRF, and an app signing in through Latchkey
 * would sign the victim in as the attacker. A "__Host-" cookie can't be set with a Domain, so under https
 * every sign-in cookie is "__Host-" named, and every reader takes only that name.
 *
 * Runs ./nextauth.ts's own configuration through @auth/core's Auth(), as auth-route-sign-out.test.ts does.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { config } from "@/lib/config";
import { sessionSecret } from "@/lib/crypto/keys";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { authJs, cookiePairs, serverRequest } from "@/test/auth-js";
import { createAccount, createUser, startSession, type TestUser } from "@/test/factories";
import { apiActor } from "./api-actor";
import { authJsCookies } from "./auth-cookies";
import { browserSession } from "./browser-session";
import { sessionIdFromCookie } from "./session-cookie";
import { encodeSessionToken } from "./session-token";

vi.mock("next-auth", async () => (await import("@/test/auth-js")).nextAuthModule);
vi.mock("next-auth/providers/credentials", async () => (await import("@/test/auth-js")).credentialsModule());
vi.mock("next/headers", async () => (await import("@/test/auth-js")).nextHeadersModule);

const PASSWORD = "a long and unusual passphrase";
const environment = config() as { publicUrl: string | null; trustedProxies: string[] };
const PROXY = "10.1.0.9";
let alice: TestUser;

beforeAll(async () => {
  const accountId = await createAccount();
  alice = await createUser(accountId, { email: "alice@example.com", password: PASSWORD });
});

afterEach(() => {
  environment.publicUrl = null;
  environment.trustedProxies = [];
  serverRequest.headers = new Headers();
});

/** The ways a request is https for the cookies: an https PUBLIC_URL (the request itself plain), or a trusted TLS proxy saying so. */
const HTTPS: Array<[string, () => Record<string, string>]> = [
  [
    "an https PUBLIC_URL",
    () => {
      environment.publicUrl = "https://team.example.com";
      return { host: "team.example.com", "x-forwarded-proto": "http" };
    },
  ],
  [
    "a trusted proxy's X-Forwarded-Proto: https",
    () => {
      environment.trustedProxies = ["10.1.0.0/16"];
      return { host: "team.example.com", "x-forwarded-proto": "https", [PEER_HEADER]: PROXY };
    },
  ],
];

/** The sign-in form's CSRF fetch and POST to Auth.js with `headers`: every Set-Cookie of both answers. */
async function signIn(origin: string, headers: Record<string, string>): Promise<string[]> {
  const csrf = await authJs(new Request(`${origin}/api/auth/csrf`, { headers }));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const out = await authJs(
    new Request(`${origin}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { ...headers, cookie: cookiePairs(csrf).join("; "), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, email: alice.email, password: PASSWORD, callbackUrl: "/" }).toString(),
    }),
  );
  expect(out.status).toBe(302);
  return [...csrf.headers.getSetCookie(), ...out.headers.getSetCookie()];
}

const named = (cookies: string[], name: string) => cookies.filter((c) => c.split("=", 1)[0] === name);

describe("the cookies Auth.js sets", () => {
  it.each(HTTPS)("under %s: every one __Host- named, Secure, Path=/, no Domain", async (_how, arrange) => {
    const headers = arrange();
    const cookies = await signIn("http://team.example.com", headers);
    expect(named(cookies, "__Host-authjs.session-token")).toHaveLength(1);
    expect(named(cookies, "__Host-authjs.csrf-token")).toHaveLength(1);
    expect(named(cookies, "__Host-authjs.callback-url")).not.toHaveLength(0);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^__Host-authjs\./);
      expect(cookie).toMatch(/;\s*Secure(;|$)/i);
      expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
      expect(cookie).not.toMatch(/;\s*Domain=/i);
    }
    const [session] = named(cookies, "__Host-authjs.session-token");
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
  });

  it("over plain http (no https anywhere): the plain names, not Secure", async () => {
    const cookies = await signIn("http://localhost:3000", { host: "localhost:3000", "x-forwarded-proto": "http" });
    expect(named(cookies, "authjs.session-token")).toHaveLength(1);
    expect(named(cookies, "authjs.csrf-token")).toHaveLength(1);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^authjs\./);
      expect(cookie).not.toMatch(/;\s*Secure/i);
    }
  });

  it("names an external provider's PKCE verifier, state and nonce __Host- too, under https only", () => {
    const secure = authJsCookies(true);
    expect([secure.pkceCodeVerifier?.name, secure.state?.name, secure.nonce?.name]).toEqual(["__Host-authjs.pkce.code_verifier", "__Host-authjs.state", "__Host-authjs.nonce"]);
    const plain = authJsCookies(false);
    expect([plain.pkceCodeVerifier?.name, plain.state?.name, plain.nonce?.name]).toEqual(["authjs.pkce.code_verifier", "authjs.state", "authjs.nonce"]);
  });
});

/** A session cookie "name=value" for a fresh session of alice, as Auth.js writes it under that name. */
async function sessionCookie(name: string): Promise<{ cookie: string; sessionId: string }> {
  const { sessionId } = await startSession(alice);
  const value = await encodeSessionToken({ token: { sid: sessionId, sub: alice.id }, secret: sessionSecret(), salt: name, maxAge: 3600 });
  return { cookie: `${name}=${value}`, sessionId };
}

/** Who the API's cookie path (apiActor → the dashboard's session cookie) takes the request for, or null. */
async function apiCaller(headers: Headers): Promise<string | null> {
  serverRequest.headers = headers;
  try {
    return (await apiActor(new Request("http://team.example.com/api/users/current", { headers }))).userId;
  } catch {
    return null;
  }
}

describe.each(HTTPS)("reading the session cookie under %s", (_how, arrange) => {
  it.each(["__Secure-authjs.session-token", "authjs.session-token"])(
    "a planted %s (the attacker's own session) signs nobody in: not the dashboard, the API, nor an app's sign-in",
    async (plantedName) => {
      const base = arrange();
      const planted = await sessionCookie(plantedName);
      const headers = new Headers({ ...base, cookie: planted.cookie });
      serverRequest.headers = headers;
      expect(await sessionIdFromCookie()).toBeNull();
      expect(await apiCaller(headers)).toBeNull();
      expect(await browserSession(headers)).toBeNull();
    },
  );

  it("the __Host- cookie signs in, and wins over a planted one sent alongside it", async () => {
    const base = arrange();
    const planted = await sessionCookie("__Secure-authjs.session-token");
    const real = await sessionCookie("__Host-authjs.session-token");
    for (const cookie of [real.cookie, `${planted.cookie}; ${real.cookie}`, `${real.cookie}; authjs.session-token=${planted.cookie.split("=")[1]}`]) {
      const headers = new Headers({ ...base, cookie });
      serverRequest.headers = headers;
      expect(await sessionIdFromCookie()).toBe(real.sessionId);
      expect(await apiCaller(headers)).toBe(alice.id);
      expect(await browserSession(headers)).toMatchObject({ sessionId: real.sessionId });
    }
  });
});

describe("reading the session cookie over plain http", () => {
  it("takes the plain name only, as before", async () => {
    const plain = await sessionCookie("authjs.session-token");
    const host = await sessionCookie("__Host-authjs.session-token");
    const headers = (cookie: string) => new Headers({ host: "localhost:3000", "x-forwarded-proto": "http", cookie });
    serverRequest.headers = headers(plain.cookie);
    expect(await sessionIdFromCookie()).toBe(plain.sessionId);
    expect(await browserSession(headers(plain.cookie))).toMatchObject({ sessionId: plain.sessionId });
    // No browser holds a __Host- cookie for a plain-http address; one sent anyway is not the session's name here.
    serverRequest.headers = headers(host.cookie);
    expect(await sessionIdFromCookie()).toBeNull();
  });
});
