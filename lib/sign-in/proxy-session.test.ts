/**
 * A session the trusted proxy header signed in belongs to whom the header named (review 10): on a shared
 * browser whose proxy sign-in changed hands (the proxy now names Bob), Alice's Latchkey session cookie
 * must not go on acting as Alice. The cookie carries a digest of whom the header named
 * (lib/idp/trusted-header.ts proxyStillNames); the dashboard and an app's sign-in both check it.
 *
 * Runs ./nextauth.ts's own configuration through @auth/core's Auth(), as session-cookie-secure.test.ts does.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { sessionSecret } from "@/lib/crypto/keys";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { updateTrustedHeader } from "@/lib/idp/sign-in-settings";
import { authJs, cookiePairs, serverRequest } from "@/test/auth-js";
import { createAccount, createUser, META, startSession, type TestUser } from "@/test/factories";
import { browserSession } from "./browser-session";
import { sessionIdFromCookie } from "./session-cookie";
import { encodeSessionToken } from "./session-token";

vi.mock("next-auth", async () => (await import("@/test/auth-js")).nextAuthModule);
vi.mock("next-auth/providers/credentials", async () => (await import("@/test/auth-js")).credentialsModule());
vi.mock("next/headers", async () => (await import("@/test/auth-js")).nextHeadersModule);

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

/** /auth/proxy's sign-in as it reaches Auth.js from the proxy, naming `user`: the session cookie "name=value". */
async function proxySignIn(user: string, email: string): Promise<string> {
  const csrf = await authJs(new Request(`${ORIGIN}/api/auth/csrf`));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const out = await authJs(
    new Request(`${ORIGIN}/api/auth/callback/trusted-header`, {
      method: "POST",
      headers: { cookie: cookiePairs(csrf).join("; "), "content-type": "application/x-www-form-urlencoded", [PEER_HEADER]: PROXY, "remote-user": user, "remote-email": email },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/" }).toString(),
    }),
  );
  const cookie = cookiePairs(out).find((c) => c.startsWith("authjs.session-token="));
  if (!cookie) throw new Error(`no session cookie: ${out.status} ${out.headers.get("location")}`);
  return cookie;
}

const dashboardRequest = (cookie: string, proxyUser?: string) =>
  new Headers({ cookie, host: "localhost:3000", "x-forwarded-proto": "http", [PEER_HEADER]: PROXY, ...(proxyUser ? { "remote-user": proxyUser } : {}) });

describe("a session the proxy header signed in", () => {
  it("is no session on a request whose proxy header names someone else, on the dashboard and for an app", async () => {
    const cookie = await proxySignIn("alice", "alice@example.com");

    serverRequest.headers = dashboardRequest(cookie, "alice");
    const sid = await sessionIdFromCookie();
    expect(sid).not.toBeNull();
    serverRequest.headers = dashboardRequest(cookie, "ALICE"); // the proxy's spelling of the same user
    expect(await sessionIdFromCookie()).toBe(sid);

    serverRequest.headers = dashboardRequest(cookie, "bob");
    expect(await sessionIdFromCookie()).toBeNull();
    expect(await browserSession(dashboardRequest(cookie, "bob"))).toBeNull();
    expect(await browserSession(dashboardRequest(cookie, "alice"))).toMatchObject({ userId: alice.id });
  });

  it("goes on where the proxy leaves the header out, and a password session isn't bound to any header", async () => {
    const cookie = await proxySignIn("alice", "alice@example.com");
    serverRequest.headers = dashboardRequest(cookie);
    expect(await sessionIdFromCookie()).not.toBeNull();

    // Signed in with a password: whatever a proxy header says, the session is the person's who signed in.
    const { sessionId } = await startSession(alice);
    const name = "authjs.session-token";
    const password = `${name}=${await encodeSessionToken({ token: { sid: sessionId, sub: alice.id }, secret: sessionSecret(), salt: name, maxAge: 3600 })}`;
    serverRequest.headers = dashboardRequest(password, "bob");
    expect(await sessionIdFromCookie()).toBe(sessionId);
  });
});
