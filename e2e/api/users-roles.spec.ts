/**
 * Who may do what to whom in Team → Users, acting as each role with a real
 * signed-in session: auditors read everything and change nothing, users see
 * only themselves, admins manage everyone but the owner, nobody blocks,
 * deletes or re-roles themselves, and only the owner hands over ownership.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { expectApiError, expectFieldErrors, type JsonResponse } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import { personWithRole, tokenClient, uniqueEmail, type ApiUser, type Client, type Person } from "../support/users-api";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

let owner: Awaited<ReturnType<typeof setUpOwner>>;
let ownerApi: Client;
let admin: Person;
let auditor: Person;
let member: Person;
/** Someone to act on: a plain user nobody signs in as. */
let target: ApiUser;
let groupId: string;

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
  ownerApi = tokenClient(instance, owner.personal_access_token);
  const group = await ownerApi.post<{ id: string }>("/api/groups", { name: "Role Testers" });
  expect(group.status, group.text).toBe(200);
  groupId = group.body.id;
  [admin, auditor, member] = await Promise.all([
    personWithRole(ownerApi, "admin"),
    personWithRole(ownerApi, "auditor"),
    personWithRole(ownerApi, "user", { auto_groups: [groupId] }),
  ]);
  target = await ownerApi.createUser({ email: uniqueEmail("target"), name: "Tara Target", role: "user" });
});

const putBody = (user: Pick<ApiUser, "role" | "auto_groups" | "is_blocked">, change: Record<string, unknown> = {}) => ({
  role: user.role,
  auto_groups: user.auto_groups,
  is_blocked: user.is_blocked,
  ...change,
});

function expectForbidden(res: JsonResponse, message?: RegExp): void {
  const body = expectApiError(res, 403);
  if (message) expect(body.message).toMatch(message);
}

/** Every write on users, as `client`, aimed at `victim`; each must be a 403 with the reason. */
async function expectNoWrites(client: Client, victim: ApiUser, message: RegExp) {
  const attempts: Array<[string, () => Promise<JsonResponse>]> = [
    ["create", () => client.post("/api/users", { email: uniqueEmail("nope"), name: "Never Made", role: "user" })],
    ["create service user", () => client.post("/api/users", { is_service_user: true, name: "Never Bot", role: "user" })],
    ["rename", () => client.put(`/api/users/${victim.id}`, putBody(victim, { name: "Renamed By Force" }))],
    ["promote", () => client.put(`/api/users/${victim.id}`, putBody(victim, { role: "admin" }))],
    ["block", () => client.put(`/api/users/${victim.id}`, putBody(victim, { is_blocked: true }))],
    ["regroup", () => client.put(`/api/users/${victim.id}`, putBody(victim, { auto_groups: [] }))],
    ["reset password", () => client.post(`/api/users/${victim.id}/password-reset`, {})],
    ["set password", () => client.post(`/api/users/${victim.id}/password-reset`, { password: "a password chosen by force" })],
    ["revoke sessions", () => client.delete(`/api/users/${victim.id}/sessions`)],
    ["delete", () => client.delete(`/api/users/${victim.id}`)],
  ];
  for (const [what, attempt] of attempts) {
    const res = await attempt();
    expect(res.status, `${what}: ${res.text}`).toBe(403);
    expectForbidden(res, message);
  }
}

async function snapshot() {
  const { users, total } = await ownerApi.list();
  return { total, users: users.map(({ last_login, is_current, ...rest }) => rest) };
}

test("GET /api/users/current reports each role and its permissions", async () => {
  // NetBird's permissions object: [is_restricted, users, events, settings] per role.
  const crud = (read: boolean, write: boolean) => ({ read, create: write, update: write, delete: write });
  const expected: Array<[Client, string, boolean, object, object, object]> = [
    [ownerApi, "owner", false, crud(true, true), crud(true, false), { read: true, create: false, update: true, delete: false }],
    [admin.client, "admin", false, crud(true, true), crud(true, false), { read: true, create: false, update: false, delete: false }],
    [auditor.client, "auditor", false, crud(true, false), crud(true, false), { read: true, create: false, update: false, delete: false }],
    [member.client, "user", true, crud(false, false), crud(false, false), { read: false, create: false, update: false, delete: false }],
  ];
  for (const [client, role, restricted, users, events, settings] of expected) {
    const res = await client.get<ApiUser & { permissions: unknown }>("/api/users/current");
    expect(res.status, res.text).toBe(200);
    expect(res.body.role).toBe(role);
    expect(res.body.is_current).toBe(true);
    expect(res.body.permissions).toMatchObject({ is_restricted: restricted, modules: { users, events, settings } });
  }
});

test.describe("auditor", () => {
  test("reads every user, their details and their sessions", async () => {
    const all = await ownerApi.list();
    const seen = await auditor.client.list();
    expect(seen.total).toBe(all.total);
    expect(seen.ids[0]).toBe(auditor.user.id);
    expect([...seen.ids].sort()).toEqual([...all.ids].sort());
    expect((await auditor.client.user(owner.user_id)).role).toBe("owner");
    expect((await auditor.client.user(target.id)).name).toBe("Tara Target");
    const sessions = await auditor.client.get<unknown[]>(`/api/users/${member.user.id}/sessions`);
    expect(sessions.status, sessions.text).toBe(200);
    expect(sessions.body.length).toBeGreaterThanOrEqual(1);
    expect((await auditor.client.list({ role: "admin" })).ids).toContain(admin.user.id);
  });

  test("changes nothing: every write is a 403, and nothing changed", async () => {
    const before = await snapshot();
    await expectNoWrites(auditor.client, target, /don't have permission/i);
    await expectNoWrites(auditor.client, await ownerApi.user(owner.user_id), /./);
    // Not even their own role or block state.
    expectForbidden(await auditor.client.put(`/api/users/${auditor.user.id}`, putBody(auditor.user, { role: "admin" })));
    expectForbidden(await auditor.client.delete(`/api/users/${auditor.user.id}`));
    expect(await snapshot()).toEqual(before);
    // The target's password was not reset: no session of theirs to check, but the owner can still act normally.
    expect((await auditor.client.get("/api/users/current")).status).toBe(200);
  });
});

test.describe("user", () => {
  test("sees only themselves in the list, whatever the filters", async () => {
    const mine = await member.client.list();
    expect(mine.ids).toEqual([member.user.id]);
    expect(mine.total).toBe(1);
    expect(mine.users[0]).toMatchObject({ is_current: true, role: "user", auto_groups: [groupId] });
    expect(await member.client.list({ search: "Tara" })).toMatchObject({ ids: [], total: 0 });
    expect(await member.client.list({ role: "owner" })).toMatchObject({ ids: [], total: 0 });
    expect(await member.client.list({ group: groupId })).toMatchObject({ ids: [member.user.id], total: 1 });
    expect(await member.client.list({ service_user: true })).toMatchObject({ ids: [], total: 0 });
  });

  test("another user's id is a 404; their own is a 200", async () => {
    for (const id of [target.id, owner.user_id, admin.user.id, crypto.randomUUID()]) {
      expectApiError(await member.client.get(`/api/users/${id}`), 404);
      expectApiError(await member.client.get(`/api/users/${id}/sessions`), 404);
    }
    expect((await member.client.user(member.user.id)).email).toBe(member.email);
    const own = await member.client.get<unknown[]>(`/api/users/${member.user.id}/sessions`);
    expect(own.status, own.text).toBe(200);
    expect(own.body).toEqual([expect.objectContaining({ is_current: true })]);
  });

  test("changes nothing about anyone: every write is a 403", async () => {
    const before = await snapshot();
    await expectNoWrites(member.client, target, /don't have permission/i);
    expectForbidden(await member.client.put(`/api/users/${member.user.id}`, putBody(member.user, { role: "admin" })));
    expectForbidden(await member.client.put(`/api/users/${member.user.id}`, putBody(member.user, { name: "Self Renamed" })));
    expectForbidden(await member.client.delete(`/api/users/${member.user.id}`));
    expect(await snapshot()).toEqual(before);
  });
});

test.describe("admin", () => {
  test("manages ordinary users: create, edit, block, reset, revoke, delete", async () => {
    const made = await admin.client.createUser({ email: uniqueEmail("by-admin"), name: "Made By Admin", role: "auditor", auto_groups: [groupId] });
    expect(made).toMatchObject({ role: "auditor", auto_groups: [groupId] });
    expect(made.password).toBeTruthy();
    const edited = await admin.client.put<ApiUser>(`/api/users/${made.id}`, putBody(made, { name: "Edited By Admin", role: "admin" }));
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({ name: "Edited By Admin", role: "admin" });
    const blocked = await admin.client.put<ApiUser>(`/api/users/${made.id}`, putBody(edited.body, { is_blocked: true }));
    expect(blocked.status, blocked.text).toBe(200);
    expect(blocked.body).toMatchObject({ is_blocked: true, status: "blocked" });
    const unblocked = await admin.client.put<ApiUser>(`/api/users/${made.id}`, putBody(blocked.body, { is_blocked: false }));
    expect(unblocked.body).toMatchObject({ is_blocked: false, status: "active" });
    const reset = await admin.client.post<{ password: string }>(`/api/users/${made.id}/password-reset`, {});
    expect(reset.status, reset.text).toBe(200);
    expect(typeof reset.body.password).toBe("string");
    const revoked = await admin.client.delete<{ revoked: number }>(`/api/users/${made.id}/sessions`);
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body).toEqual({ revoked: 0, tokens_deleted: 0 });
    expect((await admin.client.delete(`/api/users/${made.id}`)).status).toBe(200);
    expectApiError(await ownerApi.get(`/api/users/${made.id}`), 404);
  });

  test("can't create an owner: 422 on role", async () => {
    const before = await snapshot();
    expectFieldErrors(await admin.client.post("/api/users", { email: uniqueEmail("wannabe"), name: "Wannabe Owner", role: "owner" }), "role");
    expect(await snapshot()).toEqual(before);
  });

  test("can't edit, block, demote, reset, revoke or delete the owner", async () => {
    const ownerUser = await ownerApi.user(owner.user_id);
    const attempts: Array<[string, () => Promise<JsonResponse>]> = [
      ["rename", () => admin.client.put(`/api/users/${owner.user_id}`, putBody(ownerUser, { name: "Renamed Owner" }))],
      ["change email", () => admin.client.put(`/api/users/${owner.user_id}`, putBody(ownerUser, { email: uniqueEmail("hijack") }))],
      ["regroup", () => admin.client.put(`/api/users/${owner.user_id}`, putBody(ownerUser, { auto_groups: [groupId] }))],
      ["block", () => admin.client.put(`/api/users/${owner.user_id}`, putBody(ownerUser, { is_blocked: true }))],
      ["demote", () => admin.client.put(`/api/users/${owner.user_id}`, putBody(ownerUser, { role: "admin" }))],
      ["reset password", () => admin.client.post(`/api/users/${owner.user_id}/password-reset`, {})],
      ["set password", () => admin.client.post(`/api/users/${owner.user_id}/password-reset`, { password: "an admin chose this one" })],
      ["revoke sessions", () => admin.client.delete(`/api/users/${owner.user_id}/sessions`)],
      ["delete", () => admin.client.delete(`/api/users/${owner.user_id}`)],
    ];
    for (const [what, attempt] of attempts) {
      const res = await attempt();
      expect(res.status, `${what}: ${res.text}`).toBe(403);
      expectForbidden(res, /owner/i);
    }
    expect(await ownerApi.user(owner.user_id)).toEqual(ownerUser);
    expect((await ownerApi.get("/api/users/current")).status).toBe(200);
  });

  test("can't give the owner role to anyone, themselves included", async () => {
    const otherAdmin = await ownerApi.createUser({ email: uniqueEmail("admin2"), name: "Second Admin", role: "admin" });
    for (const victim of [target, otherAdmin]) {
      const res = await admin.client.put(`/api/users/${victim.id}`, putBody(victim, { role: "owner" }));
      expectForbidden(res, /only the owner/i);
      expect((await ownerApi.user(victim.id)).role).toBe(victim.role);
    }
    expectForbidden(await admin.client.put(`/api/users/${admin.user.id}`, putBody(admin.user, { role: "owner" })));
    expect((await ownerApi.list({ role: "owner" })).ids).toEqual([owner.user_id]);
  });

  test("may promote and demote other admins", async () => {
    const peer = await admin.client.createUser({ email: uniqueEmail("peer"), name: "Peer Admin", role: "user" });
    const promoted = await admin.client.put<ApiUser>(`/api/users/${peer.id}`, putBody(peer, { role: "admin" }));
    expect(promoted.status, promoted.text).toBe(200);
    expect(promoted.body.role).toBe("admin");
    const demoted = await admin.client.put<ApiUser>(`/api/users/${peer.id}`, putBody(promoted.body, { role: "auditor" }));
    expect(demoted.body.role).toBe("auditor");
  });
});

test.describe("nobody acts on themselves", () => {
  test("the owner can't block, demote or delete themselves, but can rename", async () => {
    const me = await ownerApi.user(owner.user_id);
    expectForbidden(await ownerApi.put(`/api/users/${me.id}`, putBody(me, { is_blocked: true })), /yourself/i);
    for (const role of ["admin", "auditor", "user"]) {
      expectForbidden(await ownerApi.put(`/api/users/${me.id}`, putBody(me, { role })), /own role/i);
    }
    expectForbidden(await ownerApi.delete(`/api/users/${me.id}`), /yourself/i);
    expectForbidden(await ownerApi.post(`/api/users/${me.id}/password-reset`, {}));
    const after = await ownerApi.user(me.id);
    expect(after).toMatchObject({ role: "owner", is_blocked: false, name: OWNER.name });

    const renamed = await ownerApi.put<ApiUser>(`/api/users/${me.id}`, putBody(me, { name: "Olive O. Owner" }));
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Olive O. Owner", role: "owner" });
  });

  test("an admin can't block, re-role, regroup or delete themselves, but can edit their own profile", async () => {
    const me = await admin.client.user(admin.user.id);
    expectForbidden(await admin.client.put(`/api/users/${me.id}`, putBody(me, { is_blocked: true })), /yourself/i);
    expectForbidden(await admin.client.put(`/api/users/${me.id}`, putBody(me, { role: "user" })), /own role/i);
    expectForbidden(await admin.client.delete(`/api/users/${me.id}`), /yourself/i);
    expectForbidden(await admin.client.post(`/api/users/${me.id}/password-reset`, {}));
    expect(await ownerApi.user(me.id)).toMatchObject({ role: "admin", is_blocked: false });
    // Still signed in and still an admin.
    expect((await admin.client.list()).total).toBeGreaterThan(1);
    // Apps trust group names: only the owner changes their own groups (lib/auth/escalation.ts).
    expectForbidden(await admin.client.put(`/api/users/${me.id}`, putBody(me, { name: "Addie Admin", auto_groups: [groupId] })), /own groups/i);
    const renamed = await admin.client.put<ApiUser>(`/api/users/${me.id}`, putBody(me, { name: "Addie Admin" }));
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Addie Admin", auto_groups: me.auto_groups, role: "admin" });
    admin.user = renamed.body;
  });
});

test.describe("a role change takes effect at once", () => {
  test("a demoted admin's session sees only themselves and can't write; promoted back, it can", async () => {
    const demoted = await ownerApi.put(`/api/users/${admin.user.id}`, putBody(admin.user, { role: "user" }));
    expect(demoted.status, demoted.text).toBe(200);
    expect((await admin.client.list()).ids).toEqual([admin.user.id]);
    expectForbidden(await admin.client.post("/api/users", { email: uniqueEmail("late"), name: "Too Late", role: "user" }));
    const restored = await ownerApi.put(`/api/users/${admin.user.id}`, putBody(admin.user, { role: "admin" }));
    expect(restored.status, restored.text).toBe(200);
    expect((await admin.client.list()).total).toBeGreaterThan(1);
  });
});

test.describe("ownership", () => {
  test("can't go to a blocked user (412) or a service user (422)", async () => {
    const blocked = await ownerApi.createUser({ email: uniqueEmail("blocked-heir"), name: "Blocked Heir", role: "admin" });
    const blockedNow = await ownerApi.put<ApiUser>(`/api/users/${blocked.id}`, putBody(blocked, { is_blocked: true }));
    expect(blockedNow.status).toBe(200);
    expectApiError(await ownerApi.put(`/api/users/${blocked.id}`, putBody(blockedNow.body, { role: "owner" })), 412);
    expectApiError(await ownerApi.put(`/api/users/${target.id}`, putBody(target, { role: "owner", is_blocked: true })), 412);
    const bot = await ownerApi.createUser({ is_service_user: true, name: "Heir Bot", role: "admin" });
    expectFieldErrors(await ownerApi.put(`/api/users/${bot.id}`, putBody(bot, { role: "owner" })), "role");
    expect((await ownerApi.list({ role: "owner" })).ids).toEqual([owner.user_id]);
    expect((await ownerApi.user(target.id)).is_blocked).toBe(false);
  });

  test("the owner gives the owner role to an admin: they become owner and the old owner an admin", async () => {
    const res = await ownerApi.put<ApiUser>(`/api/users/${admin.user.id}`, putBody(admin.user, { role: "owner" }));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: admin.user.id, role: "owner" });

    // Both sides of the transfer, seen by each of them.
    expect((await ownerApi.user(owner.user_id)).role).toBe("admin");
    expect((await ownerApi.user(admin.user.id)).role).toBe("owner");
    expect((await admin.client.user(owner.user_id)).role).toBe("admin");
    expect((await admin.client.list({ role: "owner" })).ids).toEqual([admin.user.id]);
    const current = await ownerApi.get<ApiUser>("/api/users/current");
    expect(current.body.role).toBe("admin");
  });

  test("the old owner, now an admin, can't touch the new owner or take ownership back", async () => {
    const newOwner = await ownerApi.user(admin.user.id);
    expectForbidden(await ownerApi.put(`/api/users/${newOwner.id}`, putBody(newOwner, { name: "Undo" })), /owner/i);
    expectForbidden(await ownerApi.put(`/api/users/${newOwner.id}`, putBody(newOwner, { role: "admin" })), /owner/i);
    expectForbidden(await ownerApi.delete(`/api/users/${newOwner.id}`), /owner/i);
    expectForbidden(await ownerApi.put(`/api/users/${owner.user_id}`, putBody(await ownerApi.user(owner.user_id), { role: "owner" })));
    expect((await ownerApi.list({ role: "owner" })).ids).toEqual([newOwner.id]);
  });

  test("the new owner can demote the old owner; it can pass on again, old owner becoming admin", async () => {
    const oldOwner = await admin.client.user(owner.user_id);
    const demoted = await admin.client.put<ApiUser>(`/api/users/${owner.user_id}`, putBody(oldOwner, { role: "auditor" }));
    expect(demoted.status, demoted.text).toBe(200);
    expect(demoted.body.role).toBe("auditor");
    expectForbidden(await ownerApi.post("/api/users", { email: uniqueEmail("x"), name: "Auditor Writes", role: "user" }));

    // With a session cookie, the transfer asks for the owner's password (a stolen cookie can't give the account away).
    const asked = expectFieldErrors(await admin.client.put(`/api/users/${owner.user_id}`, putBody(demoted.body, { role: "owner" })), "password");
    expect(asked.password).toEqual(["Current password is required"]);
    expectFieldErrors(await admin.client.put(`/api/users/${owner.user_id}`, putBody(demoted.body, { role: "owner", password: "not the password" })), "password");
    expect((await ownerApi.user(owner.user_id)).role).toBe("auditor");
    const back = await admin.client.put<ApiUser>(`/api/users/${owner.user_id}`, putBody(demoted.body, { role: "owner", password: admin.password }));
    expect(back.status, back.text).toBe(200);
    expect((await ownerApi.user(owner.user_id)).role).toBe("owner");
    expect((await ownerApi.user(admin.user.id)).role).toBe("admin");
    expect((await ownerApi.list({ role: "owner" })).ids).toEqual([owner.user_id]);
  });
});
