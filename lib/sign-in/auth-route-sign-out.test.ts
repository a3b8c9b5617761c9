/**
 * Review 6: the dashboard's "Sign out" deletes the session row (app/(dashboard)/actions.ts signOutAction →
 * lib/sessions/sign-out.ts), so a copy of the cookie is worthless afterwards. Auth.js's own sign-out
 * (POST /api/auth/signout with the CSRF token from /api/auth/csrf; GET /api/auth/signout is Auth.js's
 * "Are you sure you want to sign out?" page) only clears the browser's cookie: the configuration in
 * ./nextauth.ts has no events.signOut, so the row stays alive and a cookie copied before (a shared
 * machine, a stolen cookie) keeps working. Every way out should end the row.
 *
 * The test runs ./nextauth.ts's own configuration through @auth/core's Auth(), which is what next-auth's
 * route handlers call (next-auth itself can't load under vitest: it imports "next/server" unresolved).
 */
import { Auth, type AuthConfig } from "@auth/core";
import { describe, expect, it, vi } from "vitest";
import { sessionSecret } from "@/lib/crypto/keys";
import { publicSessionId, resolveSession } from "@/lib/sessions/sessions";
import { createAccount, createUser, lastEvent, startSession } from "@/test/factories";
import { encodeSessionToken } from "./session-token";

const captured = vi.hoisted(() => ({ factory: null as null | ((request?: Request) => Promise<AuthConfig>) }));
vi.mock("next-auth", () => ({
  default: (factory: (request?: Request) => Promise<AuthConfig>) => {
    captured.factory = factory;
    return { handlers: {}, auth: null, signIn: null, signOut: null };
  },
  CredentialsSignin: class CredentialsSignin extends Error {},
  customFetch: Symbol("customFetch"),
}));
vi.mock("next-auth/providers/credentials", async () => ({ default: (await import("@auth/core/providers/credentials")).default }));
vi.mock("next/headers", () => ({ headers: async () => new Headers(), cookies: async () => ({ get: () => undefined, set: () => undefined, delete: () => undefined }) }));

const ORIGIN = "http://localhost:3000";
const COOKIE = "authjs.session-token";

async function authJs(request: Request): Promise<Response> {
  await import("./nextauth");
  const options = await captured.factory!(request);
  // next-auth's default for its route handlers.
  return Auth(request, { basePath: "/api/auth", ...options });
}

const cookiesOf = (response: Response) => response.headers.getSetCookie().map((c) => c.split(";")[0]);

describe("Auth.js's own sign-out route", () => {
  it("ends the server-side session, not only the cookie", async () => {
    const accountId = await createAccount();
    const user = await createUser(accountId, { role: "user" });
    const { sessionId } = await startSession(user);
    const cookie = `${COOKIE}=${await encodeSessionToken({ token: { sid: sessionId, sub: user.id }, secret: sessionSecret(), salt: COOKIE, maxAge: 3600 })}`;

    const csrf = await authJs(new Request(`${ORIGIN}/api/auth/csrf`, { headers: { cookie } }));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = cookiesOf(csrf).find((c) => c.startsWith("authjs.csrf-token="))!;
    const out = await authJs(
      new Request(`${ORIGIN}/api/auth/signout`, {
        method: "POST",
        headers: { cookie: `${cookie}; ${csrfCookie}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken, callbackUrl: "/login" }).toString(),
      }),
    );
    // The route did sign out: it cleared the browser's cookie…
    expect(cookiesOf(out)).toContain(`${COOKIE}=`);
    // …but a copy of the cookie still opens the session.
    expect(await resolveSession(sessionId), "the session row after POST /api/auth/signout").toBeNull();
    // Recorded as the dashboard's "Sign out" records it.
    expect(await lastEvent()).toMatchObject({ action: "user.logout", actorId: user.id, targetId: publicSessionId(sessionId) });
  });
});
