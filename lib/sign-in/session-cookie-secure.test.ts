/**
 * Review 10c: with PUBLIC_URL on https, the session cookie is Secure whatever scheme the request reached
 * Latchkey with. Behind a TLS proxy that isn't named in TRUST_PROXY (or that doesn't send
 * X-Forwarded-Proto) every request looks like plain http, and Auth.js issued `authjs.session-token`
 * without Secure (and without its __Secure- prefix): the browser then sends the session to any http://
 * address of the host, where a network attacker (an injected <img src="http://team.example.com/">) reads
 * it. The OpenID provider already takes its cookies' scheme from the issuer (pinToIssuer); the session
 * cookie, the one that signs in, did not.
 *
 * Runs ./nextauth.ts's own configuration through @auth/core's Auth(), as auth-route-sign-out.test.ts does.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { config } from "@/lib/config";
import { sessionSecret } from "@/lib/crypto/keys";
import { authJs, cookiePairs, serverRequest } from "@/test/auth-js";
import { createAccount, createUser, startSession, type TestUser } from "@/test/factories";
import { browserSession } from "./browser-session";
import { sessionIdFromCookie } from "./session-cookie";
import { encodeSessionToken } from "./session-token";

vi.mock("next-auth", async () => (await import("@/test/auth-js")).nextAuthModule);
vi.mock("next-auth/providers/credentials", async () => (await import("@/test/auth-js")).credentialsModule());
vi.mock("next/headers", async () => (await import("@/test/auth-js")).nextHeadersModule);

const PASSWORD = "a long and unusual passphrase";
const environment = config() as { publicUrl: string | null };
let alice: TestUser;

beforeAll(async () => {
  const accountId = await createAccount();
  alice = await createUser(accountId, { email: "alice@example.com", password: PASSWORD });
});

afterEach(() => {
  environment.publicUrl = null;
  serverRequest.headers = new Headers();
});

/** The sign-in form's POST to Auth.js as it reaches Latchkey: at `origin` (what publicOrigin made of the request). */
async function signIn(origin: string): Promise<string[]> {
  const csrf = await authJs(new Request(`${origin}/api/auth/csrf`));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const out = await authJs(
    new Request(`${origin}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { cookie: cookiePairs(csrf).join("; "), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, email: alice.email, password: PASSWORD, callbackUrl: "/" }).toString(),
    }),
  );
  return out.headers.getSetCookie().filter((c) => /authjs\.session-token=/.test(c));
}

describe("the session cookie's flags", () => {
  it("is Secure and __Secure- named when PUBLIC_URL is https, even for a request that reached Latchkey as http", async () => {
    environment.publicUrl = "https://team.example.com";
    const [cookie] = await signIn("http://team.example.com");
    expect(cookie).toMatch(/^__Secure-authjs\.session-token=[^;]+/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
  });

  it("stays as the request says without an https PUBLIC_URL (a plain-http instance can still sign in)", async () => {
    const [cookie] = await signIn("http://localhost:3000");
    expect(cookie).toMatch(/^authjs\.session-token=[^;]+/);
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });
});

/** A session cookie "name=value" for a fresh session of alice, as Auth.js writes it under that name. */
async function sessionCookie(name: string): Promise<{ cookie: string; sessionId: string }> {
  const { sessionId } = await startSession(alice);
  const value = await encodeSessionToken({ token: { sid: sessionId, sub: alice.id }, secret: sessionSecret(), salt: name, maxAge: 3600 });
  return { cookie: `${name}=${value}`, sessionId };
}

describe("reading the session cookie with an https PUBLIC_URL", () => {
  it("the dashboard reads the __Secure- cookie Auth.js now sets, though the request came as http", async () => {
    environment.publicUrl = "https://team.example.com";
    const { cookie, sessionId } = await sessionCookie("__Secure-authjs.session-token");
    serverRequest.headers = new Headers({ cookie, "x-forwarded-proto": "http", host: "team.example.com" });
    expect(await sessionIdFromCookie()).toBe(sessionId);
  });

  it("an app's sign-in ignores a plain authjs.session-token (planted over http), as the dashboard does", async () => {
    environment.publicUrl = "https://team.example.com";
    // The attacker's own session, in a cookie a plain-http answer (a network attacker's) can set in the victim's browser.
    const { cookie } = await sessionCookie("authjs.session-token");
    expect(await browserSession(cookie)).toBeNull();
    serverRequest.headers = new Headers({ cookie, "x-forwarded-proto": "https", host: "team.example.com" });
    expect(await sessionIdFromCookie()).toBeNull();
    // The real one still signs in.
    const real = await sessionCookie("__Secure-authjs.session-token");
    expect(await browserSession(`${cookie}; ${real.cookie}`)).toMatchObject({ sessionId: real.sessionId });
  });
});
