/**
 * Review 6: the dashboard's "Sign out" deletes the session row (app/(dashboard)/actions.ts signOutAction →
 * lib/sessions/sign-out.ts), so a copy of the cookie is worthless afterwards. Auth.js's own sign-out
 * (POST /api/auth/signout with the CSRF token from /api/auth/csrf; GET /api/auth/signout is Auth.js's
 * "Are you sure you want to sign out?" page) only clears the browser's cookie: the configuration in
 * ./nextauth.ts has no events.signOut, so the row stays alive and a cookie copied before (a shared
 * machine, a stolen cookie) keeps working. Every way out should end the row.
 *
 * The test runs ./nextauth.ts's own configuration through @auth/core's Auth() (test/auth-js.ts).
 */
import { describe, expect, it, vi } from "vitest";
import { sessionSecret } from "@/lib/crypto/keys";
import { publicSessionId, resolveSession } from "@/lib/sessions/sessions";
import { authJs, cookiePairs } from "@/test/auth-js";
import { createAccount, createUser, lastEvent, startSession } from "@/test/factories";
import { encodeSessionToken } from "./session-token";

vi.mock("next-auth", async () => (await import("@/test/auth-js")).nextAuthModule);
vi.mock("next-auth/providers/credentials", async () => (await import("@/test/auth-js")).credentialsModule());
vi.mock("next/headers", async () => (await import("@/test/auth-js")).nextHeadersModule);

const ORIGIN = "http://localhost:3000";
const COOKIE = "authjs.session-token";

describe("Auth.js's own sign-out route", () => {
  it("ends the server-side session, not only the cookie", async () => {
    const accountId = await createAccount();
    const user = await createUser(accountId, { role: "user" });
    const { sessionId } = await startSession(user);
    const cookie = `${COOKIE}=${await encodeSessionToken({ token: { sid: sessionId, sub: user.id }, secret: sessionSecret(), salt: COOKIE, maxAge: 3600 })}`;

    const csrf = await authJs(new Request(`${ORIGIN}/api/auth/csrf`, { headers: { cookie } }));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = cookiePairs(csrf).find((c) => c.startsWith("authjs.csrf-token="))!;
    const out = await authJs(
      new Request(`${ORIGIN}/api/auth/signout`, {
        method: "POST",
        headers: { cookie: `${cookie}; ${csrfCookie}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken, callbackUrl: "/login" }).toString(),
      }),
    );
    // The route did sign out: it cleared the browser's cookie…
    expect(cookiePairs(out)).toContain(`${COOKIE}=`);
    // …but a copy of the cookie still opens the session.
    expect(await resolveSession(sessionId), "the session row after POST /api/auth/signout").toBeNull();
    // Recorded as the dashboard's "Sign out" records it.
    expect(await lastEvent()).toMatchObject({ action: "user.logout", actorId: user.id, targetId: publicSessionId(sessionId) });
  });
});
