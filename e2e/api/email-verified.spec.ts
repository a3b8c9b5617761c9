/**
 * Review 6, finding 10, over the REST API: GET /api/users and /api/users/{id} say whether a person's
 * address was proven (email_verified), as the OpenID provider tells apps. An admin's user is vouched
 * for; someone who accepted an invite from a "recruiter" (invites:create, no user management) is not,
 * since the recruiter had the link too; and asking to confirm needs mail.
 */
import { expect, test } from "@playwright/test";
import { expectApiError, signInOrFail } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { acceptInvite, createInvite, invitee } from "../support/invites-api";
import { choosePassword, cookieClient, personWithRole, tokenClient, uniqueEmail, type ApiUser, type Client } from "../support/users-api";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let ownerApi: Client;

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  ownerApi = tokenClient(instance, owner.personal_access_token);
});

test("email_verified: true for a person an admin created, false for one a recruiter invited and nobody confirmed", async () => {
  const made = await ownerApi.createUser({ email: uniqueEmail("made"), name: "Made By Admin", role: "user" });
  expect(made.email_verified).toBe(true);
  expect((await ownerApi.user(made.id)).email_verified).toBe(true);

  const role = await ownerApi.post<{ id: string }>("/api/roles", { name: "Recruiter", description: "", permissions: ["invites:read", "invites:create"] });
  expect(role.status, role.text).toBe(200);
  const recruiter = await personWithRole(ownerApi, "user");
  const assigned = await ownerApi.put(`/api/users/${recruiter.user.id}/roles`, { role_ids: [role.body.id] });
  expect(assigned.status, assigned.text).toBe(200);
  const invite = await createInvite(recruiter.client, invitee("recruited"));
  const password = choosePassword("recruited");
  const accepted = await acceptInvite(instance, invite.invite_link, password);
  expect(accepted.status, accepted.text).toBe(200);

  const one = await ownerApi.user(accepted.body.user_id);
  expect(one.email).toBe(invite.email);
  expect(one.email_verified).toBe(false);
  const listed = (await ownerApi.list()).users.find((u: ApiUser) => u.id === accepted.body.user_id);
  expect(listed?.email_verified).toBe(false);

  // They may ask to confirm it; without mail the answer says so (412), and nothing changes.
  const cookie = await signInOrFail(instance, invite.email, password);
  const asked = await cookieClient(instance, cookie).post("/api/users/current/email/confirmation");
  expect(expectApiError(asked, 412).message).toMatch(/Mail is not set up/);
  expect((await ownerApi.user(accepted.body.user_id)).email_verified).toBe(false);
});

test("PUT /api/users/{id} with email_verified: an admin marks an address confirmed or not; a token without users:reset_password can't vouch", async () => {
  const person = await ownerApi.createUser({ email: uniqueEmail("marked"), name: "Marked", role: "user" });
  const unmarked = await ownerApi.put<ApiUser>(`/api/users/${person.id}`, { role: "user", auto_groups: [], is_blocked: false, email_verified: false });
  expect(unmarked.status, unmarked.text).toBe(200);
  expect(unmarked.body.email_verified).toBe(false);
  const marked = await ownerApi.put<ApiUser>(`/api/users/${person.id}`, { role: "user", auto_groups: [], is_blocked: false, email_verified: true });
  expect(marked.body.email_verified).toBe(true);
  // Left out: unchanged.
  const renamed = await ownerApi.put<ApiUser>(`/api/users/${person.id}`, { name: "Marked Renamed", role: "user", auto_groups: [], is_blocked: false });
  expect(renamed.body.email_verified).toBe(true);

  const bad = await ownerApi.put(`/api/users/${person.id}`, { role: "user", auto_groups: [], is_blocked: false, email_verified: "yes" });
  expect(expectApiError(bad, 422).message).toBeTruthy();

  const role = await ownerApi.post<{ id: string }>("/api/roles", { name: "Directory editor", description: "", permissions: ["users:read", "users:update"] });
  expect(role.status, role.text).toBe(200);
  const editor = await personWithRole(ownerApi, "user");
  expect((await ownerApi.put(`/api/users/${editor.user.id}/roles`, { role_ids: [role.body.id] })).status).toBe(200);
  await ownerApi.put(`/api/users/${person.id}`, { role: "user", auto_groups: [], is_blocked: false, email_verified: false });
  const refused = await editor.client.put(`/api/users/${person.id}`, { role: "user", auto_groups: [], is_blocked: false, email_verified: true });
  expect(expectApiError(refused, 403).message).toBe("Marking an email confirmed or not needs permission to reset passwords");
  expect((await ownerApi.user(person.id)).email_verified).toBe(false);
  // Nor the other way (review 7): an editor can't make apps distrust someone's proven address.
  await ownerApi.put(`/api/users/${person.id}`, { role: "user", auto_groups: [], is_blocked: false, email_verified: true });
  const unproving = await editor.client.put(`/api/users/${person.id}`, { role: "user", auto_groups: [], is_blocked: false, email_verified: false });
  expect(expectApiError(unproving, 403).message).toBe("Marking an email confirmed or not needs permission to reset passwords");
  expect((await ownerApi.user(person.id)).email_verified).toBe(true);
});

test("PUT /api/users/{id} doesn't move one's own email, not even the owner's: that is Profile's change, with the password and a link (review 7)", async () => {
  const me = await ownerApi.get<{ id: string; email: string }>("/api/users/current");
  expect(me.status, me.text).toBe(200);
  const moved = await ownerApi.put(`/api/users/${me.body.id}`, { email: uniqueEmail("hijack"), role: "owner", auto_groups: [], is_blocked: false });
  expect(expectApiError(moved, 403).message).toBe("Change your own email in Profile: it asks for your password and confirms the new address");
  expect((await ownerApi.user(me.body.id)).email).toBe(me.body.email);
});
