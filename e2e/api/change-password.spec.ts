/**
 * Changing one's own password over the REST API with an access token: the
 * checks on the old and new password, refusal for anyone else's id, and that
 * a change takes effect at once for sign-in and for existing sessions.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { bearer, call, expectApiError, expectFieldErrors, signIn, signInOrFail } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

const newPassword = "the second owner passphrase";
let owner: Awaited<ReturnType<typeof setUpOwner>>;
/** A session cookie from before the change. */
let earlierSession: string;

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
  earlierSession = await signInOrFail(instance, OWNER.email, OWNER.password);
});

function changePassword(json: unknown, init: { id?: string; headers?: Record<string, string> } = {}) {
  return call(instance, `/api/users/${init.id ?? owner.user_id}/password`, {
    method: "PUT",
    headers: init.headers ?? bearer(owner.personal_access_token),
    json,
  });
}

test("a wrong old password is a 422 on old_password", async () => {
  for (const oldPassword of ["not my password at all", OWNER.password.toUpperCase(), ` ${OWNER.password}`]) {
    const res = await changePassword({ old_password: oldPassword, new_password: newPassword });
    const errors = expectFieldErrors(res, "old_password");
    expect(errors.old_password.join(" ")).toMatch(/incorrect/i);
    expect(errors.new_password).toBeUndefined();
  }
});

test("a new password that is too short, too long, too common or unchanged is a 422 on new_password", async () => {
  const cases: Array<[string, RegExp]> = [
    ["short12", /at least 8/],
    ["y".repeat(129), /at most 128/],
    ["password123", /common/i],
    ["Password123", /common/i],
    [OWNER.password, /differ/i],
    [OWNER.email, /email or name/i],
  ];
  for (const [candidate, message] of cases) {
    const res = await changePassword({ old_password: OWNER.password, new_password: candidate });
    const errors = expectFieldErrors(res, "new_password");
    expect(errors.new_password.join(" "), `for ${JSON.stringify(candidate).slice(0, 40)}`).toMatch(message);
  }
});

test("missing fields, wrong types and bad bodies are refused cleanly", async () => {
  expectFieldErrors(await changePassword({}), "old_password", "new_password");
  expectFieldErrors(await changePassword({ old_password: 12345678, new_password: ["x"] }), "old_password", "new_password");
  expectFieldErrors(await changePassword({ old_password: OWNER.password }), "new_password");
  expectApiError(await changePassword(null), 422);

  const url = `/api/users/${owner.user_id}/password`;
  const malformed = await call(instance, url, {
    method: "PUT",
    headers: { ...bearer(owner.personal_access_token), "content-type": "application/json" },
    body: `{"old_password": "${OWNER.password}",`,
  });
  expectApiError(malformed, 400);

  const plain = await call(instance, url, {
    method: "PUT",
    headers: { ...bearer(owner.personal_access_token), "content-type": "text/plain" },
    body: JSON.stringify({ old_password: OWNER.password, new_password: newPassword }),
  });
  expectApiError(plain, 415);

  const huge = await call(instance, url, {
    method: "PUT",
    headers: { ...bearer(owner.personal_access_token), "content-type": "application/json" },
    body: JSON.stringify({ old_password: OWNER.password, new_password: newPassword, pad: "z".repeat(200 * 1024) }),
  });
  expectApiError(huge, 413);
});

test("someone else's id is a 403, and no credentials a 401", async () => {
  const valid = { old_password: OWNER.password, new_password: newPassword };
  for (const id of [crypto.randomUUID(), owner.account_id, "not-a-uuid"]) {
    expectApiError(await changePassword(valid, { id }), 403);
  }
  expectApiError(await changePassword(valid, { headers: {} }), 401);
  expectApiError(await changePassword(valid, { headers: { authorization: "Bearer garbage" } }), 401);
});

test("none of the refusals changed the password or ended a session", async () => {
  expect((await call(instance, "/api/users", { headers: { cookie: earlierSession } })).status).toBe(200);
  expect((await signIn(instance, OWNER.email, newPassword)).signedIn).toBe(false);
});

test("a successful change: old password stops working, new one works, earlier sessions end", async () => {
  const res = await changePassword({ old_password: OWNER.password, new_password: newPassword });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toMatchObject({ message: expect.any(String) });

  // The session cookie from before the change is refused at once.
  const stale = await call(instance, "/api/users", { headers: { cookie: earlierSession } });
  expectApiError(stale, 401);
  expectApiError(await call(instance, "/api/users/current", { headers: { cookie: earlierSession } }), 401);

  expect((await signIn(instance, OWNER.email, OWNER.password)).signedIn).toBe(false);
  const fresh = await signInOrFail(instance, OWNER.email, newPassword);
  const users = await call(instance, "/api/users", { headers: { cookie: fresh } });
  expect(users.status, users.text).toBe(200);

  // The old password no longer counts as the current one.
  const again = await changePassword({ old_password: OWNER.password, new_password: "yet another passphrase here" });
  expectFieldErrors(again, "old_password");
});
