/**
 * Two-factor sign-in through the API surface (issue 14): a password step
 * that needs a second step gives nothing usable (no session cookie, no API
 * access, no Auth.js session), a wrong code gives nothing either; the user
 * resource carries the mfa summary; DELETE /api/users/{id}/mfa is the admin
 * reset; Settings → Security is owner-only. Browser flows: e2e/two-factor.spec.ts.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { call, CookieJar, expectApiError, expectFieldErrors, SESSION_COOKIE, signIn } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { personWithRole, tokenClient, type Client, type Person } from "../support/users-api";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

let api: Client;
let person: Person;
let admin: Person;

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  api = tokenClient(instance, owner.personal_access_token);
  person = await personWithRole(api, "user");
  admin = await personWithRole(api, "admin");
});

test("the user resource says which second factors a user has", async () => {
  const user = await api.user(person.user.id);
  expect((user as unknown as { mfa: unknown }).mfa).toEqual({ totp: false, passkeys: 0, recovery_codes_left: 0 });
  expect((await api.list({ mfa: "on" })).total).toBe(0);
  expect((await api.list({ mfa: "off" })).total).toBe(3);
  expectApiError(await api.get("/api/users?mfa=maybe"), 422);
});

test("only the owner sets who must use two-factor sign-in", async () => {
  expectApiError(await admin.client.put("/api/settings/security", { require_for: "everyone" }), 403);
  // The refusal names the values an API caller may send.
  const unknownValue = expectFieldErrors(await api.put("/api/settings/security", { require_for: "sometimes" }), "require_for");
  expect(unknownValue.require_for.join(" ")).toContain("nobody, admins, everyone, groups");
  expectApiError(await api.put("/api/settings/security", { require_for: "groups", group_ids: [] }), 422);
  const res = await api.put("/api/settings/security", { require_for: "everyone", grace_days: 0 });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toMatchObject({ require_for: "everyone", grace_days: 0, group_ids: [] });
  expect((await api.get("/api/settings/security")).body).toMatchObject({ require_for: "everyone" });
});

test("a right password alone, when a second step is due, gives no session and no access", async () => {
  const result = await signIn(instance, person.email, person.password);
  expect(result.signedIn, "a session cookie after the password step alone").toBe(false);
  expect(result.location).toMatch(/code=second_step/);
  expect(result.cookie).toContain("latchkey.second-step=");

  const headers = { cookie: result.cookie, origin: instance.baseURL };
  expectApiError(await call(instance, "/api/users/current", { headers }), 401);
  expectApiError(await call(instance, "/api/users", { headers }), 401);
  expect((await call(instance, "/api/auth/session", { headers })).body ?? null).toBeNull();
  // The sign-in page sends this browser on to the second step.
  const login = await fetch(instance.url(`/login?error=CredentialsSignin&code=second_step`), { headers, redirect: "manual" });
  expect(login.status).toBeGreaterThanOrEqual(300);
  expect(login.headers.get("location")).toMatch(/\/login\/two-factor/);

  // A wrong code (or an empty one, which only a finished set-up may send) makes no session either,
  // nor does a passkey answer that isn't one, or one no challenge was issued for.
  const b64 = (n: number) => crypto.randomBytes(n).toString("base64url");
  const madeUpAssertion = JSON.stringify({
    id: b64(32),
    rawId: b64(32),
    type: "public-key",
    response: { clientDataJSON: b64(120), authenticatorData: b64(37), signature: b64(70) },
    clientExtensionResults: {},
  });
  const attempts: Record<string, string>[] = [{ code: "000000" }, { code: "" }, { passkey: "{}" }, { passkey: madeUpAssertion }];
  for (const fields of attempts) {
    const jar = new CookieJar();
    const csrf = await fetch(instance.url("/api/auth/csrf"), { headers: { cookie: result.cookie } });
    jar.update(csrf.headers);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = [result.cookie, jar.header].filter(Boolean).join("; ");
    const res = await fetch(instance.url("/api/auth/callback/second-step"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams({ csrfToken, ...fields, callbackUrl: instance.url("/") }),
    });
    await res.text();
    expect(res.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=`) && !/=;/.test(line))).toBe(false);
    // A refusal, not a server fault (Auth.js answers error=Configuration for those).
    expect(res.headers.get("location") ?? "").toMatch(/error=CredentialsSignin/);
  }
  // Passwordless with a made-up answer, with and without a (made-up) passkey cookie: no session.
  for (const extra of ["", `latchkey.passkey=${b64(32)}`]) {
    const jar = new CookieJar();
    const csrf = await fetch(instance.url("/api/auth/csrf"));
    jar.update(csrf.headers);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const res = await fetch(instance.url("/api/auth/callback/passkey"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: [jar.header, extra].filter(Boolean).join("; ") },
      body: new URLSearchParams({ csrfToken, response: madeUpAssertion, callbackUrl: instance.url("/") }),
    });
    await res.text();
    expect(res.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=`) && !/=;/.test(line))).toBe(false);
    expect(res.headers.get("location") ?? "").toMatch(/error=CredentialsSignin/);
  }
  // Nor does a made-up pending cookie.
  const forged = `latchkey.second-step=${crypto.randomBytes(32).toString("base64url")}`;
  expectApiError(await call(instance, "/api/users/current", { headers: { cookie: forged } }), 401);
});

test("DELETE /api/users/{id}/mfa: admins reset, users can't, and the person's sessions end", async () => {
  await api.put("/api/settings/security", { require_for: "nobody" });
  expectApiError(await person.client.delete(`/api/users/${admin.user.id}/mfa`), 403);
  expectApiError(await api.delete(`/api/users/${crypto.randomUUID()}/mfa`), 404);
  expectApiError(await api.call(`/api/users/${person.user.id}/mfa`, { method: "POST" }), 405);
  // One's own factors go in Profile, with proof: not through the admin reset, by a session or a token (review 11).
  expectApiError(await admin.client.delete(`/api/users/${admin.user.id}/mfa`), 403);
  const ownerId = ((await api.get("/api/users/current")).body as { id: string }).id;
  expectApiError(await api.delete(`/api/users/${ownerId}/mfa`), 403);
  expect((await admin.client.get("/api/users/current")).status).toBe(200);

  expect((await person.client.get("/api/users/current")).status).toBe(200);
  // r52: an admin's session proves it's them first, as for their own sensitive changes: no body, or someone else's
  // password, resets nothing.
  const path = `/api/users/${person.user.id}/mfa`;
  expectFieldErrors(await admin.client.delete(path), "password");
  expectFieldErrors(await admin.client.call(path, { method: "DELETE", json: { password: person.password } }), "password");
  expect((await person.client.get("/api/users/current")).status).toBe(200);
  const res = await admin.client.call(path, { method: "DELETE", json: { password: admin.password } });
  expect(res.status, res.text).toBe(200);
  expect((res.body as { sessions_ended: number }).sessions_ended).toBeGreaterThanOrEqual(1);
  expectApiError(await person.client.get("/api/users/current"), 401);
});

test("DELETE /api/users/{id}/mfa with an access token asks no password (the rule of token creation and ownership transfer)", async () => {
  const other = await personWithRole(api, "user");
  const res = await api.delete(`/api/users/${other.user.id}/mfa`);
  expect(res.status, res.text).toBe(200);
  expectApiError(await other.client.get("/api/users/current"), 401);
});
