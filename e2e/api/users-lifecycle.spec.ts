/**
 * Team → Users over the REST API, as the owner's automation sees it: creating
 * people and service users, reading and listing them with filters and paging,
 * editing, deleting, the validation of every input, and that another
 * account's user ids are "not found" (two instances, one account each).
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { UUID_PATTERN, expectApiError, expectFieldErrors } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import { GENERATED_PASSWORD, tokenClient, uniqueEmail, type ApiUser, type Client } from "../support/users-api";

const instance = useInstance();
/** A second server: its own account, its own users. */
const other = useInstance();

test.describe.configure({ mode: "serial" });

let owner: Awaited<ReturnType<typeof setUpOwner>>;
let api: Client;
let otherOwner: Awaited<ReturnType<typeof setUpOwner>>;
let otherApi: Client;

test.beforeAll(async () => {
  [owner, otherOwner] = await Promise.all([setUpOwner(instance), setUpOwner(other, { ...OWNER, email: "other-owner@example.com" })]);
  api = tokenClient(instance, owner.personal_access_token);
  otherApi = tokenClient(other, otherOwner.personal_access_token);
});

async function createGroup(client: Client, name: string): Promise<string> {
  const res = await client.post<{ id: string }>("/api/groups", { name });
  expect(res.status, res.text).toBe(200);
  return res.body.id;
}

async function count(): Promise<number> {
  return (await api.list()).total;
}

test.describe("creating", () => {
  test("POST /api/users creates an active user and shows the generated password once", async () => {
    const email = uniqueEmail("ada");
    const res = await api.post<ApiUser>("/api/users", { email: `  ${email} `, name: " Ada Lovelace ", role: "user", auto_groups: [] });
    expect(res.status, res.text).toBe(200);
    const created = res.body;
    expect(created).toMatchObject({
      email,
      name: "Ada Lovelace",
      role: "user",
      status: "active",
      auto_groups: [],
      is_current: false,
      is_service_user: false,
      is_blocked: false,
      // NetBird's "never": Go's zero time, so its clients can always parse last_login.
      last_login: "0001-01-01T00:00:00Z",
    });
    expect(created.id).toMatch(UUID_PATTERN);
    expect(created.password).toMatch(GENERATED_PASSWORD);

    // Reading the user back never shows the password.
    const single = await api.get<ApiUser>(`/api/users/${created.id}`);
    expect(single.status, single.text).toBe(200);
    const { password, ...withoutPassword } = created;
    expect(single.body).toMatchObject(withoutPassword);
    expect(single.body).not.toHaveProperty("password");
    expect(single.text).not.toContain(password!);
    const list = await api.get<ApiUser[]>("/api/users");
    expect(list.body.map((u) => u.id)).toContain(created.id);
    expect(list.text).not.toContain(password!);
    expect(list.text).not.toMatch(/"password"/);

    // Every user gets a password of their own.
    const second = await api.createUser({ email: uniqueEmail("ada2"), name: "Ada Two", role: "user" });
    expect(second.password).toMatch(GENERATED_PASSWORD);
    expect(second.password).not.toBe(password);
  });

  test("auto_groups is optional on create, and given groups are joined (duplicates once)", async () => {
    const groupId = await createGroup(api, "Creators");
    const user = await api.createUser({ email: uniqueEmail("grouped"), name: "Grouped Person", role: "auditor", auto_groups: [groupId, groupId] });
    expect(user.auto_groups).toEqual([groupId]);
    expect((await api.user(user.id)).auto_groups).toEqual([groupId]);
    const plain = await api.createUser({ email: uniqueEmail("plain"), name: "No Groups", role: "admin" });
    expect(plain.auto_groups).toEqual([]);
    expect(plain.role).toBe("admin");
  });

  test("a service user has no email and no password; giving one an email is a 422", async () => {
    const res = await api.post<ApiUser>("/api/users", { is_service_user: true, name: "Terraform", role: "admin" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ name: "Terraform", role: "admin", email: "", is_service_user: true, status: "active" });
    expect(res.body).not.toHaveProperty("password");
    expect((await api.user(res.body.id)).is_service_user).toBe(true);

    const before = await count();
    const withEmail = await api.post("/api/users", { is_service_user: true, name: "Ansible", role: "user", email: uniqueEmail("svc") });
    expectFieldErrors(withEmail, "email");
    expect(await count()).toBe(before);
  });

  test("missing fields, wrong types and unknown roles are 422s naming the field, and create nothing", async () => {
    const before = await count();
    const email = uniqueEmail("invalid");
    const cases: Array<[unknown, string[]]> = [
      // Email is optional for people an admin creates (usernames issue), but one of the two names the person.
      [{ name: "No Email", role: "user" }, ["username"]],
      [{ email: "not-an-email", name: "Bad Email", role: "user" }, ["email"]],
      [{ email: 42, name: "Numeric Email", role: "user" }, ["email"]],
      // A person's name is optional (NetBird's client leaves it out), but if sent it must be text.
      [{ email, name: ["x"], role: "user" }, ["name"]],
      [{ email, name: "x".repeat(101), role: "user" }, ["name"]],
      [{ email, name: "No Role" }, ["role"]],
      [{ email, name: "Super", role: "superuser" }, ["role"]],
      [{ email, name: "Capital", role: "Admin" }, ["role"]],
      [{ email, name: "Groups", role: "user", auto_groups: "engineering" }, ["auto_groups"]],
      [{ email, name: "Service?", role: "user", is_service_user: "yes" }, ["is_service_user"]],
      [{ email: "", name: 7, role: "" }, ["name", "role"]],
    ];
    for (const [json, fields] of cases) {
      const res = await api.post("/api/users", json);
      expect(res.status, `for ${JSON.stringify(json).slice(0, 80)}: ${res.text}`).toBe(422);
      expectFieldErrors(res, ...fields);
    }
    for (const json of [null, [], "user", 7]) {
      expectApiError(await api.post("/api/users", json), 422);
    }
    expect(await count()).toBe(before);
  });

  test("the owner role can't be given at creation: 422 on role", async () => {
    const before = await count();
    const errors = expectFieldErrors(await api.post("/api/users", { email: uniqueEmail("owner2"), name: "Second Owner", role: "owner" }), "role");
    expect(errors.role.join(" ")).toMatch(/owner/i);
    expect(await count()).toBe(before);
    expect((await api.list({ role: "owner" })).ids).toEqual([owner.user_id]);
  });

  test("malformed JSON is a 400 and a non-JSON body a 415", async () => {
    const malformed = await api.call("/api/users", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"email": "broken@example.com", "name": ',
    });
    expectApiError(malformed, 400);
    const plain = await api.call("/api/users", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ email: uniqueEmail("plain-text"), name: "Plain", role: "user" }),
    });
    expectApiError(plain, 415);
  });

  test("an email already in use (in any case or spacing) is a 409", async () => {
    const email = uniqueEmail("taken");
    await api.createUser({ email, name: "First Taker", role: "user" });
    const before = await count();
    for (const candidate of [email, email.toUpperCase(), ` ${email} `, OWNER.email, OWNER.email.toUpperCase()]) {
      const res = await api.post("/api/users", { email: candidate, name: "Second Taker", role: "user" });
      expectApiError(res, 409);
    }
    expect(await count()).toBe(before);
  });

  test("an unknown group id is a 422 on auto_groups, and the user is not created", async () => {
    const groupId = await createGroup(api, "Real Group");
    const email = uniqueEmail("ghost-group");
    const before = await count();
    const errors = expectFieldErrors(
      await api.post("/api/users", { email, name: "Ghost Member", role: "user", auto_groups: [groupId, crypto.randomUUID()] }),
      "auto_groups",
    );
    expect(errors.auto_groups.join(" ")).toMatch(/group/i);
    expect(await count()).toBe(before);
    // Nothing half-written: the email is still free.
    const retry = await api.createUser({ email, name: "Ghost Member", role: "user", auto_groups: [groupId] });
    expect(retry.auto_groups).toEqual([groupId]);
  });
});

test.describe("reading and listing", () => {
  const people: Record<string, ApiUser> = {};
  let groupId: string;

  test.beforeAll(async () => {
    groupId = await createGroup(api, "Listing Crew");
    const make = async (key: string, json: Record<string, unknown>) => (people[key] = await api.createUser(json));
    await make("grace", { email: uniqueEmail("grace.hopper"), name: "Grace HOPPER", role: "admin", auto_groups: [groupId] });
    await make("alan", { email: `alan.${crypto.randomBytes(3).toString("hex")}@turing.example`, name: "Alan Turing", role: "auditor" });
    await make("barbara", { email: uniqueEmail("barbara"), name: "Barbara Liskov", role: "user", auto_groups: [groupId] });
    await make("bot", { is_service_user: true, name: "Hopper Bot", role: "user" });
    const blocked = await api.updateUser(people.barbara.id, { is_blocked: true });
    expect(blocked.status, blocked.text).toBe(200);
  });

  test("GET /api/users/{id} returns one user; unknown and malformed ids are 404", async () => {
    const grace = await api.user(people.grace.id);
    expect(grace).toMatchObject({ id: people.grace.id, name: "Grace HOPPER", role: "admin", auto_groups: [groupId], is_current: false });
    for (const id of [crypto.randomUUID(), "not-a-uuid", owner.account_id, groupId]) {
      expectApiError(await api.get(`/api/users/${id}`), 404);
    }
  });

  test("GET /api/users/current is the caller, with permissions", async () => {
    const res = await api.get<ApiUser & { permissions: unknown }>("/api/users/current");
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: owner.user_id, email: OWNER.email, role: "owner", is_current: true });
    // NetBird's permissions object.
    expect(res.body.permissions).toMatchObject({ is_restricted: false, modules: { users: { read: true, create: true, update: true, delete: true } } });
  });

  test("the list puts the caller first and counts everyone in X-Total-Count", async () => {
    const { users, total } = await api.list();
    expect(users[0]).toMatchObject({ id: owner.user_id, is_current: true });
    expect(users.filter((u) => u.is_current)).toHaveLength(1);
    expect(total).toBe(users.length);
    for (const p of Object.values(people)) expect(users.map((u) => u.id)).toContain(p.id);
    for (const u of users) {
      expect(Object.keys(u).sort()).toEqual(
        expect.arrayContaining(["id", "email", "name", "role", "status", "last_login", "auto_groups", "is_current", "is_service_user", "is_blocked", "idp_id"]),
      );
    }
  });

  test("search matches name, email and role substrings, ignoring case", async () => {
    expect((await api.list({ search: "hopper" })).ids.sort()).toEqual([people.grace.id, people.bot.id].sort());
    expect((await api.list({ search: "GRACE" })).ids).toEqual([people.grace.id]);
    expect((await api.list({ search: "@TURING.example" })).ids).toEqual([people.alan.id]);
    const auditors = await api.list({ search: "AUDIT" });
    expect(auditors.ids).toContain(people.alan.id);
    expect(auditors.users.every((u) => u.role === "auditor" || `${u.name} ${u.email}`.toLowerCase().includes("audit"))).toBe(true);
    const none = await api.list({ search: "zz-nobody-by-this-name" });
    expect(none).toMatchObject({ ids: [], total: 0 });
  });

  test("role, status, group and service_user filter the list", async () => {
    const admins = await api.list({ role: "admin" });
    expect(admins.ids).toContain(people.grace.id);
    expect(admins.users.every((u) => u.role === "admin")).toBe(true);
    expect(admins.total).toBe(admins.users.length);

    expect((await api.list({ role: "owner" })).ids).toEqual([owner.user_id]);

    const blocked = await api.list({ status: "blocked" });
    expect(blocked.ids).toEqual([people.barbara.id]);
    expect(blocked.users[0]).toMatchObject({ status: "blocked", is_blocked: true });
    const active = await api.list({ status: "active" });
    expect(active.ids).not.toContain(people.barbara.id);
    expect(active.ids).toContain(people.grace.id);
    expect(active.total).toBe((await api.list()).total - 1);
    expect(await api.list({ status: "invited" })).toMatchObject({ ids: [], total: 0 });

    expect((await api.list({ group: groupId })).ids.sort()).toEqual([people.grace.id, people.barbara.id].sort());
    expect((await api.list({ group: crypto.randomUUID() })).total).toBe(0);

    const services = await api.list({ service_user: true });
    expect(services.ids).toContain(people.bot.id);
    expect(services.users.every((u) => u.is_service_user)).toBe(true);
    const persons = await api.list({ service_user: false });
    expect(persons.ids).not.toContain(people.bot.id);
    expect(persons.users.every((u) => !u.is_service_user)).toBe(true);
    expect(persons.total + services.total).toBe((await api.list()).total);

    // Filters combine.
    expect((await api.list({ group: groupId, status: "active" })).ids).toEqual([people.grace.id]);
    expect((await api.list({ search: "hopper", service_user: false })).ids).toEqual([people.grace.id]);
  });

  test("limit and offset page through the list; X-Total-Count is the total before paging", async () => {
    const all = await api.list();
    expect(all.total).toBeGreaterThanOrEqual(5);
    const page = await api.list({ limit: 2, offset: 1 });
    expect(page.ids).toEqual(all.ids.slice(1, 3));
    expect(page.total).toBe(all.total);
    const first = await api.list({ limit: 1 });
    expect(first.ids).toEqual([owner.user_id]);
    expect(first.total).toBe(all.total);
    const last = await api.list({ limit: 1000, offset: all.total - 1 });
    expect(last.ids).toEqual(all.ids.slice(-1));
    const beyond = await api.list({ offset: all.total + 10 });
    expect(beyond).toMatchObject({ ids: [], total: all.total });
    // Paging applies after filtering.
    const admins = await api.list({ role: "admin" });
    const adminPage = await api.list({ role: "admin", limit: 1, offset: 1 });
    expect(adminPage.ids).toEqual(admins.ids.slice(1, 2));
    expect(adminPage.total).toBe(admins.total);
  });

  test("invalid filter and paging values are 422s naming the parameter", async () => {
    const cases: Array<[string, string]> = [
      ["role=superuser", "role"],
      ["role=OWNER", "role"],
      ["status=deleted", "status"],
      ["service_user=yes", "service_user"],
      // 1/0/t/f are valid (Go's ParseBool, as NetBird's clients send); anything else isn't.
      ["service_user=2", "service_user"],
      ["limit=0", "limit"],
      ["limit=1001", "limit"],
      ["limit=abc", "limit"],
      ["limit=2.5", "limit"],
      ["limit=-5", "limit"],
      ["offset=-1", "offset"],
      ["offset=many", "offset"],
      [`search=${"s".repeat(201)}`, "search"],
    ];
    for (const [query, field] of cases) {
      const res = await api.get(`/api/users?${query}`);
      expect(res.status, `for ?${query.slice(0, 40)}: ${res.text}`).toBe(422);
      expectFieldErrors(res, field);
    }
  });
});

test.describe("editing", () => {
  let target: ApiUser;
  let targetEmail: string;
  let groupA: string;
  let groupB: string;

  test.beforeAll(async () => {
    [groupA, groupB] = [await createGroup(api, "Edit A"), await createGroup(api, "Edit B")];
    targetEmail = uniqueEmail("edith");
    target = await api.createUser({ email: targetEmail, name: "Edith Clarke", role: "user", auto_groups: [groupA] });
  });

  test("PUT changes name, email, role and groups, and GET and search see the change", async () => {
    const newEmail = uniqueEmail("edith.new");
    const res = await api.put<ApiUser>(`/api/users/${target.id}`, {
      name: "Edith C. Clarke",
      email: newEmail,
      role: "admin",
      auto_groups: [groupB],
      is_blocked: false,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: target.id, name: "Edith C. Clarke", email: newEmail, role: "admin", auto_groups: [groupB], is_blocked: false });
    expect(res.body).not.toHaveProperty("password");
    expect(await api.user(target.id)).toMatchObject({ name: "Edith C. Clarke", email: newEmail, role: "admin", auto_groups: [groupB] });
    expect((await api.list({ search: newEmail })).ids).toEqual([target.id]);
    expect((await api.list({ search: targetEmail })).ids).toEqual([]);
    expect((await api.list({ group: groupA })).ids).not.toContain(target.id);
    expect((await api.list({ group: groupB })).ids).toContain(target.id);

    // The old email is free again; the new one is taken.
    const reuse = await api.createUser({ email: targetEmail, name: "Takes The Old Email", role: "user" });
    expect(reuse.email).toBe(targetEmail);
    expectApiError(await api.post("/api/users", { email: newEmail, name: "Too Late", role: "user" }), 409);
    targetEmail = newEmail;
  });

  test("name and email may be left out; the rest of the user stays as it is", async () => {
    const res = await api.put<ApiUser>(`/api/users/${target.id}`, { role: "auditor", auto_groups: [groupA, groupB], is_blocked: false });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ name: "Edith C. Clarke", email: targetEmail, role: "auditor" });
    expect(res.body.auto_groups.sort()).toEqual([groupA, groupB].sort());
  });

  test("role, auto_groups and is_blocked are required; wrong types are 422s naming the field", async () => {
    const valid = { role: "auditor", auto_groups: [groupA, groupB], is_blocked: false };
    const without = (field: keyof typeof valid) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== field));
    const cases: Array<[unknown, string[]]> = [
      [without("role"), ["role"]],
      [without("auto_groups"), ["auto_groups"]],
      [without("is_blocked"), ["is_blocked"]],
      [{}, ["role", "auto_groups", "is_blocked"]],
      [{ ...valid, role: "root" }, ["role"]],
      [{ ...valid, role: null }, ["role"]],
      [{ ...valid, auto_groups: groupA }, ["auto_groups"]],
      [{ ...valid, is_blocked: "true" }, ["is_blocked"]],
      [{ ...valid, is_blocked: 1 }, ["is_blocked"]],
      [{ ...valid, name: "" }, ["name"]],
      [{ ...valid, name: 12 }, ["name"]],
      [{ ...valid, email: "nope" }, ["email"]],
      [{ ...valid, email: "" }, ["email"]],
    ];
    for (const [json, fields] of cases) {
      const res = await api.put(`/api/users/${target.id}`, json);
      expect(res.status, `for ${JSON.stringify(json).slice(0, 100)}: ${res.text}`).toBe(422);
      expectFieldErrors(res, ...fields);
    }
    expectApiError(await api.put(`/api/users/${target.id}`, null), 422);
    const malformed = await api.call(`/api/users/${target.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"role": "admin", ',
    });
    expectApiError(malformed, 400);
    // None of it changed the user.
    const after = await api.user(target.id);
    expect(after).toMatchObject({ name: "Edith C. Clarke", email: targetEmail, role: "auditor", is_blocked: false });
    expect(after.auto_groups.sort()).toEqual([groupA, groupB].sort());
  });

  test("another user's email is a 409, and nothing changes", async () => {
    const someone = await api.createUser({ email: uniqueEmail("someone"), name: "Some One", role: "user" });
    for (const email of [someone.email, someone.email.toUpperCase(), OWNER.email]) {
      const res = await api.put(`/api/users/${target.id}`, { name: "Renamed Too", email, role: "auditor", auto_groups: [groupA], is_blocked: false });
      expectApiError(res, 409);
    }
    const after = await api.user(target.id);
    expect(after).toMatchObject({ name: "Edith C. Clarke", email: targetEmail, role: "auditor" });
    expect(after.auto_groups.sort()).toEqual([groupA, groupB].sort());
    // Changing only the case of one's own email is no conflict.
    const recased = await api.updateUser(target.id, { email: targetEmail.toUpperCase() });
    expect(recased.status, recased.text).toBe(200);
    expect(recased.body.email).toBe(targetEmail.toUpperCase());
  });

  test("an unknown group id is a 422 on auto_groups, and the rest of the change is not applied", async () => {
    const res = await api.updateUser(target.id, { name: "Half Applied", role: "user", auto_groups: [groupA, crypto.randomUUID()] });
    expectFieldErrors(res, "auto_groups");
    const after = await api.user(target.id);
    expect(after.name).toBe("Edith C. Clarke");
    expect(after.role).toBe("auditor");
    expect(after.auto_groups.sort()).toEqual([groupA, groupB].sort());
  });

  test("auto_groups replaces the user's groups exactly", async () => {
    const emptied = await api.updateUser(target.id, { auto_groups: [] });
    expect(emptied.status, emptied.text).toBe(200);
    expect(emptied.body.auto_groups).toEqual([]);
    expect((await api.list({ group: groupA })).ids).not.toContain(target.id);
    const both = await api.updateUser(target.id, { auto_groups: [groupB, groupA] });
    expect(both.body.auto_groups.sort()).toEqual([groupA, groupB].sort());
    const one = await api.updateUser(target.id, { auto_groups: [groupB] });
    expect(one.body.auto_groups).toEqual([groupB]);
    expect((await api.user(target.id)).auto_groups).toEqual([groupB]);
    expect((await api.list({ group: groupA })).ids).not.toContain(target.id);
  });

  test("a service user's name can change but it can't be given an email", async () => {
    const bot = await api.createUser({ is_service_user: true, name: "Deploy Bot", role: "user" });
    const renamed = await api.updateUser(bot.id, { name: "Deploy Bot v2" });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Deploy Bot v2", email: "", is_service_user: true });
    expectFieldErrors(await api.updateUser(bot.id, { email: uniqueEmail("bot") }), "email");
    expect((await api.user(bot.id)).email).toBe("");
  });

  test("PUT on an unknown id is a 404", async () => {
    for (const id of [crypto.randomUUID(), "nope"]) {
      expectApiError(await api.put(`/api/users/${id}`, { role: "user", auto_groups: [], is_blocked: false }), 404);
    }
  });
});

test.describe("deleting", () => {
  test("DELETE removes the user: 200 {}, then 404 everywhere, and the email is free again", async () => {
    const email = uniqueEmail("gone");
    const doomed = await api.createUser({ email, name: "Soon Gone", role: "admin" });
    const before = await api.list();
    const res = await api.delete(`/api/users/${doomed.id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({});
    expectApiError(await api.get(`/api/users/${doomed.id}`), 404);
    expectApiError(await api.get(`/api/users/${doomed.id}/sessions`), 404);
    expectApiError(await api.put(`/api/users/${doomed.id}`, { role: "user", auto_groups: [], is_blocked: false }), 404);
    expectApiError(await api.delete(`/api/users/${doomed.id}`), 404);
    const after = await api.list();
    expect(after.ids).not.toContain(doomed.id);
    expect(after.total).toBe(before.total - 1);
    expect((await api.list({ search: email })).total).toBe(0);
    const again = await api.createUser({ email, name: "Back Again", role: "user" });
    expect(again.id).not.toBe(doomed.id);
  });

  test("deleting a service user works too; unknown ids are 404", async () => {
    const bot = await api.createUser({ is_service_user: true, name: "Old Bot", role: "user" });
    expect((await api.delete(`/api/users/${bot.id}`)).status).toBe(200);
    expectApiError(await api.get(`/api/users/${bot.id}`), 404);
    for (const id of [crypto.randomUUID(), "not-a-uuid"]) expectApiError(await api.delete(`/api/users/${id}`), 404);
  });
});

test.describe("another account's users", () => {
  test("an id from the other instance is a 404 on every users endpoint, and that user is untouched", async () => {
    const theirs = await otherApi.createUser({ email: uniqueEmail("theirs"), name: "Not Yours", role: "user" });
    const body = { name: "Hijacked", role: "admin", auto_groups: [], is_blocked: true };
    expectApiError(await api.get(`/api/users/${theirs.id}`), 404);
    expectApiError(await api.put(`/api/users/${theirs.id}`, body), 404);
    expectApiError(await api.delete(`/api/users/${theirs.id}`), 404);
    expectApiError(await api.get(`/api/users/${theirs.id}/sessions`), 404);
    expectApiError(await api.delete(`/api/users/${theirs.id}/sessions`), 404);
    expectApiError(await api.post(`/api/users/${theirs.id}/password-reset`, {}), 404);
    // The other owner's id too.
    expectApiError(await api.get(`/api/users/${otherOwner.user_id}`), 404);
    expectApiError(await api.put(`/api/users/${otherOwner.user_id}`, { role: "user", auto_groups: [], is_blocked: true }), 404);
    expectApiError(await api.delete(`/api/users/${otherOwner.user_id}`), 404);

    expect(await otherApi.user(theirs.id)).toMatchObject({ name: "Not Yours", role: "user", is_blocked: false });
    expect(await otherApi.user(otherOwner.user_id)).toMatchObject({ role: "owner", is_blocked: false });
    expect((await api.list({ search: "Not Yours" })).total).toBe(0);
  });

  test("a group id from the other instance is an unknown group", async () => {
    const theirGroup = await createGroup(otherApi, "Their Group");
    const res = await api.post("/api/users", { email: uniqueEmail("cross-group"), name: "Cross Group", role: "user", auto_groups: [theirGroup] });
    expectFieldErrors(res, "auto_groups");
  });

  test("one instance's token is no credential on the other", async () => {
    expectApiError(await tokenClient(other, owner.personal_access_token).get("/api/users"), 401);
    expectApiError(await tokenClient(instance, otherOwner.personal_access_token).get("/api/users"), 401);
  });
});

test.describe("no default page size", () => {
  test("without limit the list has every user (as NetBird); limit and offset still page", async () => {
    // Service users have no password to hash, so a hundred of them are cheap.
    const existing = (await api.list({ limit: 1000 })).total;
    for (let i = existing; i < 103; i++) {
      await api.createUser({ is_service_user: true, name: `Filler Bot ${i}`, role: "user" });
    }
    const all = await api.list({ limit: 1000 });
    expect(all.total).toBeGreaterThanOrEqual(103);
    expect(all.users).toHaveLength(all.total);
    const whole = await api.list();
    expect(whole.users).toHaveLength(all.total);
    expect(whole.total).toBe(all.total);
    expect(whole.ids).toEqual(all.ids);
    const firstPage = await api.list({ limit: 100 });
    expect(firstPage.ids).toEqual(all.ids.slice(0, 100));
    const rest = await api.list({ offset: 100 });
    expect(rest.ids).toEqual(all.ids.slice(100));
  });
});

// Last in the file: a failure here skips nothing else.
test.describe("auto_groups with a repeated id", () => {
  test("PUT replaces the user's groups exactly, also when an id is repeated", async () => {
    const [groupA, groupB] = [await createGroup(api, "Repeat A"), await createGroup(api, "Repeat B")];
    const target = await api.createUser({ email: uniqueEmail("repeat"), name: "Repeat Member", role: "user", auto_groups: [groupA, groupB] });
    expect(target.auto_groups.sort()).toEqual([groupA, groupB].sort());
    // [A, A] means "only A": B must go.
    const repeated = await api.updateUser(target.id, { auto_groups: [groupA, groupA] });
    expect(repeated.status, repeated.text).toBe(200);
    expect(repeated.body.auto_groups).toEqual([groupA]);
    expect((await api.user(target.id)).auto_groups).toEqual([groupA]);
    expect((await api.list({ group: groupB })).ids).not.toContain(target.id);
  });
});

test.describe("the role filter: every role of the account, by id or name", () => {
  test("role=<custom role id or name> lists who holds it directly or through a group; built-in roles count extra and group-granted holders too", async () => {
    const role = await api.post<{ id: string }>("/api/roles", { name: "Night Shift", description: "", permissions: ["users:read"] });
    expect(role.status, role.text).toBe(200);
    const direct = await api.createUser({ email: uniqueEmail("night.direct"), name: "Nina Direct", role: "user" });
    const viaGroup = await api.createUser({ email: uniqueEmail("night.group"), name: "Gus Grouped", role: "user" });
    const bystander = await api.createUser({ email: uniqueEmail("night.none"), name: "Bea Bystander", role: "user" });
    const given = await api.put(`/api/users/${direct.id}/roles`, { role_ids: [role.body.id] });
    expect(given.status, given.text).toBe(200);
    const groupId = await createGroup(api, "Night Crew");
    const granted = await api.put(`/api/groups/${groupId}/roles`, { role_ids: [role.body.id, "auditor"] });
    expect(granted.status, granted.text).toBe(200);
    expect((await api.updateUser(viaGroup.id, { auto_groups: [groupId] })).status).toBe(200);

    const byId = await api.list({ role: role.body.id });
    expect(byId.ids.sort()).toEqual([direct.id, viaGroup.id].sort());
    expect(byId.total).toBe(2);
    expect((await api.list({ role: "Night Shift" })).ids.sort()).toEqual(byId.ids);
    expect((await api.list({ role: "Night Shift", search: "nina" })).ids).toEqual([direct.id]);
    expect((await api.list({ role: role.body.id })).ids).not.toContain(bystander.id);

    // A built-in role by id or by its name; the group grants auditor, so its member holds it besides their primary role.
    const auditors = await api.list({ role: "auditor" });
    expect(auditors.ids).toContain(viaGroup.id);
    expect(auditors.ids).not.toContain(direct.id);
    expect((await api.list({ role: "Auditor" })).ids.sort()).toEqual(auditors.ids.sort());
    expect((await api.list({ role: "Owner" })).ids).toEqual([owner.user_id]);

    // The export applies the same filter.
    const csv = await api.get(`/api/users/export?role=${encodeURIComponent("Night Shift")}`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain("Nina Direct");
    expect(csv.text).not.toContain("Bea Bystander");

    // Names match exactly, and another account's role is unknown here: 422 on role.
    const otherRole = await otherApi.post<{ id: string }>("/api/roles", { name: "Elsewhere", description: "", permissions: [] });
    expect(otherRole.status, otherRole.text).toBe(200);
    for (const value of ["night shift", otherRole.body.id, "Elsewhere"]) {
      const res = await api.get(`/api/users?role=${encodeURIComponent(value)}`);
      expect(res.status, `role=${value}: ${res.text}`).toBe(422);
      expectFieldErrors(res, "role");
    }
  });
});
