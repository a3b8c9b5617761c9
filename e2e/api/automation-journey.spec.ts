/**
 * Review 22, the automation engineer's journey, on the real server (Next.js's own handling of HEAD and of a
 * trailing slash included): what a script with a token gets when it goes wrong, and that a refusal changes
 * nothing in the activity log. The route-level cases are in app/api/automation-edges.test.ts.
 */
import { expect, test } from "@playwright/test";
import { bearer, call, expectApiError, expectFieldErrors } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";

const instance = useInstance();

let token = "";
let readOnlyToken = "";

async function eventCount(): Promise<number> {
  const res = await call(instance, "/api/events?limit=1", { headers: bearer(token) });
  expect(res.status, res.text).toBe(200);
  return Number(res.headers.get("x-total-count"));
}

test.beforeAll(async () => {
  token = (await setUpOwner(instance)).personal_access_token;
  const reader = await call<{ id: string }>(instance, "/api/users", { method: "POST", headers: bearer(token), json: { is_service_user: true, name: "Reporter", role: "user" } });
  expect(reader.status, reader.text).toBe(200);
  const made = await call<{ plain_token: string }>(instance, `/api/users/${reader.body.id}/tokens`, { method: "POST", headers: bearer(token), json: { name: "report", expires_in: 1 } });
  expect(made.status, made.text).toBe(200);
  readOnlyToken = made.body.plain_token;
});

test("HEAD on the exports and the integrity check is a 405 that runs nothing; other GETs keep HEAD", async () => {
  const before = await eventCount();
  for (const path of ["/api/users/export", "/api/events/export?format=csv", "/api/events/integrity"]) {
    const res = await call(instance, path, { method: "HEAD", headers: bearer(token) });
    expect([path, res.status, res.headers.get("allow")]).toEqual([path, 405, "GET"]);
  }
  // Eleven HEADs would have spent the integrity check's 10 per 15 minutes: the GET still runs.
  for (let i = 0; i < 10; i++) await call(instance, "/api/events/integrity", { method: "HEAD", headers: bearer(token) });
  const check = await call<{ ok: boolean }>(instance, "/api/events/integrity", { headers: bearer(token) });
  expect(check.status, check.text).toBe(200);
  expect(check.body.ok).toBe(true);
  // Nothing recorded ("Users exported" was, for a HEAD that sent nothing).
  expect(await eventCount()).toBe(before);
  const head = await call(instance, "/api/users", { method: "HEAD", headers: bearer(token) });
  expect([head.status, head.headers.get("x-total-count")]).toEqual([200, "2"]);
});

test("a 401 names the scheme in WWW-Authenticate, for no token and a wrong one", async () => {
  for (const headers of [{}, bearer(`${token}x`), { authorization: "Basic b3duZXI6cHc=" }]) {
    const res = await call(instance, "/api/users/current", { headers });
    expectApiError(res, 401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="Latchkey API"');
  }
});

test("a read-only token's write is a 403 whatever the body, and nothing is recorded", async () => {
  const before = await eventCount();
  for (const [method, path, json] of [
    ["PUT", "/api/settings/sign-in", {}],
    ["POST", "/api/identity-providers", {}],
    ["POST", "/api/groups", { name: 5 }],
  ] as const) {
    const res = await call(instance, path, { method, headers: bearer(readOnlyToken), json });
    expect(expectApiError(res, 403).message, `${method} ${path}`).toMatch(/read-only/);
  }
  expect(await eventCount()).toBe(before);
});

test("a group name with an invisible character or a number is a 422 on name that says which; nothing is created", async () => {
  const before = await eventCount();
  expect((await call(instance, "/api/groups", { method: "POST", headers: bearer(token), json: { name: "wikiadmins" } })).status).toBe(200);
  const hidden = await call(instance, "/api/groups", { method: "POST", headers: bearer(token), json: { name: "wiki\u200badmins" } });
  expect(expectFieldErrors(hidden, "name").name).toEqual(["A group name can't contain invisible characters"]);
  const number = await call(instance, "/api/groups", { method: "POST", headers: bearer(token), json: { name: 123 } });
  expect(expectFieldErrors(number, "name").name).toEqual(["Name must be text"]);
  const listed = await call<{ name: string }[]>(instance, "/api/groups", { headers: bearer(token) });
  expect(listed.body.map((g) => g.name)).toEqual(["wikiadmins"]);
  expect(await eventCount()).toBe(before + 1);
});

test("a body that isn't UTF-8 (a Latin-1 é) is a 400, and nothing is stored with a replacement character", async () => {
  const before = await eventCount();
  const res = await call(instance, "/api/groups", {
    method: "POST",
    headers: { ...bearer(token), "content-type": "application/json; charset=iso-8859-1" },
    body: Buffer.from('{"name":"Caf\u00e9"}', "latin1"),
  });
  expect(expectApiError(res, 400).message).toBe("Request body is not valid UTF-8 (JSON must be sent as UTF-8)");
  const listed = await call<{ name: string }[]>(instance, "/api/groups", { headers: bearer(token) });
  expect(listed.body.map((g) => g.name).filter((n) => n.startsWith("Caf"))).toEqual([]);
  expect(await eventCount()).toBe(before);
});

test("a trailing slash is a 308 to the path without it, as README says (curl needs -L; nothing is done until it follows)", async () => {
  const before = await eventCount();
  const res = await call(instance, "/api/groups/", { method: "POST", headers: bearer(token), json: { name: "slash" } });
  expect([res.status, res.headers.get("location")]).toEqual([308, "/api/groups"]);
  expect(await eventCount()).toBe(before);
});
