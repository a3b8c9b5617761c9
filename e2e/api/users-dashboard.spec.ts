/**
 * The REST side of the dashboard's lists and self-service (issue 18): sorting
 * users (sort/order, 422 on unknown keys), the CSV export of the filtered list
 * (formula-safe, recorded), bulk block/delete with a result per user, ending
 * one session by its id, and adding/removing one group member.
 */
import { expect, test } from "@playwright/test";
import { bearer, call, expectApiError, expectFieldErrors, signInOrFail } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import { personWithSession } from "../support/people";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

type ApiUser = { id: string; name: string; email: string; role: string; is_blocked: boolean; auto_groups: string[]; created_at: string };

let owner: Awaited<ReturnType<typeof setUpOwner>>;
let auth: Record<string, string>;
const ids: Record<string, string> = {};

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
  auth = bearer(owner.personal_access_token);
  for (const [name, email, role] of [
    ["Carol Zed", "carol@sort.example", "user"],
    ["alice Young", "alice@sort.example", "admin"],
    ["=HYPERLINK(\"http://evil.example\")", "formula@sort.example", "auditor"],
    ["Bob Xavier", "bob@sort.example", "user"],
  ] as const) {
    const res = await call<ApiUser>(instance, "/api/users", { method: "POST", headers: auth, json: { name, email, role } });
    expect(res.status, res.text).toBe(200);
    ids[email] = res.body.id;
  }
});

async function listed(query: string): Promise<string[]> {
  const res = await call<ApiUser[]>(instance, `/api/users?${query}`, { headers: auth });
  expect(res.status, res.text).toBe(200);
  return res.body.map((u) => u.email);
}

test("sorts by name, role and creation in either order; unknown keys and orders are a 422", async () => {
  expect(await listed("sort=name&order=asc&search=sort.example")).toEqual([
    "formula@sort.example",
    "alice@sort.example",
    "bob@sort.example",
    "carol@sort.example",
  ]);
  expect(await listed("sort=name&order=desc&search=sort.example")).toEqual([
    "carol@sort.example",
    "bob@sort.example",
    "alice@sort.example",
    "formula@sort.example",
  ]);
  // No "caller first" with an explicit sort: newest first puts the owner last.
  const newest = await listed("sort=created_at&order=desc");
  expect(newest.at(-1)).toBe(OWNER.email);
  expect(newest.slice(0, 2)).toEqual(["bob@sort.example", "formula@sort.example"]);
  // Role order is rank (owner, admin, auditor, user), not the alphabet.
  expect(await listed("sort=role&limit=3")).toEqual([OWNER.email, "alice@sort.example", "formula@sort.example"]);
  // Only the owner has signed in: never-signed-in users go last either way.
  await signInOrFail(instance, OWNER.email, OWNER.password);
  expect((await listed("sort=last_login&order=asc"))[0]).toBe(OWNER.email);
  expect((await listed("sort=last_login&order=desc"))[0]).toBe(OWNER.email);

  const bad = await call(instance, "/api/users?sort=password", { headers: auth });
  expect(expectFieldErrors(bad, "sort").sort[0]).toContain("name, email, username, role, status, last_login, created_at");
  const badOrder = await call(instance, "/api/users?sort=name&order=up", { headers: auth });
  expectFieldErrors(badOrder, "order");
});

test("exports the filtered, sorted list as CSV with formula cells defused, and records the export", async () => {
  const res = await fetch(instance.url("/api/users/export?search=sort.example&sort=name&order=desc"), { headers: auth });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/csv");
  expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="latchkey-users-.*\.csv"$/);
  const lines = (await res.text()).trim().split("\n");
  expect(lines[0]).toBe("id,name,email,role,status,service_user,groups,idp_id,last_login,created_at,username");
  expect(lines.slice(1).map((l) => l.split(",")[2])).toEqual(["carol@sort.example", "bob@sort.example", "alice@sort.example", "formula@sort.example"]);
  // The name starting with "=" is written as text ('=…), never as a formula.
  expect(lines[4]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);

  const events = await call<Array<{ activity_code: string; initiator_id: string }>>(instance, "/api/events?action=users.exported", { headers: auth });
  expect(events.status, events.text).toBe(200);
  expect(events.body.map((e) => e.activity_code)).toEqual(["users.exported"]);

  const refused = await call(instance, "/api/users/export?sort=nope", { headers: auth });
  expectFieldErrors(refused, "sort");
});

test("bulk block applies each user's rules: the owner is refused with the reason, the others are blocked", async () => {
  const res = await call<{ results: Array<{ id: string; ok: boolean; message?: string }> }>(instance, "/api/users/bulk", {
    method: "POST",
    headers: auth,
    json: { action: "block", user_ids: [owner.user_id, ids["bob@sort.example"], ids["carol@sort.example"]] },
  });
  expect(res.status, res.text).toBe(200);
  const byId = new Map(res.body.results.map((r) => [r.id, r]));
  expect(byId.get(owner.user_id)).toEqual({ id: owner.user_id, ok: false, code: 403, message: "You can't block yourself" });
  expect(byId.get(ids["bob@sort.example"])).toEqual({ id: ids["bob@sort.example"], ok: true });
  expect(byId.get(ids["carol@sort.example"])).toEqual({ id: ids["carol@sort.example"], ok: true });
  const blocked = await call<ApiUser>(instance, `/api/users/${ids["bob@sort.example"]}`, { headers: auth });
  expect(blocked.body.is_blocked).toBe(true);

  const self = await call<{ results: Array<{ id: string; ok: boolean; code?: number; message?: string }> }>(instance, "/api/users/bulk", {
    method: "POST",
    headers: auth,
    json: { action: "delete", user_ids: [owner.user_id, ids["carol@sort.example"]] },
  });
  expect(self.body.results).toEqual([
    { id: owner.user_id, ok: false, code: 403, message: "You can't delete yourself" },
    { id: ids["carol@sort.example"], ok: true },
  ]);
  expect((await call(instance, `/api/users/${ids["carol@sort.example"]}`, { headers: auth })).status).toBe(404);

  expectFieldErrors(await call(instance, "/api/users/bulk", { method: "POST", headers: auth, json: { action: "explode", user_ids: [] } }), "action", "user_ids");
});

test("ends one session by the id the sessions list gives, and only it", async () => {
  const person = await personWithSession(instance, auth, "user", "sessions@sort.example");
  const second = await personWithSession(instance, auth, "user", "sessions2@sort.example");
  const list = await call<Array<{ id: string; is_current: boolean }>>(instance, `/api/users/${second.id}/sessions`, { headers: auth });
  expect(list.status, list.text).toBe(200);
  expect(list.body).toHaveLength(1);
  // Someone else's session is not theirs to end.
  expectApiError(await call(instance, `/api/users/${second.id}/sessions/${list.body[0].id}`, { method: "DELETE", headers: person.headers }), 403);
  const ended = await call(instance, `/api/users/${second.id}/sessions/${list.body[0].id}`, { method: "DELETE", headers: auth });
  expect(ended.status, ended.text).toBe(200);
  expect((await call(instance, "/api/users/current", { headers: second.headers })).status).toBe(401);
  expect((await call(instance, "/api/users/current", { headers: person.headers })).status).toBe(200);
  expectApiError(await call(instance, `/api/users/${second.id}/sessions/${list.body[0].id}`, { method: "DELETE", headers: auth }), 404);
});

test("adds and removes one group member", async () => {
  const group = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Pickers" } });
  const alice = ids["alice@sort.example"];
  const added = await call(instance, `/api/groups/${group.body.id}/members`, { method: "POST", headers: auth, json: { user_id: alice } });
  expect(added.status, added.text).toBe(200);
  expect((await call<ApiUser>(instance, `/api/users/${alice}`, { headers: auth })).body.auto_groups).toEqual([group.body.id]);
  const removed = await call(instance, `/api/groups/${group.body.id}/members/${alice}`, { method: "DELETE", headers: auth });
  expect(removed.status, removed.text).toBe(200);
  expect((await call<ApiUser>(instance, `/api/users/${alice}`, { headers: auth })).body.auto_groups).toEqual([]);
  expectFieldErrors(await call(instance, `/api/groups/${group.body.id}/members`, { method: "POST", headers: auth, json: {} }), "user_id");
});
