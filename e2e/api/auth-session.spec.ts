/**
 * GET /api/auth/session, Auth.js's session endpoint: it never hands out the
 * server-side session id (a bearer credential), and a cookie whose session is
 * dead (user blocked or deleted, session revoked) gets "no session" and a
 * cleared cookie, never a fresh expiry.
 */
import { expect, test } from "@playwright/test";
import { SESSION_COOKIE, call } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { personWithRole, tokenClient, type Client } from "../support/users-api";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

let api: Client;

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  api = tokenClient(instance, owner.personal_access_token);
});

function session(cookie: string) {
  return call(instance, "/api/auth/session", { headers: { cookie } });
}

/** The session cookie's Set-Cookie line in a response, if any. */
function sessionSetCookie(headers: Headers): string | undefined {
  return headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`));
}

function expectCleared(headers: Headers) {
  const line = sessionSetCookie(headers);
  expect(line, "the dead session's cookie is not cleared").toBeDefined();
  const value = line!.split(";")[0].slice(SESSION_COOKIE.length + 1);
  const expires = /expires=([^;]+)/i.exec(line!)?.[1];
  const maxAge = /max-age=(-?\d+)/i.exec(line!)?.[1];
  const cleared = value === "" || (expires !== undefined && Date.parse(expires) <= Date.now()) || (maxAge !== undefined && Number(maxAge) <= 0);
  expect(cleared, `cookie re-issued instead of cleared: ${line}`).toBe(true);
}

test("a live session answers its expiry and no session id", async () => {
  const person = await personWithRole(api, "user");
  const res = await session(person.cookie);
  expect(res.status, res.text).toBe(200);
  const body = res.body as Record<string, unknown>;
  expect(typeof body.expires).toBe("string");
  expect(Object.keys(body)).toEqual(["expires"]);
  expect(res.text).not.toMatch(/session_?id|sid/i);
  // The session still works afterwards.
  expect((await person.client.get("/api/users/current")).status).toBe(200);
});

test("a blocked user's cookie gets no session and a cleared cookie", async () => {
  const person = await personWithRole(api, "user");
  expect((await session(person.cookie)).status).toBe(200);
  const blocked = await api.updateUser(person.user.id, { is_blocked: true });
  expect(blocked.status, blocked.text).toBe(200);

  const res = await session(person.cookie);
  expect(res.status, res.text).toBe(200);
  expect(res.body).toBeNull();
  expectCleared(res.headers);
});

test("a deleted user's cookie gets no session and a cleared cookie", async () => {
  const person = await personWithRole(api, "user");
  const deleted = await api.delete(`/api/users/${person.user.id}`);
  expect(deleted.status, deleted.text).toBe(200);

  const res = await session(person.cookie);
  expect(res.status, res.text).toBe(200);
  expect(res.body).toBeNull();
  expectCleared(res.headers);
});

test("a revoked session's cookie gets no session and a cleared cookie", async () => {
  const person = await personWithRole(api, "user");
  const revoked = await api.call(`/api/users/${person.user.id}/sessions`, { method: "DELETE" });
  expect(revoked.status, revoked.text).toBeLessThan(300);

  const res = await session(person.cookie);
  expect(res.body).toBeNull();
  expectCleared(res.headers);
});
