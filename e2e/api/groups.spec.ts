/**
 * Groups over the REST API: list, create, read, rename, delete with an access
 * token; the shape scripts rely on; validation, conflicts and refusals; and
 * that deleting a group takes it out of its members' auto_groups.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { bearer, call, expectApiError, expectFieldErrors, signInOrFail, UUID_PATTERN } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

type ApiGroup = { id: string; name: string; users_count: number; created_at: string };
type ApiGroupDetail = ApiGroup & { users: Array<{ id: string; name: string; email: string }> };
type ApiUser = { id: string; email: string; auto_groups: string[]; password?: string };

let owner: Awaited<ReturnType<typeof setUpOwner>>;
let auth: Record<string, string>;

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
  auth = bearer(owner.personal_access_token);
});

function groupsApi(path = "", init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) {
  return call(instance, `/api/groups${path}`, { method: init.method ?? "GET", headers: init.headers ?? auth, json: init.json });
}

async function createGroup(name: string): Promise<ApiGroup> {
  const res = await groupsApi("", { method: "POST", json: { name } });
  expect(res.status, res.text).toBe(200);
  return res.body as ApiGroup;
}

async function createUser(json: Record<string, unknown>): Promise<ApiUser> {
  const res = await call<ApiUser>(instance, "/api/users", { method: "POST", headers: auth, json });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** A signed-in session (cookie) for a new user of this role, past the forced password change. */
async function sessionAs(role: "auditor" | "user" | "admin", email: string): Promise<{ id: string; cookie: string; headers: Record<string, string> }> {
  const user = await createUser({ email, name: `${role} person`, role });
  const cookie = await signInOrFail(instance, email, user.password!);
  const origin = instance.baseURL;
  const newPassword = `a fresh ${role} passphrase 42`;
  const changed = await call(instance, `/api/users/${user.id}/password`, {
    method: "PUT",
    headers: { cookie, origin },
    json: { old_password: user.password, new_password: newPassword },
  });
  expect(changed.status, changed.text).toBe(200);
  return { id: user.id, cookie, headers: { cookie, origin } };
}

test("creating a group returns it in the API's shape", async () => {
  const res = await groupsApi("", { method: "POST", json: { name: "  Engineering " } });
  expect(res.status, res.text).toBe(200);
  const group = res.body as ApiGroup;
  expect(Object.keys(group).sort()).toEqual(["created_at", "id", "issued", "name", "peers", "peers_count", "resources", "resources_count", "users_count"]);
  // NetBird's peer and resource fields, always empty here.
  expect(group).toMatchObject({ name: "Engineering", users_count: 0, peers: [], peers_count: 0, resources: [], resources_count: 0, issued: "api" });
  expect(group.id).toMatch(UUID_PATTERN);
  expect(Math.abs(Date.parse(group.created_at) - Date.now())).toBeLessThan(60_000);

  const got = await groupsApi(`/${group.id}`);
  expect(got.status, got.text).toBe(200);
  expect(got.body).toEqual({ ...group, users: [] });
});

test("the list has every group sorted by name, with X-Total-Count, search and paging", async () => {
  await createGroup("Design");
  await createGroup("admins");
  const res = await groupsApi();
  expect(res.status, res.text).toBe(200);
  const names = (res.body as ApiGroup[]).map((g) => g.name);
  expect(names).toEqual(["admins", "Design", "Engineering"]);
  expect(res.headers.get("x-total-count")).toBe("3");

  const searched = await groupsApi("?search=DES");
  expect((searched.body as ApiGroup[]).map((g) => g.name)).toEqual(["Design"]);
  expect(searched.headers.get("x-total-count")).toBe("1");

  const paged = await groupsApi("?limit=1&offset=1");
  expect((paged.body as ApiGroup[]).map((g) => g.name)).toEqual(["Design"]);
  expect(paged.headers.get("x-total-count")).toBe("3");

  expectFieldErrors(await groupsApi("?limit=0"), "limit");
});

test("a duplicate name is a 409 whatever its case", async () => {
  for (const name of ["Engineering", "engineering", "ENGINEERING", "  engineering  "]) {
    const res = await groupsApi("", { method: "POST", json: { name } });
    const error = expectApiError(res, 409);
    expect(error.message).toBe("A group with this name already exists");
  }
  const list = await groupsApi();
  expect((list.body as ApiGroup[]).filter((g) => g.name.toLowerCase() === "engineering")).toHaveLength(1);
});

test("an empty, blank, missing, mistyped or too long name is a 422 on name", async () => {
  for (const json of [{ name: "" }, { name: "   " }, {}, { name: 42 }, { name: null }, { name: "x".repeat(65) }]) {
    const errors = expectFieldErrors(await groupsApi("", { method: "POST", json }), "name");
    // A number where the name goes says so (review 22: it said "Name is required").
    expect(errors.name.join(" ")).toMatch(typeof json.name === "number" ? /^Name must be text$/ : /required|at most 64/i);
  }
  const ok = await groupsApi("", { method: "POST", json: { name: "y".repeat(64) } });
  expect(ok.status, ok.text).toBe(200);
  expect((await groupsApi(`/${(ok.body as ApiGroup).id}`, { method: "DELETE" })).status).toBe(200);
});

test("malformed JSON is a 400 and a non-JSON body a 415", async () => {
  const malformed = await call(instance, "/api/groups", {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: '{"name": "Broken",',
  });
  expectApiError(malformed, 400);
  const text = await call(instance, "/api/groups", {
    method: "POST",
    headers: { ...auth, "content-type": "text/plain" },
    body: JSON.stringify({ name: "Plain" }),
  });
  expectApiError(text, 415);
  const list = await groupsApi();
  expect((list.body as ApiGroup[]).map((g) => g.name)).not.toContain("Plain");
});

test("renaming returns the group, allows a change of case, and refuses another group's name", async () => {
  const group = await createGroup("Support");
  const renamed = await groupsApi(`/${group.id}`, { method: "PUT", json: { name: " Customer Support " } });
  expect(renamed.status, renamed.text).toBe(200);
  expect(renamed.body).toEqual({ ...group, name: "Customer Support" });

  const recased = await groupsApi(`/${group.id}`, { method: "PUT", json: { name: "customer support" } });
  expect(recased.status, recased.text).toBe(200);

  expectApiError(await groupsApi(`/${group.id}`, { method: "PUT", json: { name: "DESIGN" } }), 409);
  expectFieldErrors(await groupsApi(`/${group.id}`, { method: "PUT", json: { name: "" } }), "name");
  expectFieldErrors(await groupsApi(`/${group.id}`, { method: "PUT", json: { name: "z".repeat(65) } }), "name");
  const malformed = await call(instance, `/api/groups/${group.id}`, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/json" },
    body: "{name: 'unquoted'}",
  });
  expectApiError(malformed, 400);

  const got = await groupsApi(`/${group.id}`);
  expect((got.body as ApiGroup).name).toBe("customer support");
});

test("unknown ids are a 404 for read, rename and delete", async () => {
  for (const id of [crypto.randomUUID(), "not-a-uuid", owner.account_id, owner.user_id]) {
    expectApiError(await groupsApi(`/${id}`), 404);
    expectApiError(await groupsApi(`/${id}`, { method: "PUT", json: { name: "Whatever" } }), 404);
    expectApiError(await groupsApi(`/${id}`, { method: "DELETE" }), 404);
  }
});

test("no credentials is a 401, a bad token too", async () => {
  const group = await createGroup("Locked");
  const refused: Array<Record<string, string>> = [{}, { authorization: "Bearer garbage" }, { authorization: "Basic abc" }];
  for (const headers of refused) {
    expectApiError(await groupsApi("", { headers }), 401);
    expectApiError(await groupsApi("", { method: "POST", json: { name: "Sneaky" }, headers }), 401);
    expectApiError(await groupsApi(`/${group.id}`, { headers }), 401);
    expectApiError(await groupsApi(`/${group.id}`, { method: "PUT", json: { name: "Sneaky" }, headers }), 401);
    expectApiError(await groupsApi(`/${group.id}`, { method: "DELETE", headers }), 401);
  }
  expect((await groupsApi(`/${group.id}`)).status).toBe(200);
});

test("members are listed with name and email, and counted", async () => {
  const group = await createGroup("Platform");
  const ann = await createUser({ email: "ann@example.com", name: "Ann Example", role: "user", auto_groups: [group.id] });
  const bot = await createUser({ name: "deploy bot", role: "user", is_service_user: true, auto_groups: [group.id] });

  const got = await groupsApi(`/${group.id}`);
  expect(got.status, got.text).toBe(200);
  const detail = got.body as ApiGroupDetail;
  expect(detail.users_count).toBe(2);
  expect(detail.users).toEqual(
    expect.arrayContaining([
      { id: ann.id, name: "Ann Example", email: "ann@example.com" },
      { id: bot.id, name: "deploy bot", email: "" },
    ]),
  );
  expect(detail.users).toHaveLength(2);
  const listed = (await groupsApi()).body as ApiGroup[];
  expect(listed.find((g) => g.id === group.id)?.users_count).toBe(2);
});

test("deleting a group keeps its members and takes it out of their auto_groups", async () => {
  const doomed = await createGroup("Temporary");
  const kept = await createGroup("Permanent");
  const user = await createUser({ email: "bea@example.com", name: "Bea Example", role: "user", auto_groups: [doomed.id, kept.id] });
  expect(user.auto_groups.sort()).toEqual([doomed.id, kept.id].sort());

  const res = await groupsApi(`/${doomed.id}`, { method: "DELETE" });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toEqual({});

  expectApiError(await groupsApi(`/${doomed.id}`), 404);
  expectApiError(await groupsApi(`/${doomed.id}`, { method: "DELETE" }), 404);
  const after = await call<ApiUser>(instance, `/api/users/${user.id}`, { headers: auth });
  expect(after.status, after.text).toBe(200);
  expect(after.body.auto_groups).toEqual([kept.id]);
  // The user list (served from the in-memory directory) agrees.
  const list = await call<ApiUser[]>(instance, "/api/users?search=bea%40example.com", { headers: auth });
  expect(list.body.map((u) => [u.id, u.auto_groups])).toEqual([[user.id, [kept.id]]]);
  // And the deleted id can no longer be given to anyone.
  const reuse = await call(instance, "/api/users", {
    method: "POST",
    headers: auth,
    json: { email: "cy@example.com", name: "Cy", role: "user", auto_groups: [doomed.id] },
  });
  expectFieldErrors(reuse, "auto_groups");
});

test("auditors read every group but change none", async () => {
  const auditor = await sessionAs("auditor", "audrey@example.com");
  const list = await call<ApiGroup[]>(instance, "/api/groups", { headers: { cookie: auditor.cookie } });
  expect(list.status, list.text).toBe(200);
  const all = (await groupsApi()).body as ApiGroup[];
  expect(list.body.map((g) => g.id)).toEqual(all.map((g) => g.id));
  const target = all[0];
  expect((await call(instance, `/api/groups/${target.id}`, { headers: { cookie: auditor.cookie } })).status).toBe(200);

  expectApiError(await groupsApi("", { method: "POST", json: { name: "Auditors' own" }, headers: auditor.headers }), 403);
  expectApiError(await groupsApi(`/${target.id}`, { method: "PUT", json: { name: "Renamed by auditor" }, headers: auditor.headers }), 403);
  expectApiError(await groupsApi(`/${target.id}`, { method: "DELETE", headers: auditor.headers }), 403);
  expect(((await groupsApi(`/${target.id}`)).body as ApiGroup).name).toBe(target.name);
});

test("users see only their own groups, and only themselves among the members", async () => {
  const mine = await createGroup("Mine");
  const notMine = await createGroup("Not mine");
  const userSession = await sessionAs("user", "uma@example.com");
  const update = await call(instance, `/api/users/${userSession.id}`, {
    method: "PUT",
    headers: auth,
    json: { role: "user", auto_groups: [mine.id], is_blocked: false },
  });
  expect(update.status, update.text).toBe(200);
  await createUser({ email: "other@example.com", name: "Other Member", role: "user", auto_groups: [mine.id] });

  const list = await call<ApiGroup[]>(instance, "/api/groups", { headers: { cookie: userSession.cookie } });
  expect(list.status, list.text).toBe(200);
  expect(list.body.map((g) => g.id)).toEqual([mine.id]);
  expect(list.headers.get("x-total-count")).toBe("1");

  const detail = await call<ApiGroupDetail>(instance, `/api/groups/${mine.id}`, { headers: { cookie: userSession.cookie } });
  expect(detail.status, detail.text).toBe(200);
  expect(detail.body.users.map((u) => u.id)).toEqual([userSession.id]);
  expectApiError(await call(instance, `/api/groups/${notMine.id}`, { headers: { cookie: userSession.cookie } }), 404);

  expectApiError(await groupsApi("", { method: "POST", json: { name: "User made" }, headers: userSession.headers }), 403);
  expectApiError(await groupsApi(`/${mine.id}`, { method: "DELETE", headers: userSession.headers }), 403);
});
