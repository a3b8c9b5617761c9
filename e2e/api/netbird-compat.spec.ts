/**
 * NetBird compatibility: every NetBird management API operation that Latchkey
 * also offers, sent exactly as NetBird's Go REST client sends it (Token auth,
 * Accept: application/json, Content-Type only with a body, Go's JSON: nil
 * lists as null, omitempty fields left out), with the status and the response
 * checked against NetBird's schema (e2e/support/netbird-schemas.ts). Then the
 * sequence NetBird's Terraform provider runs for users, groups and tokens.
 */
import { expect, test } from "@playwright/test";
import { call, type JsonResponse } from "../support/api";
import { useInstance } from "../support/instance";
import { expectNetbirdShape, NETBIRD_ACTIVITY_CODES, type NetbirdSchemaName } from "../support/netbird-schemas";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

const OWNER = { email: "olive@example.com", password: "correct horse battery staple", name: "Olive Owner" };
let token = "";
let ownerId = "";

type User = { id: string; email: string; name: string; role: string; status: string; auto_groups: string[]; is_blocked: boolean; is_service_user: boolean };
type Group = { id: string; name: string };
type Invite = { id: string; invite_token: string; expires_at: string };
type Event = { activity_code: string; initiator_id: string; initiator_email: string; initiator_name: string; target_id: string };

/** A request as NetBird's REST client makes it. */
function netbird<T = unknown>(method: string, path: string, body?: unknown, auth = true): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (auth) headers.authorization = `Token ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return call<T>(instance, path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Status 200 and a body NetBird's client decodes as the named schema. */
function expectOk<T>(res: JsonResponse<T>, schema: NetbirdSchemaName, list = false): T {
  expect(res.status, res.text).toBe(200);
  expectNetbirdShape(res.body, schema, list);
  return res.body;
}

/** NetBird's client reads {"message"} from any error; IsNotFound needs the 404 and a JSON body. */
function expectError(res: JsonResponse, status: number): string {
  expect(res.status, res.text).toBe(status);
  expectNetbirdShape(res.body, "ErrorResponse");
  return (res.body as { message: string }).message;
}

function expectNoStore(res: JsonResponse): void {
  expect(res.headers.get("cache-control")).toBe("no-store");
}

test.describe("each NetBird operation", () => {
  test("GET /api/instance, then POST /api/setup with a PAT", async () => {
    expect(expectOk(await netbird("GET", "/api/instance", undefined, false), "InstanceStatus")).toEqual({ setup_required: true });
    const res = await netbird<{ user_id: string; email: string; personal_access_token: string }>(
      "POST",
      "/api/setup",
      { ...OWNER, create_pat: true, pat_expire_in: 1 },
      false,
    );
    const setup = expectOk(res, "SetupResponse");
    expectNoStore(res);
    expect(setup.email).toBe(OWNER.email);
    token = setup.personal_access_token;
    ownerId = setup.user_id;
    // Done once: NetBird answers 412 after that.
    expect((await netbird("POST", "/api/setup", { ...OWNER }, false)).status).toBe(412);
  });

  test("GET /api/instance/version", async () => {
    const version = expectOk(await netbird("GET", "/api/instance/version"), "InstanceVersionInfo");
    expect(version).toMatchObject({ management_update_available: false });
    expectError(await netbird("GET", "/api/instance/version", undefined, false), 401);
  });

  test("GET /api/users/current decodes, with NetBird's permissions object and a last_login", async () => {
    const me = expectOk(await netbird<User & { permissions: unknown; last_login: string }>("GET", "/api/users/current"), "User");
    expect(me).toMatchObject({ id: ownerId, status: "active", pending_approval: false, issued: "api", is_current: true });
    expect(me.permissions).toMatchObject({ is_restricted: false, modules: { users: { read: true, create: true, update: true, delete: true } } });
    expect(Number.isNaN(Date.parse(me.last_login))).toBe(false);
  });

  test("POST /api/users for a person: no name, auto_groups null", async () => {
    const res = await netbird<User & { last_login: string }>("POST", "/api/users", {
      email: "nina@example.com",
      role: "user",
      auto_groups: null,
      is_service_user: false,
    });
    const user = expectOk(res, "User");
    expectNoStore(res);
    expect(user).toMatchObject({ email: "nina@example.com", name: "", auto_groups: [], status: "active", is_service_user: false });
    // Never signed in: Go's zero time, as NetBird sends.
    expect(user.last_login).toBe("0001-01-01T00:00:00Z");
  });

  test("POST /api/users for a service user", async () => {
    const user = expectOk(await netbird<User>("POST", "/api/users", { name: "terraform", role: "admin", auto_groups: [], is_service_user: true }), "User");
    expect(user).toMatchObject({ name: "terraform", email: "", is_service_user: true });
  });

  test("POST /api/users with NetBird's network_admin or billing_admin role gives that built-in role (issue 13)", async () => {
    for (const role of ["network_admin", "billing_admin"]) {
      const user = expectOk(await netbird<User>("POST", "/api/users", { email: `${role}@example.com`, role, auto_groups: null, is_service_user: false }), "User");
      expect(user.role).toBe(role);
    }
    const unknown = JSON.stringify((await netbird("POST", "/api/users", { email: "x@example.com", role: "superuser", auto_groups: null, is_service_user: false })).body);
    expect(unknown).toMatch(/owner, admin, auditor, user, network_admin, billing_admin/);
    expectError(await netbird("POST", "/api/users", { email: "x@example.com", role: "superuser", auto_groups: null, is_service_user: false }), 422);
  });

  test("GET /api/users, with service_user as Go's ParseBool reads it", async () => {
    const all = expectOk(await netbird<User[]>("GET", "/api/users"), "User", true);
    expect(all.map((u) => u.email)).toEqual(expect.arrayContaining([OWNER.email, "nina@example.com"]));
    for (const truthy of ["true", "1", "t", "T", "TRUE", "True"]) {
      const list = expectOk(await netbird<User[]>("GET", `/api/users?service_user=${truthy}`), "User", true);
      expect(list.length).toBeGreaterThan(0);
      expect(list.every((u) => u.is_service_user)).toBe(true);
    }
    for (const falsy of ["false", "0", "f", "F", "FALSE", "False"]) {
      const list = expectOk(await netbird<User[]>("GET", `/api/users?service_user=${falsy}`), "User", true);
      expect(list.every((u) => !u.is_service_user)).toBe(true);
    }
    expectError(await netbird("GET", "/api/users?service_user=yes"), 422);
  });

  test("PUT /api/users/{id} blocks with auto_groups null; status stays in NetBird's enum", async () => {
    const nina = (await netbird<User[]>("GET", "/api/users")).body.find((u) => u.email === "nina@example.com")!;
    const blocked = expectOk(await netbird<User>("PUT", `/api/users/${nina.id}`, { role: "user", auto_groups: null, is_blocked: true }), "User");
    expect(blocked).toMatchObject({ status: "blocked", is_blocked: true, auto_groups: [] });
    const unblocked = expectOk(await netbird<User>("PUT", `/api/users/${nina.id}`, { role: "user", auto_groups: [], is_blocked: false }), "User");
    expect(unblocked.status).toBe("active");
  });

  test("tokens: POST, GET list, GET one, DELETE", async () => {
    const created = await netbird<{ plain_token: string; personal_access_token: { id: string } }>("POST", `/api/users/${ownerId}/tokens`, { name: "ci", expires_in: 30 });
    const generated = expectOk(created, "PersonalAccessTokenGenerated");
    expectNoStore(created);
    // Never used: last_used is left out, not null.
    expect(generated.personal_access_token).not.toHaveProperty("last_used");
    const id = generated.personal_access_token.id;
    const list = expectOk(await netbird<Array<{ id: string }>>("GET", `/api/users/${ownerId}/tokens`), "PersonalAccessToken", true);
    expect(list.map((t) => t.id)).toContain(id);
    expectOk(await netbird("GET", `/api/users/${ownerId}/tokens/${id}`), "PersonalAccessToken");
    expect((await netbird("DELETE", `/api/users/${ownerId}/tokens/${id}`)).status).toBe(200);
    expectError(await netbird("GET", `/api/users/${ownerId}/tokens/${id}`), 404);
  });

  test("groups: POST, GET list, GET by name, GET one, PUT, DELETE", async () => {
    const created = expectOk(await netbird<Group>("POST", "/api/groups", { name: "devs" }), "Group");
    expect(created).toMatchObject({ peers: [], peers_count: 0, resources: [], resources_count: 0 });
    expectOk(await netbird("POST", "/api/groups", { name: "devs-2", peers: [], resources: [] }), "Group");
    expectOk(await netbird("GET", "/api/groups"), "Group", true);
    // GetByName: an exact filter, whose first element is the group.
    const byName = expectOk(await netbird<Group[]>("GET", "/api/groups?name=devs"), "Group", true);
    expect(byName.map((g) => g.id)).toEqual([created.id]);
    expectError(await netbird("GET", "/api/groups?name=nobody"), 404);
    expectOk(await netbird("GET", `/api/groups/${created.id}`), "Group");
    const renamed = expectOk(await netbird<Group>("PUT", `/api/groups/${created.id}`, { name: "developers", peers: [] }), "Group");
    expect(renamed.name).toBe("developers");
    expect((await netbird("DELETE", `/api/groups/${created.id}`)).status).toBe(200);
    expectError(await netbird("GET", `/api/groups/${created.id}`), 404);
  });

  test("invites: POST, GET list, regenerate, info by token, accept, DELETE", async () => {
    const res = await netbird<Invite>("POST", "/api/users/invites", { email: "ivy@example.com", name: "Ivy", role: "user", auto_groups: null });
    const invite = expectOk(res, "UserInvite");
    expectNoStore(res);
    expect(invite.invite_token).toMatch(/^lki_/);
    // expires_in absent or 0: NetBird's default of 72 hours.
    expect(Date.parse(invite.expires_at) - Date.now()).toBeGreaterThan(71 * 3600_000);
    const zero = expectOk(await netbird<Invite>("POST", "/api/users/invites", { email: "zed@example.com", name: "Zed", role: "user", auto_groups: [], expires_in: 0 }), "UserInvite");
    expect(Date.parse(zero.expires_at) - Date.now()).toBeGreaterThan(71 * 3600_000);
    const year = expectOk(await netbird<Invite>("POST", "/api/users/invites", { email: "yan@example.com", name: "Yan", role: "user", auto_groups: [], expires_in: 365 * 86400 }), "UserInvite");
    expect(Date.parse(year.expires_at) - Date.now()).toBeGreaterThan(364 * 86400_000);

    expectOk(await netbird("GET", "/api/users/invites"), "UserInvite", true);
    const regenerated = await netbird<{ invite_token: string }>("POST", `/api/users/invites/${invite.id}/regenerate`, {});
    const fresh = expectOk(regenerated, "UserInviteRegenerateResponse");
    expectNoStore(regenerated);

    expectOk(await netbird("GET", `/api/users/invites/${fresh.invite_token}`, undefined, false), "UserInviteInfo");
    const accepted = expectOk(
      await netbird("POST", `/api/users/invites/${fresh.invite_token}/accept`, { password: "Ivy's own passphrase 42!" }, false),
      "UserInviteAcceptResponse",
    );
    expect(accepted).toMatchObject({ success: true });

    expect((await netbird("DELETE", `/api/users/invites/${zero.id}`)).status).toBe(200);
    expect((await netbird<Invite[]>("GET", "/api/users/invites")).body.map((i) => i.id)).not.toContain(zero.id);
  });

  test("POST /api/users/{id}/invite resends a pending invite: a fresh link, the old one dead", async () => {
    const invite = expectOk(await netbird<Invite>("POST", "/api/users/invites", { email: "rae@example.com", name: "Rae", role: "user", auto_groups: null }), "UserInvite");
    const res = await netbird<Invite>("POST", `/api/users/${invite.id}/invite`);
    expect(res.status, res.text).toBe(200);
    expectNoStore(res);
    expect(res.body.invite_token).toMatch(/^lki_/);
    expect(res.body.invite_token).not.toBe(invite.invite_token);
    expect((await netbird("GET", `/api/users/invites/${invite.invite_token}`, undefined, false)).status).toBe(404);
    expectOk(await netbird("GET", `/api/users/invites/${res.body.invite_token}`, undefined, false), "UserInviteInfo");
    expectError(await netbird("POST", `/api/users/${ownerId}/invite`), 404);
  });

  test("POST /api/users/{id}/approve and DELETE /api/users/{id}/reject refuse a user who isn't waiting", async () => {
    expectError(await netbird("POST", `/api/users/${ownerId}/approve`), 412);
    expectError(await netbird("DELETE", `/api/users/${ownerId}/reject`), 412);
    expectError(await netbird("POST", "/api/users/no-such-user/approve"), 404);
  });

  test("GET /api/events/audit in NetBird's Event shape with NetBird's activity codes", async () => {
    const events = expectOk(await netbird<Event[]>("GET", "/api/events/audit"), "Event", true);
    const codes = new Set(events.map((e) => e.activity_code));
    for (const code of ["account.create", "user.invite", "service.user.create", "user.block", "user.unblock", "personal.access.token.create", "personal.access.token.delete", "group.add", "group.update", "group.delete", "user.invite.link.create", "user.invite.link.regenerate", "user.invite.link.accept", "user.invite.link.delete"]) {
      expect(codes, `no ${code} event`).toContain(code);
      expect(NETBIRD_ACTIVITY_CODES).toContain(code);
    }
    const block = events.find((e) => e.activity_code === "user.block")!;
    expect(block).toMatchObject({ initiator_id: ownerId, initiator_email: OWNER.email, initiator_name: OWNER.name });
    expect(block.target_id).not.toBe("");
  });

  test("unknown paths and wrong methods answer NetBird's JSON error, never HTML", async () => {
    expectError(await netbird("GET", "/api/peers"), 404);
    expectError(await netbird("GET", "/api/users/x/nothing/here"), 404);
    expectError(await netbird("POST", "/api/no-such-thing", {}), 404);
    const wrong = await netbird("PATCH", "/api/users/current", {});
    expectError(wrong, 405);
    expect(wrong.headers.get("allow")).toContain("GET");
    expectError(await netbird("DELETE", "/api/instance"), 405);
  });

  test("no silent cap: GET /api/users, /api/groups and /api/events/audit without limit return everything", async () => {
    for (let i = 0; i < 102; i++) {
      expect((await netbird("POST", "/api/users", { name: `bot ${i}`, role: "user", auto_groups: null, is_service_user: true })).status).toBe(200);
      expect((await netbird("POST", "/api/groups", { name: `group ${i}` })).status).toBe(200);
    }
    const users = await netbird<User[]>("GET", "/api/users");
    expect(users.body.length).toBeGreaterThan(100);
    expect(users.body.length).toBe(Number(users.headers.get("x-total-count")));
    expect((await netbird<Group[]>("GET", "/api/groups")).body.length).toBeGreaterThan(100);
    expect((await netbird<Event[]>("GET", "/api/events/audit")).body.length).toBeGreaterThan(200);
    // With limit/offset, one page.
    expect((await netbird<User[]>("GET", "/api/users?limit=10&offset=5")).body).toHaveLength(10);
    expect((await netbird<Event[]>("GET", "/api/events/audit?limit=7")).body).toHaveLength(7);
  });

  test("DELETE /api/users/{id}", async () => {
    const bot = (await netbird<User[]>("GET", "/api/users?service_user=true")).body[0];
    expect((await netbird("DELETE", `/api/users/${bot.id}`)).status).toBe(200);
    expect((await netbird<User[]>("GET", "/api/users")).body.map((u) => u.id)).not.toContain(bot.id);
  });
});

test.describe("the Terraform provider's sequence", () => {
  test("netbird_user: create, read back from the list by id, update, import, delete", async () => {
    // Create: the provider's UserCreateRequest (name and email pointers, auto_groups defaulting to []).
    const created = expectOk(await netbird<User>("POST", "/api/users", { auto_groups: [], is_service_user: false, role: "user", email: "tf@example.com" }), "User");
    // Read: List, then the element with the state's id; issued and is_current are dereferenced.
    const read = async () => (await netbird<User[]>("GET", "/api/users")).body.find((u) => u.id === created.id);
    const listed = await read();
    expectNetbirdShape(listed, "User");
    expect(listed).toHaveProperty("issued");
    expect(listed).toHaveProperty("is_current");
    expect(listed).toHaveProperty("last_login");
    // Update: UserRequest.
    const group = expectOk(await netbird<Group>("POST", "/api/groups", { name: "tf-group" }), "Group");
    const updated = expectOk(await netbird<User>("PUT", `/api/users/${created.id}`, { auto_groups: [group.id], is_blocked: false, role: "admin" }), "User");
    expect(updated).toMatchObject({ role: "admin", auto_groups: [group.id] });
    // Import by id: the same List read.
    expect(await read()).toMatchObject({ id: created.id, role: "admin" });
    // Delete, then a Read drops it from the state (not in the list).
    expect((await netbird("DELETE", `/api/users/${created.id}`)).status).toBe(200);
    expect(await read()).toBeUndefined();
  });

  test("netbird_group: create, read, update, import by name, delete", async () => {
    const created = expectOk(await netbird<Group>("POST", "/api/groups", { name: "tf-ops", peers: [], resources: [] }), "Group");
    expectOk(await netbird("GET", `/api/groups/${created.id}`), "Group");
    expectOk(await netbird("PUT", `/api/groups/${created.id}`, { name: "tf-operations", peers: [], resources: [] }), "Group");
    // The group data source finds by name with GetByName.
    const byName = expectOk(await netbird<Group[]>("GET", "/api/groups?name=tf-operations"), "Group", true);
    expect(byName[0].id).toBe(created.id);
    expect((await netbird("DELETE", `/api/groups/${created.id}`)).status).toBe(200);
    // A Read after delete: 404 in the JSON NetBird's client parses, so the provider drops it from the state.
    expectError(await netbird("GET", `/api/groups/${created.id}`), 404);
    expectError(await netbird("GET", "/api/groups?name=tf-operations"), 404);
  });

  test("netbird_token: create, read, import as user/token, delete", async () => {
    const created = expectOk(await netbird<{ personal_access_token: { id: string } }>("POST", `/api/users/${ownerId}/tokens`, { name: "tf", expires_in: 7 }), "PersonalAccessTokenGenerated");
    const id = created.personal_access_token.id;
    expectOk(await netbird("GET", `/api/users/${ownerId}/tokens/${id}`), "PersonalAccessToken");
    // Import "userId/tokenId": the same Get.
    const [userId, tokenId] = `${ownerId}/${id}`.split("/");
    expectOk(await netbird("GET", `/api/users/${userId}/tokens/${tokenId}`), "PersonalAccessToken");
    expect((await netbird("DELETE", `/api/users/${ownerId}/tokens/${id}`)).status).toBe(200);
    expectError(await netbird("GET", `/api/users/${ownerId}/tokens/${id}`), 404);
  });
});
