/**
 * Where a sign-in that failed on its way back to an app's sign-in sends the browser (./failed-sign-in-return.ts):
 * the sign-in page of that same live interaction (the confirm page, or the ordinary one) with the failure, the
 * interaction itself once it has ended, and never anywhere else. In Chromium: e2e/oidc-confirm-sign-in.spec.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { OidcAdapter } from "@/lib/oidc/adapter";
import { PROVIDER_CLOCK_TOLERANCE_SECONDS } from "@/lib/oidc/interactions";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { META } from "@/test/factories";
import { failedSignInLocation, formFields, withWayBackOnFailure, withWayBackToApp } from "./failed-sign-in-return";

const ORIGIN = "http://127.0.0.1:9";

beforeAll(async () => {
  // The instance's account, which the provider's stored interactions belong to.
  await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
});

const now = () => Math.floor(Date.now() / 1000);
let uids = 0;

/** An app's authorization asking for a fresh sign-in (prompt=login), begun now, as the provider stores its interaction. */
async function interactionAskingToConfirm({ expiresIn = 600 } = {}): Promise<string> {
  uids += 1;
  const uid = `confirm-${uids}`;
  const payload = { uid, kind: "Interaction", iat: now(), exp: now() + expiresIn, params: { client_id: "lka_gitea", prompt: "login", scope: "openid" } };
  await new OidcAdapter("Interaction").upsert(uid, payload as never, Math.max(expiresIn, 1));
  return uid;
}

describe("where a sign-in that failed on the way back to an app's sign-in goes", () => {
  const failed = `${ORIGIN}/login?error=OAuthCallbackError`;

  it("back to the sign-in page of that live interaction, with the failure (Auth.js's and the refusals' own)", async () => {
    const path = `/oidc/interaction/${await interactionAskingToConfirm()}`;
    const back = new URL(await failedSignInLocation(failed, `${ORIGIN}${path}`, ORIGIN) ?? "", ORIGIN);
    expect(back.pathname).toBe("/login");
    expect(Object.fromEntries(back.searchParams)).toEqual({ error: "OAuthCallbackError", callbackUrl: path });
    const refused = new URL(await failedSignInLocation("/login?provider=p-1&error=refused_email_taken", `${ORIGIN}${path}`, ORIGIN) ?? "", ORIGIN);
    expect(Object.fromEntries(refused.searchParams)).toEqual({ provider: "p-1", error: "refused_email_taken", callbackUrl: path });
  });

  it("to the interaction itself when it has expired or is unknown (the provider says the request expired)", async () => {
    const expired = `/oidc/interaction/${await interactionAskingToConfirm({ expiresIn: -(PROVIDER_CLOCK_TOLERANCE_SECONDS + 5) })}`;
    expect(await failedSignInLocation(failed, `${ORIGIN}${expired}`, ORIGIN)).toBe(expired);
    // Just past its expiry the provider still resumes the request (its clock tolerance): still the sign-in page, not the dashboard.
    const lately = `/oidc/interaction/${await interactionAskingToConfirm({ expiresIn: -5 })}`;
    expect(new URL((await failedSignInLocation(failed, `${ORIGIN}${lately}`, ORIGIN)) ?? "", ORIGIN).searchParams.get("callbackUrl")).toBe(lately);
    expect(await failedSignInLocation(failed, `${ORIGIN}/oidc/interaction/never-was`, ORIGIN)).toBe("/oidc/interaction/never-was");
  });

  it("nowhere new for any other way back: another site, another path, a query, or no failure at all", async () => {
    const live = `/oidc/interaction/${await interactionAskingToConfirm()}`;
    for (const callbackUrl of [undefined, "", `https://evil.example${live}`, `${ORIGIN}/`, `${ORIGIN}/team/users`, `${ORIGIN}${live}/consent`, `${ORIGIN}/oidc/auth/${live.split("/").at(-1)}`, `${ORIGIN}${live}?next=https://evil.example`, `${ORIGIN}//evil.example${live}`]) {
      expect(await failedSignInLocation(failed, callbackUrl, ORIGIN), String(callbackUrl)).toBeNull();
    }
    // Auth.js's other answers (a success going on to the app, a page elsewhere) are left as they are.
    for (const location of [`${ORIGIN}${live}`, `${ORIGIN}/login`, "https://evil.example/login?error=OAuthCallbackError", `${ORIGIN}/login/two-factor?error=x`]) {
      expect(await failedSignInLocation(location, `${ORIGIN}${live}`, ORIGIN), location).toBeNull();
    }
  });

  it("is read by the auth route from Auth.js's callback-url cookie, on a provider's callback only", async () => {
    const path = `/oidc/interaction/${await interactionAskingToConfirm()}`;
    const request = (at: string) => new Request(`${ORIGIN}${at}`, { headers: { host: "127.0.0.1:9", cookie: `authjs.callback-url=${encodeURIComponent(`${ORIGIN}${path}`)}` } });
    const answered = await withWayBackToApp(request("/api/auth/callback/p-1?error=access_denied&state=x"), Response.redirect(failed, 302));
    expect(answered.status).toBe(302);
    expect(answered.headers.get("location")).toBe(`/login?error=OAuthCallbackError&callbackUrl=${encodeURIComponent(path)}`);
    // Any other Auth.js path (a sign-in started there, a sign-out) is left as Auth.js answered.
    expect((await withWayBackToApp(request("/api/auth/signin/p-1"), Response.redirect(failed, 302))).headers.get("location")).toBe(failed);
  });

  it("is read from a password form posted straight to Auth.js, its callbackUrl field first, as Auth.js reads it", async () => {
    const path = `/oidc/interaction/${await interactionAskingToConfirm()}`;
    const refused = `${ORIGIN}/login?error=CredentialsSignin&code=invalid_credentials`;
    const post = new Request(`${ORIGIN}/api/auth/callback/credentials`, { method: "POST", headers: { host: "127.0.0.1:9" } });
    const posted = (fields: Record<string, string>) => async () => formFields("application/x-www-form-urlencoded", new URLSearchParams(fields).toString());
    const answered = await withWayBackToApp(post, Response.redirect(refused, 302), posted({ email: "a@example.com", callbackUrl: `${ORIGIN}${path}` }));
    expect(answered.headers.get("location")).toBe(`/login?error=CredentialsSignin&code=invalid_credentials&callbackUrl=${encodeURIComponent(path)}`);
    // The field wins over the cookie (Auth.js goes where the form says), and the same guards hold.
    const withCookie = new Request(post.url, { method: "POST", headers: { host: "127.0.0.1:9", cookie: `authjs.callback-url=${encodeURIComponent(`${ORIGIN}${path}`)}` } });
    const elsewhere = await withWayBackToApp(withCookie, Response.redirect(refused, 302), posted({ callbackUrl: `https://evil.example${path}` }));
    expect(elsewhere.headers.get("location")).toBe(refused);
    // A success (Auth.js's redirect to the way back) is left as it is, and the form is not even read.
    let read = false;
    const success = await withWayBackToApp(post, Response.redirect(`${ORIGIN}${path}`, 302), async () => ((read = true), null));
    expect([success.headers.get("location"), read]).toEqual([`${ORIGIN}${path}`, false]);
    expect(formFields("application/json", "callbackUrl=x")).toBeNull();
    // As the auth route (and the credentials fast path) wrap Auth.js: the handler reads the body, the way back a copy.
    const authJs = withWayBackOnFailure(async (request: Request) => ((await request.text()).includes("password=") ? Response.redirect(refused, 302) : new Response(null)));
    const form = new Request(post.url, { method: "POST", headers: { host: "127.0.0.1:9", "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ password: "wrong", callbackUrl: path }) });
    expect((await authJs(form)).headers.get("location")).toBe(`/login?error=CredentialsSignin&code=invalid_credentials&callbackUrl=${encodeURIComponent(path)}`);
  });
});
