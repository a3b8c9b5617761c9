/**
 * Credentials over the REST API: weak passwords are refused on every path
 * that sets a chosen one, with the reason; a password change and an admin's
 * "revoke sessions" end access tokens only when asked, and the activity log
 * records the choice; tokens name their creator, and a blocked or deleted
 * admin's service-user tokens can be found and revoked.
 */
import { expect, test } from "@playwright/test";
import { bearer, call, expectFieldErrors } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import { acceptInvite, createInvite, invitee } from "../support/invites-api";
import { personWithRole, tokenClient, type Client } from "../support/users-api";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let api: Client;

type ApiToken = { id: string; name: string; created_by: string; created_by_name?: string | null; created_by_status?: string; user_id?: string };

/** `password`: a person minting their own with their session gives it (a service user's token needs none). */
async function mintToken(client: Client, userId: string, name: string, password?: string): Promise<{ plain: string; id: string }> {
  const res = await client.post<{ plain_token: string; personal_access_token: { id: string } }>(`/api/users/${userId}/tokens`, { name, expires_in: 30, ...(password ? { password } : {}) });
  expect(res.status, res.text).toBe(200);
  return { plain: res.body.plain_token, id: res.body.personal_access_token.id };
}

async function tokenWorks(plain: string): Promise<boolean> {
  const res = await call(instance, "/api/users/current", { headers: bearer(plain) });
  expect([200, 401]).toContain(res.status);
  return res.status === 200;
}

async function lastEvent(action: string): Promise<{ meta?: Record<string, unknown>; details?: Record<string, unknown> } & Record<string, unknown>> {
  const res = await api.get<Array<Record<string, unknown>>>(`/api/events?action=${action}&limit=1`);
  expect(res.status, res.text).toBe(200);
  expect(res.body.length).toBeGreaterThan(0);
  return res.body[0];
}

test("setup refuses a weak password, and says why", async () => {
  for (const password of ["Summer2024", "aaaaaaaa", "latchkey1", "password1 ", "Olive Owner1"]) {
    const res = await call(instance, "/api/instance/setup", { method: "POST", json: { ...OWNER, password } });
    const errors = expectFieldErrors(res, "password");
    expect(errors.password[0].length, `no reason for ${password}`).toBeGreaterThan(10);
  }
  const owner = await setUpOwner(instance);
  api = tokenClient(instance, owner.personal_access_token);
});

test("changing one's password, an admin's reset and accepting an invite refuse weak passwords", async () => {
  const person = await personWithRole(api, "user", { name: "Wendy Weakling" });
  for (const weak of ["Summer2024", "Wendy Weakling1", "latchkey1"]) {
    const changed = await person.client.put(`/api/users/${person.user.id}/password`, { old_password: person.password, new_password: weak });
    expectFieldErrors(changed, "new_password");
    const reset = await api.post(`/api/users/${person.user.id}/password-reset`, { password: weak });
    expectFieldErrors(reset, "password");
  }
  const invite = await createInvite(api, invitee("ivan"));
  expectFieldErrors(await acceptInvite(instance, invite.invite_link, "Summer2024"), "password");
  expect((await acceptInvite(instance, invite.invite_link, "a sturdy passphrase for ivan")).status).toBe(200);
});

test("a password change keeps the person's tokens unless revoke_tokens is chosen, and logs the choice", async () => {
  const person = await personWithRole(api, "admin");
  const kept = await mintToken(person.client, person.user.id, "kept", person.password);
  const kept2 = await person.client.put(`/api/users/${person.user.id}/password`, { old_password: person.password, new_password: "the second sturdy passphrase" });
  expect(kept2.status, kept2.text).toBe(200);
  expect(await tokenWorks(kept.plain)).toBe(true);
  expect((await lastEvent("user.password.changed")).meta).toMatchObject({ revoke_tokens: false, tokens_deleted: 0 });

  const bad = await person.client.put(`/api/users/${person.user.id}/password`, { old_password: "the second sturdy passphrase", new_password: "a third sturdy passphrase", revoke_tokens: "yes" });
  expectFieldErrors(bad, "revoke_tokens");

  const revoked = await person.client.put(`/api/users/${person.user.id}/password`, {
    old_password: "the second sturdy passphrase",
    new_password: "a third sturdy passphrase",
    revoke_tokens: true,
  });
  expect(revoked.status, revoked.text).toBe(200);
  expect(await tokenWorks(kept.plain)).toBe(false);
  expect((await lastEvent("user.password.changed")).meta).toMatchObject({ revoke_tokens: true, tokens_deleted: 1 });
});

test("an admin's revoke sessions ends tokens only with ?revoke_tokens=true, and logs the choice", async () => {
  const person = await personWithRole(api, "admin");
  const token = await mintToken(person.client, person.user.id, "ci", person.password);

  const plain = await api.call<{ revoked: number; tokens_deleted: number }>(`/api/users/${person.user.id}/sessions`, { method: "DELETE" });
  expect(plain.status, plain.text).toBe(200);
  expect(plain.body).toEqual({ revoked: 1, tokens_deleted: 0 });
  expect(await tokenWorks(token.plain)).toBe(true);
  expect((await lastEvent("user.sessions.revoked")).meta).toMatchObject({ revoke_tokens: false });

  const withTokens = await api.call<{ revoked: number; tokens_deleted: number }>(`/api/users/${person.user.id}/sessions?revoke_tokens=true`, { method: "DELETE" });
  expect(withTokens.status, withTokens.text).toBe(200);
  expect(withTokens.body).toEqual({ revoked: 0, tokens_deleted: 1 });
  expect(await tokenWorks(token.plain)).toBe(false);
  expect((await lastEvent("user.sessions.revoked")).meta).toMatchObject({ revoke_tokens: true, tokens_deleted: 1 });

  expectFieldErrors(await api.call(`/api/users/${person.user.id}/sessions?revoke_tokens=maybe`, { method: "DELETE" }), "revoke_tokens");
});

test("tokens name their creator; a blocked, then deleted, admin's service-user tokens are listed and revocable", async () => {
  const admin = await personWithRole(api, "admin", { name: "Adele Automator" });
  const robot = await admin.client.createUser({ is_service_user: true, name: "Deploy Bot", role: "admin", auto_groups: [] });
  const made = await mintToken(admin.client, robot.id, "deploy");
  const spare = await mintToken(admin.client, robot.id, "spare");

  const creatorOf = async (id: string) => {
    const one = await api.get<ApiToken>(`/api/users/${robot.id}/tokens/${id}`);
    expect(one.status, one.text).toBe(200);
    return { name: one.body.created_by_name, status: one.body.created_by_status };
  };
  expect(await creatorOf(made.id)).toEqual({ name: "Adele Automator", status: "active" });

  expect((await api.updateUser(admin.user.id, { is_blocked: true })).status).toBe(200);
  // Blocking the admin does not stop the automation they set up...
  expect(await tokenWorks(made.plain)).toBe(true);
  expect(await creatorOf(made.id)).toEqual({ name: "Adele Automator", status: "blocked" });
  // ...and their service-user tokens are listed for review.
  const listed = await api.get<ApiToken[]>(`/api/users/${admin.user.id}/service-tokens`);
  expect(listed.status, listed.text).toBe(200);
  expect(listed.body.map((t) => t.name).sort()).toEqual(["deploy", "spare"]);
  expect(listed.body[0]).toMatchObject({ user_id: robot.id, created_by_status: "blocked" });
  // Revoking one is the ordinary token delete.
  expect((await api.delete(`/api/users/${robot.id}/tokens/${spare.id}`)).status).toBe(200);
  expect(await tokenWorks(spare.plain)).toBe(false);

  expect((await api.delete(`/api/users/${admin.user.id}`)).status).toBe(200);
  expect(await creatorOf(made.id)).toEqual({ name: "Adele Automator", status: "deleted" });
  const afterDelete = await api.get<ApiToken[]>(`/api/users/${admin.user.id}/service-tokens`);
  expect(afterDelete.body.map((t) => [t.name, t.created_by_status])).toEqual([["deploy", "deleted"]]);

  // A member can't list other people's service-user tokens.
  const member = await personWithRole(api, "user");
  expect((await member.client.get(`/api/users/${admin.user.id}/service-tokens`)).status).toBe(403);
});
