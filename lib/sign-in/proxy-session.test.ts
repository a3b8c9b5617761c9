/**
 * A session the trusted proxy header signed in belongs to whom the header named (review 10): on a shared
 * browser whose proxy sign-in changed hands (the proxy now names Bob), Alice's Latchkey session cookie
 * must not go on acting as Alice. The cookie carries a digest of whom the header named
 * (lib/idp/trusted-header.ts proxyStillNames); the dashboard and an app's sign-in both check it.
 *
 * Runs ./nextauth.ts's own configuration through @auth/core's Auth(), as session-cookie-secure.test.ts does.
 */
import { Auth, type AuthConfig } from "@auth/core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { sessionSecret } from "@/lib/crypto/keys";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { updateTrustedHeader } from "@/lib/idp/sign-in-settings";
import { createAccount, createUser, META, startSession, type TestUser } from "@/test/factories";
import { browserSession } from "./browser-session";
import { sessionIdFromCookie } from "./session-cookie";
import { encodeSessionToken } from "./session-token";

const captured = vi.hoisted(() => ({ factory: null as null | ((request?: Request) => Promise<AuthConfig>), headers: new Headers() }));
vi.mock("next-auth", () => ({
  default: (factory: (request?: Request) => Promise<AuthConfig>) => {
    captured.factory = factory;
    return { handlers: {}, auth: null, signIn: null, signOut: null };
  },
  CredentialsSignin: class CredentialsSignin extends Error {},
  customFetch: Symbol("customFetch"),
}));
vi.mock("next-auth/providers/credentials", async () => ({ default: (await import("@auth/core/providers/credentials")).default }));
vi.mock("next/headers", () => ({
  headers: async () => captured.headers,
  cookies: async () => ({ size: captured.headers.get("cookie") ? 1 : 0, get: () => undefined, set: () => undefined, delete: () => undefined }),
}));

const ORIGIN = "http://localhost:3000";
const PROXY = "10.1.0.9";
let alice: TestUser;

beforeAll(async () => {
  const accountId = await createAccount();
  const owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
  alice = await createUser(accountId, { email: "alice@example.com" });
  await createUser(accountId, { email: "bob@example.com" });
  await updateTrustedHeader(
    owner,
    { enabled: true, trusted_ranges: ["10.1.0.0/16"], user_header: "Remote-User", email_header: "Remote-Email", name_header: null, auto_create: false, default_role: "user" },
    META,
  );
});

async function authJs(request: Request): Promise<Response> {
  await import("./nextauth");
  const options = await captured.factory!(request);
  return Auth(request, { basePath: "/api/auth", ...options });
}

const pairs = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]);

/** /auth/proxy's sign-in as it reaches Auth.js from the proxy, naming `user`: the session cookie "name=value". */
async function proxySignIn(user: string, email: string): Promise<string> {
  const csrf = await authJs(new Request(`${ORIGIN}/api/auth/csrf`));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const out = await authJs(
    new Request(`${ORIGIN}/api/auth/callback/trusted-header`, {
      method: "POST",
      headers: { cookie: pairs(csrf).join("; "), "content-type": "application/x-www-form-urlencoded", [PEER_HEADER]: PROXY, "remote-user": user, "remote-email": email },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/" }).toString(),
    }),
  );
  const cookie = pairs(out).find((c) => c.startsWith("authjs.session-token="));
  if (!cookie) throw new Error(`no session cookie: ${out.status} ${out.headers.get("location")}`);
  return cookie;
}

const dashboardRequest = (cookie: string, proxyUser?: string) =>
  new Headers({ cookie, host: "localhost:3000", "x-forwarded-proto": "http", [PEER_HEADER]: PROXY, ...(proxyUser ? { "remote-user": proxyUser } : {}) });

describe("a session the proxy header signed in", () => {
  it("is no session on a request whose proxy header names someone else, on the dashboard and for an app", async () => {
    const cookie = await proxySignIn("alice", "alice@example.com");

    captured.headers = dashboardRequest(cookie, "alice");
    const sid = await sessionIdFromCookie();
    expect(sid).not.toBeNull();
    captured.headers = dashboardRequest(cookie, "ALICE"); // the proxy's spelling of the same user
    expect(await sessionIdFromCookie()).toBe(sid);

    captured.headers = dashboardRequest(cookie, "bob");
    expect(await sessionIdFromCookie()).toBeNull();
    expect(await browserSession(cookie, (name) => (name === "remote-user" ? "bob" : undefined))).toBeNull();
    expect(await browserSession(cookie, (name) => (name === "remote-user" ? "alice" : undefined))).toMatchObject({ userId: alice.id });
  });

  it("goes on where the proxy leaves the header out, and a password session isn't bound to any header", async () => {
    const cookie = await proxySignIn("alice", "alice@example.com");
    captured.headers = dashboardRequest(cookie);
    expect(await sessionIdFromCookie()).not.toBeNull();

    // Signed in with a password: whatever a proxy header says, the session is the person's who signed in.
    const { sessionId } = await startSession(alice);
    const name = "authjs.session-token";
    const password = `${name}=${await encodeSessionToken({ token: { sid: sessionId, sub: alice.id }, secret: sessionSecret(), salt: name, maxAge: 3600 })}`;
    captured.headers = dashboardRequest(password, "bob");
    expect(await sessionIdFromCookie()).toBe(sessionId);
  });
});
