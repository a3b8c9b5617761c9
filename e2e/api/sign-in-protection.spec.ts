/**
 * Sign-in protection through the real Auth.js credentials callback: unknown and
 * known emails get byte-for-byte the same answers (status, body, headers),
 * for a wrong password and when the attempts must wait; an admin unlocks a
 * locked user through the API, and only an admin may.
 */
import { expect, test } from "@playwright/test";
import { CookieJar, bearer, call, expectApiError, signInOrFail } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import { personWithSession } from "../support/people";

// A cap of 5 failures per email; X-Forwarded-For (trusted here) lets the test come from several addresses.
const instance = useInstance({ SIGNIN_LOCKOUT_FAILURES: "5", TRUST_PROXY: "true" });

test.describe.configure({ mode: "serial" });

let token: string;
let bob: { id: string; email: string; password: string };

test.beforeAll(async () => {
  token = (await setUpOwner(instance)).personal_access_token;
  const created = await call(instance, "/api/users", {
    method: "POST",
    headers: bearer(token),
    json: { email: "bob@example.com", name: "Bob Builder", role: "user" },
  });
  expect(created.status, created.text).toBe(200);
  const body = created.body as { id: string; password: string };
  bob = { id: body.id, email: "bob@example.com", password: body.password };
});

type Raw = { status: number; body: string; headers: Record<string, string> };

/** One credentials sign-in as a browser posts it: CSRF token first, then the form. */
async function attempt(email: string, password: string, ip = "198.51.100.1"): Promise<Raw> {
  const jar = new CookieJar();
  const csrf = await fetch(instance.url("/api/auth/csrf"));
  jar.update(csrf.headers);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(instance.url("/api/auth/callback/credentials"), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header, "x-forwarded-for": ip },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: instance.url("/") }),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    // The date, and the request id every response carries (the request log's, one per request).
    if (key === "date" || key === "x-request-id") return;
    // Cookie values are random per response; their names and attributes must match.
    headers[key] = key === "set-cookie" ? value.replace(/=[^;]*/, "=<value>") : value;
  });
  return { status: res.status, body: await res.text(), headers };
}

test("a post with the password or the email left empty is no attempt: the same answer for everyone, nothing counted", async () => {
  // From the address the next tests use: had these counted, Bob's first wrong password there would wait,
  // and the Activity log would hold more than the next tests' reasons.
  for (let i = 0; i < 8; i++) {
    const known = await attempt(bob.email, "");
    expect(await attempt("nobody-at-all@example.com", "")).toEqual(known);
    expect(await attempt("", "some password")).toEqual(known);
    expect(known.status).toBe(302);
    expect(known.headers.location).toMatch(/\/login\?error=CredentialsSignin&code=credentials_missing$/);
  }
  const failed = await call(instance, "/api/events?action=user.login.failed&limit=100", { headers: bearer(token) });
  expect(failed.body).toEqual([]);
});

test("unknown and known emails get the same answers, for wrong passwords and once they must wait", async () => {
  const known: Raw[] = [];
  const unknown: Raw[] = [];
  for (let i = 0; i < 6; i++) {
    known.push(await attempt(bob.email, `wrong guess ${i}`));
    unknown.push(await attempt("nobody-at-all@example.com", `wrong guess ${i}`));
  }
  for (let i = 0; i < 6; i++) expect(unknown[i], `attempt ${i + 1}`).toEqual(known[i]);
  // Failures redirect back to the sign-in page with the generic code; the sixth says "wait".
  expect(known[0].status).toBe(302);
  expect(known[0].headers.location).toMatch(/\/login\?error=CredentialsSignin&code=invalid_credentials$/);
  expect(known[4].headers.location).toMatch(/code=invalid_credentials$/);
  expect(known[5].headers.location).toMatch(/code=rate_limited$/);
  expect(JSON.stringify(known)).not.toMatch(/bob|nobody/i);
});

test("the Activity log has the real reasons, which the API's caller never saw", async () => {
  const res = await call(instance, "/api/events?action=user.login.failed&limit=100", { headers: bearer(token) });
  expect(res.status, res.text).toBe(200);
  const events = res.body as Array<{ target_id: string; meta: { reason: string } }>;
  const reasons = (id: string) => events.filter((e) => e.target_id === id).map((e) => e.meta.reason);
  expect(reasons(bob.id).sort()).toEqual([...Array(5).fill("wrong_password"), "rate_limited"].sort());
  expect(events.filter((e) => e.target_id === "").map((e) => e.meta.reason).sort()).toEqual(
    [...Array(5).fill("unknown_email"), "rate_limited"].sort(),
  );
});

test("a locked user is shown as locked, and only an admin unlocks them", async () => {
  // The five failures of the first test reached the cap: Bob is locked.
  const user = await call(instance, `/api/users/${bob.id}`, { headers: bearer(token) });
  // NetBird's status enum has no "locked": the lock shows as is_locked.
  expect(user.body).toMatchObject({ id: bob.id, status: "active", is_locked: true });
  expect(typeof (user.body as { locked_until: unknown }).locked_until).toBe("string");
  // Locked: even the right password, from an address that never failed, gets the generic answer.
  expect((await attempt(bob.email, bob.password, "192.0.2.50")).headers.location).toMatch(/invalid_credentials$/);
  const locked = await call(instance, "/api/users?status=locked", { headers: bearer(token) });
  expect((locked.body as Array<{ id: string }>).map((u) => u.id)).toEqual([bob.id]);

  // A plain user can't unlock (not even themselves); no credentials is a 401; someone else's id a 404.
  const amy = await call(instance, "/api/users", {
    method: "POST",
    headers: bearer(token),
    json: { email: "amy@example.com", name: "Amy", role: "user" },
  });
  const amyCookie = await signInOrFail(instance, "amy@example.com", (amy.body as { password: string }).password);
  expectApiError(
    await call(instance, `/api/users/${bob.id}/unlock`, { method: "POST", headers: { cookie: amyCookie, origin: instance.baseURL } }),
    403,
  );
  expectApiError(await call(instance, `/api/users/${bob.id}/unlock`, { method: "POST" }), 401);
  expectApiError(await call(instance, `/api/users/${crypto.randomUUID()}/unlock`, { method: "POST", headers: bearer(token) }), 404);

  // An admin's cookie from another origin is refused; from our own origin it works.
  const ownerCookie = await signInOrFail(instance, OWNER.email, OWNER.password);
  expectApiError(
    await call(instance, `/api/users/${bob.id}/unlock`, { method: "POST", headers: { cookie: ownerCookie, origin: "https://evil.example" } }),
    403,
  );
  expect((await call(instance, `/api/users/${bob.id}`, { headers: bearer(token) })).body).toMatchObject({ is_locked: true });
  const unlocked = await call(instance, `/api/users/${bob.id}/unlock`, {
    method: "POST",
    headers: { cookie: ownerCookie, origin: instance.baseURL },
  });
  expect(unlocked.status, unlocked.text).toBe(200);
  expect(unlocked.body).toEqual({ was_locked: true, delays_cleared: true });
  expect((await call(instance, `/api/users/${bob.id}`, { headers: bearer(token) })).body).toMatchObject({ status: "active", is_locked: false });
  expect((await attempt(bob.email, bob.password)).headers.location).not.toMatch(/error/);
  const again = await call(instance, `/api/users/${bob.id}/unlock`, { method: "POST", headers: bearer(token) });
  expect(again.body).toEqual({ was_locked: false, delays_cleared: false });
});

test("a stolen session guessing the current password counts like the form: five wrong and the person is locked (review 43)", async () => {
  const cara = await personWithSession(instance, bearer(token), "user", "cara@example.com");
  const from = { ...cara.headers, "x-forwarded-for": "203.0.113.9" };
  const createToken = (password: string) =>
    call(instance, `/api/users/${cara.id}/tokens`, { method: "POST", headers: from, json: { name: "left behind", expires_in: 365, password } });
  // Creating a token asks the session for the password (review 7b): each wrong one is a guess at it.
  for (let i = 0; i < 5; i++) expect(expectApiError(await createToken(`guess number ${i}`), 422).errors?.password).toEqual(["Current password is incorrect"]);
  // The sixth, the right one, is refused with a wait (the address's delay comes first), and no token exists.
  const sixth = await createToken(cara.password);
  expect(expectApiError(sixth, 429).message).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/);
  expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
  expect((await call(instance, `/api/users/${cara.id}/tokens`, { headers: cara.headers })).body).toEqual([]);
  // The instance's cap is five a day per person, and the form sees the same count: locked, and the right password from
  // an address that never failed is refused.
  expect((await call(instance, `/api/users/${cara.id}`, { headers: bearer(token) })).body).toMatchObject({ is_locked: true });
  expect((await attempt("cara@example.com", cara.password, "192.0.2.77")).headers.location).toMatch(/invalid_credentials$/);
  expect((await call(instance, `/api/users/${cara.id}/unlock`, { method: "POST", headers: bearer(token) })).body).toEqual({ was_locked: true, delays_cleared: true });
  expect((await createToken(cara.password)).status).toBe(200);
});
