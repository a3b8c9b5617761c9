/**
 * The dashboard's session cookie on the REST API: obtained through Auth.js the
 * way a browser gets it, accepted for reads, and accepted for writes only from
 * the server's own origin.
 */
import { expect, test } from "@playwright/test";
import { SESSION_COOKIE, UUID_PATTERN, call, expectApiError, signIn, signInOrFail } from "../support/api";
import { useInstance } from "../support/instance";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

const owner = { email: "cookie-owner@example.com", password: "cookies are for browsers", name: "Cora Cookie" };
const newPassword = "a brand new cookie passphrase";
let userId: string;

test.beforeAll(async () => {
  // Setup without create_pat: ids only, no token.
  const res = await call(instance, "/api/instance/setup", { method: "POST", json: owner });
  expect(res.status, res.text).toBe(200);
  const body = res.body as Record<string, unknown>;
  expect(body.user_id).toMatch(UUID_PATTERN);
  expect(body.account_id).toMatch(UUID_PATTERN);
  expect(body).not.toHaveProperty("personal_access_token");
  expect(res.text).not.toContain("lkp_");
  userId = body.user_id as string;
});

function changePassword(cookie: string, headers: Record<string, string>, json: unknown) {
  return call(instance, `/api/users/${userId}/password`, { method: "PUT", headers: { cookie, ...headers }, json });
}

test("signing in through Auth.js sets a session cookie the API accepts", async () => {
  const result = await signIn(instance, owner.email, owner.password);
  expect(result.signedIn, `status ${result.status}, location ${result.location}`).toBe(true);
  expect(result.cookie).toContain(`${SESSION_COOKIE}=`);

  const users = await call(instance, "/api/users", { headers: { cookie: result.cookie } });
  expect(users.status, users.text).toBe(200);
  expect(users.headers.get("x-total-count")).toBe("1");
  const list = users.body as Array<Record<string, unknown>>;
  expect(list).toHaveLength(1);
  expect(list[0]).toMatchObject({ id: userId, email: owner.email, is_current: true, role: "owner" });
  // A password sign-in is a login.
  expect(typeof list[0].last_login).toBe("string");
  expect(Date.now() - Date.parse(list[0].last_login as string)).toBeLessThan(5 * 60_000);

  const current = await call(instance, "/api/users/current", { headers: { cookie: result.cookie } });
  expect(current.status, current.text).toBe(200);
  expect(current.body).toMatchObject({ id: userId, is_current: true });
  expect((current.body as { permissions: { modules: unknown } }).permissions.modules).toBeTruthy();
});

test("a wrong password or an unknown email gives no session cookie", async () => {
  for (const [email, password] of [
    [owner.email, "not the right passphrase"],
    [owner.email, ""],
    ["nobody@example.com", owner.password],
  ]) {
    const result = await signIn(instance, email, password);
    expect(result.signedIn, `signed in as ${email} with a bad password`).toBe(false);
    expect(result.cookie).not.toContain(SESSION_COOKIE);
    // Whatever cookies the failed attempt left are no credential.
    expectApiError(await call(instance, "/api/users", { headers: { cookie: result.cookie } }), 401);
  }
});

test("a forged session cookie is a 401, not a 500", async () => {
  for (const value of ["garbage", "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..x.y.z", "a".repeat(4000)]) {
    const res = await call(instance, "/api/users", { headers: { cookie: `${SESSION_COOKIE}=${value}` } });
    expectApiError(res, 401);
  }
});

test("a cookie-authenticated write without Origin or from a foreign origin is a 403", async () => {
  const cookie = await signInOrFail(instance, owner.email, owner.password);
  // A valid request: if the origin check were missing, the password would change.
  const body = { old_password: owner.password, new_password: newPassword };
  const port = new URL(instance.baseURL).port;
  const refusals: Array<Record<string, string>> = [
    {},
    { origin: "https://evil.example" },
    { origin: "null" },
    { origin: `http://127.0.0.1:${Number(port) + 1}` },
    { origin: `http://127.0.0.1:${port}.evil.example` },
    // X-Forwarded-Host is not believed without TRUST_PROXY.
    { origin: "https://evil.example", "x-forwarded-host": "evil.example" },
    { referer: `${instance.baseURL}/team/users` },
  ];
  for (const headers of refusals) {
    const res = await changePassword(cookie, headers, body);
    expectApiError(res, 403);
  }

  // Nothing changed: the old password still signs in, the new one does not.
  expect((await signIn(instance, owner.email, newPassword)).signedIn).toBe(false);
  expect((await signIn(instance, owner.email, owner.password)).signedIn).toBe(true);
  // And the session that was refused is still fine for reads.
  expect((await call(instance, "/api/users", { headers: { cookie } })).status).toBe(200);
});

test("a same-origin cookie write is allowed; that session stays, the others end", async () => {
  const other = await signInOrFail(instance, owner.email, owner.password);
  const cookie = await signInOrFail(instance, owner.email, owner.password);

  const res = await changePassword(
    cookie,
    { origin: instance.baseURL },
    { old_password: owner.password, new_password: newPassword },
  );
  expect(res.status, res.text).toBe(200);
  expect(res.body).toMatchObject({ message: expect.any(String) });

  expect((await call(instance, "/api/users", { headers: { cookie } })).status).toBe(200);
  expectApiError(await call(instance, "/api/users", { headers: { cookie: other } }), 401);

  expect((await signIn(instance, owner.email, owner.password)).signedIn).toBe(false);
  expect((await signIn(instance, owner.email, newPassword)).signedIn).toBe(true);
});

// Found by the round-12 review: a local-path check that let "/<tab>/evil.example" through, which browsers
// read as "//evil.example". Every "go on to callbackUrl" uses lib/http/local-path.ts now.
test("a callbackUrl a browser would read as another site sends a signed-in person home", async () => {
  const cookie = await signInOrFail(instance, owner.email, newPassword);
  for (const callbackUrl of ["/\t/evil.example/", "/\n/evil.example/", "/\t\\evil.example/", "//evil.example/"]) {
    const res = await fetch(instance.url(`/change-password?${new URLSearchParams({ callbackUrl })}`), { headers: { cookie }, redirect: "manual" });
    await res.text();
    expect(res.status, `for ${JSON.stringify(callbackUrl)}`).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(400);
    const location = res.headers.get("location") ?? "";
    // Where a browser goes: resolved against the page's own address, tabs and newlines dropped as browsers do.
    expect(new URL(location, instance.baseURL).origin, `Location ${JSON.stringify(location)}`).toBe(new URL(instance.baseURL).origin);
  }
});
