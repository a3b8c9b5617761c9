/**
 * The admins' side of invites over the REST API: creating one (the link shown
 * once, bad input refused per field, an email taken by a user or a pending
 * invite refused with a 409), listing pending ones (expired ones included),
 * regenerating (the old link stops at once) and deleting (the link is
 * withdrawn), and who may do which.
 */
import { expect, test } from "@playwright/test";
import { call, expectApiError, expectFieldErrors, tokenChecksum, UUID_PATTERN, type JsonResponse } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import {
  acceptInvite,
  createInvite,
  DEFAULT_EXPIRES_IN,
  expectExpiresIn,
  expireInvite,
  findListed,
  invitee,
  INVITE_TOKEN_PATTERN,
  listInvites,
  lookupInvite,
  MESSAGES,
  type ApiInvite,
} from "../support/invites-api";
import { choosePassword, personWithRole, tokenClient, uniqueEmail, type Client, type Person } from "../support/users-api";

const instance = useInstance();

let ownerApi: Client;
let admin: Person;
let auditor: Person;
let member: Person;
let groupId: string;

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  ownerApi = tokenClient(instance, owner.personal_access_token);
  const group = await ownerApi.post<{ id: string }>("/api/groups", { name: "Invitees" });
  expect(group.status, group.text).toBe(200);
  groupId = group.body.id;
  [admin, auditor, member] = await Promise.all([
    personWithRole(ownerApi, "admin", { name: "Ada Admin" }),
    personWithRole(ownerApi, "auditor"),
    personWithRole(ownerApi, "user"),
  ]);
});

/** How many invites exist for this email (any case), as the owner sees the list. */
async function invitesFor(email: string): Promise<number> {
  return (await listInvites(ownerApi)).filter((i) => i.email.toLowerCase() === email.trim().toLowerCase()).length;
}

test.describe("POST /api/users/invites", () => {
  test("creates an invite and returns the link once, with a valid checksum", async () => {
    const person = invitee("carla");
    const before = Date.now();
    const created = await createInvite(ownerApi, { ...person, auto_groups: [groupId] });
    expect(created.id).toMatch(UUID_PATTERN);
    expect(created).toMatchObject({
      email: person.email,
      name: person.name,
      role: "user",
      auto_groups: [groupId],
      expired: false,
    });
    expectExpiresIn(created.invite_expires_at, DEFAULT_EXPIRES_IN, before);
    const link = created.invite_link;
    expect(link).toMatch(INVITE_TOKEN_PATTERN);
    expect(link.slice(-6), "the last six characters are the base62 CRC32 of the random part").toBe(tokenChecksum(link.slice(4, 34)));

    // The list shows the invite but never its link.
    const res = await ownerApi.get<ApiInvite[]>("/api/users/invites");
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(link);
    expect(res.text).not.toContain(link.slice(4, 34));
    const listed = res.body.find((i) => i.id === created.id);
    expect(listed, "the new invite is not in the list").toBeTruthy();
    expect(listed).not.toHaveProperty("invite_link");
    expect(listed).toMatchObject({
      email: person.email,
      name: person.name,
      role: "user",
      auto_groups: [groupId],
      invite_expires_at: created.invite_expires_at,
      expired: false,
      invited_by: OWNER.name,
    });

    // And the link works for the public look-up.
    const lookup = await lookupInvite(instance, link);
    expect(lookup.status, lookup.text).toBe(200);
    expect(lookup.body).toEqual({
      email: person.email,
      username: null,
      name: person.name,
      role: "user",
      expires_at: created.invite_expires_at,
      valid: true,
      invited_by: OWNER.name,
    });
  });

  test("two invites never share a link", async () => {
    const [a, b] = await Promise.all([createInvite(ownerApi, invitee("twin")), createInvite(ownerApi, invitee("twin"))]);
    expect(a.invite_link).not.toBe(b.invite_link);
    expect(a.id).not.toBe(b.id);
  });

  test("expires_in is seconds from 3600 to 31536000 (365 days), 0 means the default; outside that (or not an integer) is a 422 on expires_in", async () => {
    for (const seconds of [3600, 31_536_000]) {
      const before = Date.now();
      const created = await createInvite(ownerApi, { ...invitee("bounds"), expires_in: seconds });
      expectExpiresIn(created.invite_expires_at, seconds, before);
    }
    const before = Date.now();
    expectExpiresIn((await createInvite(ownerApi, { ...invitee("zero"), expires_in: 0 })).invite_expires_at, DEFAULT_EXPIRES_IN, before);
    for (const bad of [3599, 31_536_001, "x", "3600", 3600.5, -1, 1, null, true]) {
      const person = invitee("badexpiry");
      const res = await ownerApi.post("/api/users/invites", { ...person, expires_in: bad });
      const errors = expectFieldErrors(res, "expires_in");
      expect(Object.keys(errors), `expires_in ${JSON.stringify(bad)}: ${res.text}`).toEqual(["expires_in"]);
      expect(await invitesFor(person.email), `an invite was created with expires_in ${JSON.stringify(bad)}`).toBe(0);
    }
  });

  test("a bad email, name, role or group list is a 422 naming the field, and nothing is created", async () => {
    const base = invitee("fields");
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["email not an address", { ...base, email: "not-an-email" }, "email"],
      // usernames: no email is a link handed over; sending it by email needs one.
      ["email missing, to send by email", { name: base.name, role: "user", send_email: true }, "email"],
      ["email empty, to send by email", { ...base, email: "   ", send_email: true }, "email"],
      ["username malformed", { ...base, username: "a b" }, "username"],
      ["email a number", { ...base, email: 42 }, "email"],
      ["email too long", { ...base, email: `${"a".repeat(250)}@example.com` }, "email"],
      ["name missing", { email: base.email, role: "user" }, "name"],
      ["name empty", { ...base, name: "" }, "name"],
      ["name only spaces", { ...base, name: "    " }, "name"],
      ["name too long", { ...base, name: "n".repeat(101) }, "name"],
      ["name not text", { ...base, name: ["Carla"] }, "name"],
      ["role unknown", { ...base, role: "superuser" }, "role"],
      ["role missing", { email: base.email, name: base.name }, "role"],
      ["role wrong case", { ...base, role: "Admin" }, "role"],
      ["auto_groups not a list", { ...base, auto_groups: groupId }, "auto_groups"],
      ["auto_groups with an unknown id", { ...base, auto_groups: [groupId, "00000000-0000-4000-8000-000000000000"] }, "auto_groups"],
    ];
    const countBefore = (await listInvites(ownerApi)).length;
    for (const [what, json, field] of cases) {
      const res = await ownerApi.post("/api/users/invites", json);
      expect(res.status, `${what}: ${res.text}`).toBe(422);
      expectFieldErrors(res, field);
    }
    // A bad item is reported under its path ("auto_groups.0"), as zod paths are everywhere in the API.
    const badItem = await ownerApi.post("/api/users/invites", { ...base, auto_groups: [1] });
    const itemErrors = expectApiError(badItem, 422).errors ?? {};
    expect(Object.keys(itemErrors).some((k) => k === "auto_groups" || k.startsWith("auto_groups.")), badItem.text).toBe(true);
    expect((await listInvites(ownerApi)).length, "a refused invite was created anyway").toBe(countBefore);
  });

  test("nobody can invite an owner: 422 on role, for the owner and for admins", async () => {
    for (const client of [ownerApi, admin.client]) {
      const person = invitee("wouldbeowner");
      const res = await client.post("/api/users/invites", { ...person, role: "owner" });
      expectFieldErrors(res, "role");
      expect(await invitesFor(person.email)).toBe(0);
    }
  });

  test("malformed JSON is a 400, a non-JSON content type a 415, no credentials a 401", async () => {
    const person = invitee("badbody");
    const malformed = await ownerApi.call("/api/users/invites", {
      method: "POST",
      body: `{"email": "${person.email}", "name": `,
      headers: { "content-type": "application/json" },
    });
    expectApiError(malformed, 400);
    const wrongType = await ownerApi.call("/api/users/invites", {
      method: "POST",
      body: JSON.stringify(person),
      headers: { "content-type": "text/plain" },
    });
    expectApiError(wrongType, 415);
    const form = await ownerApi.call("/api/users/invites", {
      method: "POST",
      body: new URLSearchParams({ email: person.email, name: person.name, role: "user" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expectApiError(form, 415);
    const anonymous = await call(instance, "/api/users/invites", { method: "POST", json: person });
    expectApiError(anonymous, 401);
    const badToken = await call(instance, "/api/users/invites", {
      method: "POST",
      json: person,
      headers: { authorization: "Bearer lkp_notarealtoken" },
    });
    expectApiError(badToken, 401);
    expect(await invitesFor(person.email)).toBe(0);
  });
});

test.describe("one email, one person", () => {
  test("inviting the email of an existing user, in any case or spacing, is a 409 saying so", async () => {
    for (const email of [OWNER.email, OWNER.email.toUpperCase(), `  ${OWNER.email}  `, admin.email.replace(/^./, (c) => c.toUpperCase())]) {
      const res = await ownerApi.post("/api/users/invites", { email, name: "Someone Else", role: "user" });
      const body = expectApiError(res, 409);
      expect(body.message, `inviting ${JSON.stringify(email)}`).toMatch(/user with this email already exists/i);
    }
  });

  test("inviting an email that already has a pending invite, in any case or spacing, is a 409 saying so", async () => {
    const first = await createInvite(ownerApi, invitee("pending"));
    for (const email of [first.email, first.email.toUpperCase(), `\t${first.email} `]) {
      for (const client of [ownerApi, admin.client]) {
        const res = await client.post("/api/users/invites", { email, name: "Second Try", role: "admin" });
        const body = expectApiError(res, 409);
        expect(body.message, `inviting ${JSON.stringify(email)}`).toMatch(/pending invite/i);
      }
    }
    expect(await invitesFor(first.email)).toBe(1);
    // The first invite is untouched: its link still works.
    const lookup = await lookupInvite(instance, first.invite_link);
    expect(lookup.status, lookup.text).toBe(200);
    expect(lookup.body.name).toBe(first.name);
  });

  test("creating a user with the email of a pending invite is a 409 saying so", async () => {
    const pending = await createInvite(ownerApi, invitee("taken"));
    for (const email of [pending.email, ` ${pending.email.toUpperCase()} `]) {
      const res = await ownerApi.post("/api/users", { email, name: "Direct Add", role: "user" });
      const body = expectApiError(res, 409);
      expect(body.message).toMatch(/pending invite/i);
    }
    const users = await ownerApi.list({ search: pending.email });
    expect(users.total, "a user was created for an email with a pending invite").toBe(0);
  });

  test("changing a user's email to that of a pending invite is a 409 saying so", async () => {
    const pending = await createInvite(ownerApi, invitee("claimed"));
    const user = await ownerApi.createUser({ email: uniqueEmail("mover"), name: "Mo Ver", role: "user" });
    const res = await ownerApi.updateUser(user.id, { email: ` ${pending.email.toUpperCase()}` });
    expect(expectApiError(res, 409).message).toMatch(/pending invite/i);
    expect((await ownerApi.user(user.id)).email).toBe(user.email);
  });

  test("ten concurrent invites for one email make one invite; the rest are 409s", async () => {
    const person = invitee("rush");
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ownerApi.post("/api/users/invites", { ...person, email: i % 2 ? person.email.toUpperCase() : person.email })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, results.map((r) => r.text).join("\n")).toEqual([200, ...Array(9).fill(409)]);
    expect(await invitesFor(person.email)).toBe(1);
  });

  test("once an invite is deleted, its email can be invited again", async () => {
    const first = await createInvite(ownerApi, invitee("again"));
    expect((await ownerApi.delete(`/api/users/invites/${first.id}`)).status).toBe(200);
    const second = await createInvite(ownerApi, { ...invitee("again"), email: first.email.toUpperCase() });
    expect(second.id).not.toBe(first.id);
    expect(second.invite_link).not.toBe(first.invite_link);
  });
});

test.describe("GET /api/users/invites", () => {
  test("lists pending invites with X-Total-Count and who invited them; expired ones stay, marked expired", async () => {
    const byOwner = await createInvite(ownerApi, invitee("listed"));
    const byAdmin = await createInvite(admin.client, invitee("listedbyadmin", "admin"));
    const soonExpired = await createInvite(ownerApi, invitee("stale"));

    const all = await listInvites(ownerApi);
    const ids = all.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining([byOwner.id, byAdmin.id, soonExpired.id]));
    expect(new Set(ids).size, "an invite is listed twice").toBe(ids.length);
    for (const invite of all) {
      expect(invite).not.toHaveProperty("invite_link");
      expect(typeof invite.invited_by).toBe("string");
      expect(typeof invite.expired).toBe("boolean");
    }
    expect(all.find((i) => i.id === byOwner.id)?.invited_by).toBe(OWNER.name);
    expect(all.find((i) => i.id === byAdmin.id)).toMatchObject({ invited_by: "Ada Admin", role: "admin" });

    expireInvite(instance, soonExpired.id);
    const after = await listInvites(ownerApi);
    expect(after.length, "an expired invite left the list").toBe(all.length);
    const stale = after.find((i) => i.id === soonExpired.id);
    expect(stale, "the expired invite is not listed").toBeTruthy();
    expect(stale!.expired).toBe(true);
    expect(Date.parse(stale!.invite_expires_at)).toBeLessThan(Date.now());
    expect(after.find((i) => i.id === byOwner.id)?.expired).toBe(false);

    // An expired link is described, not refused.
    const lookup = await lookupInvite(instance, soonExpired.invite_link);
    expect(lookup.status, lookup.text).toBe(200);
    expect(lookup.body.valid).toBe(false);
    expect(lookup.body.expires_at).toBe(stale!.invite_expires_at);
  });

  test("needs credentials", async () => {
    expectApiError(await call(instance, "/api/users/invites"), 401);
  });

  test("takes limit, offset and search like every list (DESIGN.md), with the full total in X-Total-Count", async () => {
    const label = `paged${Date.now().toString(36)}`;
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createInvite(ownerApi, { email: uniqueEmail(label), name: `Paged ${i}`, role: "user" }));
    const all = await listInvites(ownerApi);
    expect(all.length).toBeGreaterThan(3);

    const searched = await ownerApi.get<ApiInvite[]>(`/api/users/invites?search=${label}`);
    expect(searched.status, searched.text).toBe(200);
    expect(searched.body.map((i) => i.id).sort(), "search=<part of an email> did not filter the invites").toEqual(made.map((i) => i.id).sort());
    expect(searched.headers.get("x-total-count")).toBe("3");

    const page = await ownerApi.get<ApiInvite[]>(`/api/users/invites?limit=2&offset=1`);
    expect(page.status, page.text).toBe(200);
    expect(page.body.map((i) => i.id), "limit/offset did not page the invites").toEqual(all.slice(1, 3).map((i) => i.id));
    expect(page.headers.get("x-total-count"), "X-Total-Count should count every match, not the page").toBe(String(all.length));
  });
});

test.describe("POST /api/users/invites/{id}/regenerate", () => {
  test("gives a new link and expiry; the old link stops at once with the 'replaced' message", async () => {
    const original = await createInvite(ownerApi, { ...invitee("regen"), auto_groups: [groupId] });
    const before = Date.now();
    const res = await ownerApi.post<ApiInvite>(`/api/users/invites/${original.id}/regenerate`, { expires_in: 7200 });
    expect(res.status, res.text).toBe(200);
    const regenerated = res.body;
    expect(regenerated).toMatchObject({
      id: original.id,
      email: original.email,
      name: original.name,
      role: original.role,
      auto_groups: [groupId],
      expired: false,
    });
    expect(regenerated.invite_link).toMatch(INVITE_TOKEN_PATTERN);
    expect(regenerated.invite_link).not.toBe(original.invite_link);
    expectExpiresIn(regenerated.invite_expires_at, 7200, before);
    expect(regenerated.invite_expires_at).not.toBe(original.invite_expires_at);

    const old = await lookupInvite(instance, original.invite_link);
    const body = expectApiError(old, 404);
    expect(body.message).toMatch(MESSAGES.replaced);
    const oldAccept = await acceptInvite(instance, original.invite_link, choosePassword("old link"));
    expect(expectApiError(oldAccept, 404).message).toMatch(MESSAGES.replaced);

    const fresh = await lookupInvite(instance, regenerated.invite_link!);
    expect(fresh.status, fresh.text).toBe(200);
    expect(fresh.body).toMatchObject({ email: original.email, valid: true, expires_at: regenerated.invite_expires_at });

    // Still one invite, with the new expiry, and no link in the list.
    const listed = await findListed(ownerApi, original.id);
    expect(listed).toMatchObject({ invite_expires_at: regenerated.invite_expires_at, expired: false });
    expect(listed).not.toHaveProperty("invite_link");
    expect(await invitesFor(original.email)).toBe(1);

    // The new link is the one that makes the account.
    const accepted = await acceptInvite(instance, regenerated.invite_link!, choosePassword("new link"));
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.email).toBe(original.email);
  });

  test("regenerating twice retires both earlier links", async () => {
    const original = await createInvite(ownerApi, invitee("twice"));
    const first = await ownerApi.post<ApiInvite>(`/api/users/invites/${original.id}/regenerate`, {});
    const second = await ownerApi.post<ApiInvite>(`/api/users/invites/${original.id}/regenerate`, {});
    expect(first.status, first.text).toBe(200);
    expect(second.status, second.text).toBe(200);
    expect(new Set([original.invite_link, first.body.invite_link, second.body.invite_link]).size).toBe(3);
    for (const dead of [original.invite_link, first.body.invite_link!]) {
      expect(expectApiError(await lookupInvite(instance, dead), 404).message).toMatch(MESSAGES.replaced);
    }
    expect((await lookupInvite(instance, second.body.invite_link!)).status).toBe(200);
  });

  test("with no body the new link lasts the default 3 days, and an expired invite becomes valid again", async () => {
    const original = await createInvite(ownerApi, { ...invitee("revive"), expires_in: 3600 });
    expireInvite(instance, original.id);
    expect((await findListed(ownerApi, original.id))?.expired).toBe(true);

    const before = Date.now();
    const res = await ownerApi.call<ApiInvite>(`/api/users/invites/${original.id}/regenerate`, { method: "POST" });
    expect(res.status, res.text).toBe(200);
    expectExpiresIn(res.body.invite_expires_at, DEFAULT_EXPIRES_IN, before);
    expect(res.body.expired).toBe(false);
    expect((await findListed(ownerApi, original.id))?.expired).toBe(false);
    const lookup = await lookupInvite(instance, res.body.invite_link!);
    expect(lookup.status, lookup.text).toBe(200);
    expect(lookup.body.valid).toBe(true);
  });

  test("bad input changes nothing: 422 on expires_in, 400 malformed JSON, 415 wrong type; unknown id 404", async () => {
    const original = await createInvite(ownerApi, invitee("regenbad"));
    const path = `/api/users/invites/${original.id}/regenerate`;
    for (const bad of [3599, 31_536_001, "x", 7200.5]) {
      expectFieldErrors(await ownerApi.post(path, { expires_in: bad }), "expires_in");
    }
    expectApiError(await ownerApi.call(path, { method: "POST", body: "{", headers: { "content-type": "application/json" } }), 400);
    expectApiError(await ownerApi.call(path, { method: "POST", body: '{"expires_in":7200}', headers: { "content-type": "text/plain" } }), 415);
    expectApiError(await call(instance, path, { method: "POST", json: {} }), 401);

    const lookup = await lookupInvite(instance, original.invite_link);
    expect(lookup.status, "a refused regenerate retired the link").toBe(200);
    expect((await findListed(ownerApi, original.id))?.invite_expires_at).toBe(original.invite_expires_at);

    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "%20"]) {
      const res = await ownerApi.post(`/api/users/invites/${id}/regenerate`, {});
      expectApiError(res, 404);
    }
  });
});

test.describe("DELETE /api/users/invites/{id}", () => {
  test("withdraws the invite: {} back, gone from the list, the link is a 404 saying it was withdrawn", async () => {
    const invite = await createInvite(ownerApi, invitee("withdrawn"));
    const res = await ownerApi.delete(`/api/users/invites/${invite.id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({});
    expect(await findListed(ownerApi, invite.id)).toBeUndefined();

    const lookup = await lookupInvite(instance, invite.invite_link);
    expect(expectApiError(lookup, 404).message).toMatch(MESSAGES.withdrawn);
    const accept = await acceptInvite(instance, invite.invite_link, choosePassword("withdrawn"));
    expect(expectApiError(accept, 404).message).toMatch(MESSAGES.withdrawn);
    expect((await ownerApi.list({ search: invite.email })).total).toBe(0);

    // Deleting again, or regenerating it, finds nothing.
    expectApiError(await ownerApi.delete(`/api/users/invites/${invite.id}`), 404);
    expectApiError(await ownerApi.post(`/api/users/invites/${invite.id}/regenerate`, {}), 404);
  });

  test("an unknown id is a 404; no credentials a 401", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "nope", "..%2F..%2Fusers"]) {
      expectApiError(await ownerApi.delete(`/api/users/invites/${id}`), 404);
    }
    const invite = await createInvite(ownerApi, invitee("anon"));
    expectApiError(await call(instance, `/api/users/invites/${invite.id}`, { method: "DELETE" }), 401);
    expect(await findListed(ownerApi, invite.id)).toBeTruthy();
  });

  test("deleting an expired invite works and withdraws its link", async () => {
    const invite = await createInvite(ownerApi, invitee("expiredgone"));
    expireInvite(instance, invite.id);
    expect((await ownerApi.delete(`/api/users/invites/${invite.id}`)).status).toBe(200);
    expect(await findListed(ownerApi, invite.id)).toBeUndefined();
    expect(expectApiError(await lookupInvite(instance, invite.invite_link), 404).message).toMatch(MESSAGES.withdrawn);
  });
});

test.describe("groups", () => {
  test("deleting a group takes it out of pending invites' auto_groups, as it does for users", async () => {
    const doomed = await ownerApi.post<{ id: string }>("/api/groups", { name: "Short-lived" });
    expect(doomed.status, doomed.text).toBe(200);
    const invite = await createInvite(ownerApi, { ...invitee("grouped"), auto_groups: [groupId, doomed.body.id] });
    expect([...invite.auto_groups].sort()).toEqual([groupId, doomed.body.id].sort());
    const removed = await ownerApi.delete(`/api/groups/${doomed.body.id}`);
    expect(removed.status, removed.text).toBe(200);
    expect((await findListed(ownerApi, invite.id))?.auto_groups, "the list still names a deleted group").toEqual([groupId]);
  });

  test("the same group twice is kept once", async () => {
    const invite = await createInvite(ownerApi, { ...invitee("dupgroup"), auto_groups: [groupId, groupId] });
    expect(invite.auto_groups).toEqual([groupId]);
  });
});

test.describe("who may do what", () => {
  function expectForbidden(res: JsonResponse, what: string) {
    expect(res.status, `${what}: ${res.text}`).toBe(403);
    expectApiError(res, 403);
  }

  test("an auditor sees the list but can't create, regenerate or delete", async () => {
    const invite = await createInvite(ownerApi, invitee("audited"));
    const listed = await listInvites(auditor.client);
    expect(listed.map((i) => i.id)).toContain(invite.id);
    expect(JSON.stringify(listed)).not.toContain(invite.invite_link);

    const person = invitee("byauditor");
    expectForbidden(await auditor.client.post("/api/users/invites", person), "create");
    expectForbidden(await auditor.client.post(`/api/users/invites/${invite.id}/regenerate`, {}), "regenerate");
    expectForbidden(await auditor.client.delete(`/api/users/invites/${invite.id}`), "delete");

    expect(await invitesFor(person.email)).toBe(0);
    expect(await findListed(ownerApi, invite.id)).toMatchObject({ invite_expires_at: invite.invite_expires_at });
    expect((await lookupInvite(instance, invite.invite_link)).status, "the auditor's refused call changed the link").toBe(200);
  });

  test("a user gets 403 on every invite endpoint", async () => {
    const invite = await createInvite(ownerApi, invitee("membertarget"));
    const person = invitee("bymember");
    expectForbidden(await member.client.get("/api/users/invites"), "list");
    expectForbidden(await member.client.post("/api/users/invites", person), "create");
    expectForbidden(await member.client.post(`/api/users/invites/${invite.id}/regenerate`, {}), "regenerate");
    expectForbidden(await member.client.delete(`/api/users/invites/${invite.id}`), "delete");
    expect(await invitesFor(person.email)).toBe(0);
    expect((await lookupInvite(instance, invite.invite_link)).status).toBe(200);
  });

  test("an admin invites admins and users, and regenerates and deletes the owner's invites", async () => {
    const adminInvite = await createInvite(admin.client, invitee("newadmin", "admin"));
    expect(adminInvite.role).toBe("admin");
    const auditorInvite = await createInvite(admin.client, invitee("newauditor", "auditor"));
    expect(auditorInvite.role).toBe("auditor");

    const ownersInvite = await createInvite(ownerApi, invitee("ownersinvite", "admin"));
    const regenerated = await admin.client.post<ApiInvite>(`/api/users/invites/${ownersInvite.id}/regenerate`, {});
    expect(regenerated.status, regenerated.text).toBe(200);
    expect(regenerated.body.invite_link).toMatch(INVITE_TOKEN_PATTERN);
    const deleted = await admin.client.delete(`/api/users/invites/${ownersInvite.id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect(await findListed(ownerApi, ownersInvite.id)).toBeUndefined();
  });

  test("an admin's invites are visible to the owner with the admin as inviter", async () => {
    const invite = await createInvite(admin.client, invitee("adminsinvite"));
    expect((await findListed(ownerApi, invite.id))?.invited_by).toBe("Ada Admin");
    expect((await findListed(auditor.client, invite.id))?.invited_by).toBe("Ada Admin");
  });

  test("an address that looks like a user's email but isn't taken can be invited (no over-eager matching)", async () => {
    const similar = admin.email.replace("@", "+tag@");
    const created = await createInvite(ownerApi, { email: similar, name: "Plus Tag", role: "user" });
    expect(created.email).toBe(similar);
    const other = uniqueEmail("unrelated");
    expect((await createInvite(ownerApi, { email: other, name: "Unrelated", role: "user" })).email).toBe(other);
  });
});

test.describe("POST /api/invites/bulk", () => {
  type BulkResults = { results: Array<{ id: string; ok: boolean; code?: number; message?: string; invite_token?: string; invite_expires_at?: string }> };

  test("deletes or regenerates each invite on its own: unknown ids are that row's 404, new links replace the old, over 100 ids or a user's call change nothing", async () => {
    const [a, b, c] = [await createInvite(ownerApi, invitee("bulk-a")), await createInvite(ownerApi, invitee("bulk-b")), await createInvite(ownerApi, invitee("bulk-c"))];
    const unknown = crypto.randomUUID();

    // A plain user may do neither: one 403, nothing changed.
    expectApiError(await member.client.post("/api/invites/bulk", { action: "delete", invite_ids: [a.id] }), 403);
    // More than 100 ids, or an unknown action: 422, nothing changed.
    const tooMany = Array.from({ length: 101 }, () => crypto.randomUUID());
    expectFieldErrors(await ownerApi.post("/api/invites/bulk", { action: "delete", invite_ids: tooMany }), "invite_ids");
    expectFieldErrors(await ownerApi.post("/api/invites/bulk", { action: "explode", invite_ids: [a.id] }), "action");
    expect((await lookupInvite(instance, a.invite_link)).status).toBe(200);

    const deleted = await ownerApi.post<BulkResults>("/api/invites/bulk", { action: "delete", invite_ids: [a.id, unknown, b.id] });
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body.results.map((r) => [r.id, r.ok, r.code])).toEqual([
      [a.id, true, undefined],
      [unknown, false, 404],
      [b.id, true, undefined],
    ]);
    const left = (await listInvites(ownerApi)).map((i) => i.id);
    expect(left).not.toContain(a.id);
    expect(left).not.toContain(b.id);
    expect(left).toContain(c.id);
    expect((await lookupInvite(instance, a.invite_link)).status).toBe(404);

    const regenerated = await ownerApi.post<BulkResults>("/api/invites/bulk", { action: "regenerate", invite_ids: [c.id] });
    expect(regenerated.status, regenerated.text).toBe(200);
    expect(regenerated.headers.get("cache-control")).toBe("no-store");
    const [row] = regenerated.body.results;
    expect(row).toMatchObject({ id: c.id, ok: true });
    expect(row.invite_token).toMatch(INVITE_TOKEN_PATTERN);
    expect(expectApiError(await lookupInvite(instance, c.invite_link), 404).message).toMatch(MESSAGES.replaced);
    expect((await lookupInvite(instance, row.invite_token!)).status).toBe(200);
  });

  test("regenerate takes the single regenerate's expires_in (seconds, 1 hour to 365 days, 72 hours when left out); out of range is a 422 that changes nothing", async () => {
    const [d, e] = [await createInvite(ownerApi, invitee("bulk-d")), await createInvite(ownerApi, invitee("bulk-e"))];
    for (const expires_in of [60, 366 * 86400, "7"]) {
      expectFieldErrors(await ownerApi.post("/api/invites/bulk", { action: "regenerate", invite_ids: [d.id], expires_in }), "expires_in");
    }
    expect((await lookupInvite(instance, d.invite_link)).status).toBe(200);
    const before = Date.now();
    const daysLeft = (r: { invite_expires_at?: string }) => (Date.parse(r.invite_expires_at!) - before) / 86400_000;
    const week = await ownerApi.post<BulkResults>("/api/invites/bulk", { action: "regenerate", invite_ids: [d.id], expires_in: 7 * 86400 });
    expect(week.status, week.text).toBe(200);
    expect(daysLeft(week.body.results[0])).toBeCloseTo(7, 2);
    const standard = await ownerApi.post<BulkResults>("/api/invites/bulk", { action: "regenerate", invite_ids: [e.id] });
    expect(daysLeft(standard.body.results[0])).toBeCloseTo(3, 2);
    // The list shows the chosen expiry too.
    expect(daysLeft((await listInvites(ownerApi)).find((i) => i.id === d.id)!)).toBeCloseTo(7, 2);
  });
});
