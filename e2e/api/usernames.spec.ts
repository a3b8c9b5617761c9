/**
 * Usernames over the REST API (issue 19): `username` on user objects, derived
 * when a NetBird client leaves it out, the exact `?username=` filter, PUT, the
 * NetStacks creation shape, a person without an email (NetBird's `email` is
 * "" for them) signing in with their username, and unknown usernames refused
 * exactly like unknown emails. Then the gaps closed after: invites without an
 * email (the invitee picks the username; checked again at accept, so of two
 * invitees racing for one name one is told in the field and keeps their
 * invite), a username named on an invite, sorting by username, and changing
 * one's own username (PUT /api/users/current) behind the owner's switch.
 */
import { expect, test } from "@playwright/test";
import { bearer, call, expectApiError, expectFieldErrors, signIn, signInOrFail, type JsonResponse } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { acceptInvite, lookupInvite, type ApiInvite } from "../support/invites-api";
import { choosePassword, personWithRole, tokenClient, type ApiUser } from "../support/users-api";

type WithUsername = ApiUser & { username: string; password?: string };

const instance = useInstance();
let token: string;

test.beforeAll(async () => {
  token = (await setUpOwner(instance)).personal_access_token;
});

async function post(json: Record<string, unknown>) {
  return call<WithUsername>(instance, "/api/users", { method: "POST", headers: bearer(token), json });
}

test("derives a username for a NetBird client that sends none, and filters by it exactly", async () => {
  const first = await post({ email: "Dana.Fox@example.com", name: "Dana Fox", role: "user", auto_groups: [] });
  expect(first.status, first.text).toBe(200);
  expect(first.body.username).toBe("Dana.Fox");
  const second = await post({ email: "dana.fox@other.example", name: "Dana Two", role: "user" });
  expect(second.body.username).toBe("dana.fox2");

  const owner = await call<WithUsername[]>(instance, "/api/users/current", { headers: bearer(token) });
  expect((owner.body as unknown as WithUsername).username).toBe("owner");

  const exact = await call<WithUsername[]>(instance, "/api/users?username=DANA.FOX", { headers: bearer(token) });
  expect(exact.status, exact.text).toBe(200);
  expect(exact.body.map((u) => u.id)).toEqual([first.body.id]);
  expect(exact.headers.get("x-total-count")).toBe("1");
  const none = await call<WithUsername[]>(instance, "/api/users?username=dana", { headers: bearer(token) });
  expect(none.body).toEqual([]);
});

test("creates a person with only a username and a name, who signs in with it; email is \"\" for them", async () => {
  const created = await post({ username: "kiosk.k", name: "Kiosk Keeper", role: "user" });
  expect(created.status, created.text).toBe(200);
  expect(created.body).toMatchObject({ username: "kiosk.k", email: "", name: "Kiosk Keeper" });
  expect(typeof created.body.password).toBe("string");

  const session = await signIn(instance, "KIOSK.K", created.body.password!);
  expect(session.signedIn).toBe(true);

  const found = await call<WithUsername[]>(instance, "/api/users?search=kiosk", { headers: bearer(token) });
  expect(found.body.map((u) => u.id)).toContain(created.body.id);
});

test("refuses a taken username in any case or Unicode form, and a malformed one", async () => {
  const taken = await post({ username: "Kiosk.K", name: "Copy", role: "user" });
  expect(taken.status, taken.text).toBe(409);
  const wide = await post({ username: "ｋｉｏｓｋ.k", name: "Wide Copy", role: "user" });
  expect(wide.status, wide.text).toBe(409);
  const bad = await post({ username: "has space", name: "Bad", role: "user" });
  expect(bad.status, bad.text).toBe(422);
  expect(Object.keys((bad.body as unknown as { errors: Record<string, string[]> }).errors)).toContain("username");
  const neither = await post({ name: "Nobody", role: "user" });
  expect(neither.status, neither.text).toBe(422);
});

test("PUT changes a username, and sign-in follows it", async () => {
  const created = await post({ username: "mover", name: "Mo Ver", role: "user" });
  const put = await call<WithUsername>(instance, `/api/users/${created.body.id}`, {
    method: "PUT",
    headers: bearer(token),
    json: { username: "Moved.On", role: "user", auto_groups: [], is_blocked: false },
  });
  expect(put.status, put.text).toBe(200);
  expect(put.body.username).toBe("Moved.On");
  expect((await signIn(instance, "mover", created.body.password!)).signedIn).toBe(false);
  await signInOrFail(instance, "moved.on", created.body.password!);
});

test("accepts NetStacks' creation shape; a chosen password must pass the policy and is never echoed", async () => {
  const weak = await post({ username: "netstacks", display_name: "Net Stacks", password: "password123" });
  expect(weak.status, weak.text).toBe(422);
  const ok = await post({ username: "netstacks", email: "ns@example.com", display_name: "Net Stacks", password: "violet tractor umbrella sings" });
  expect(ok.status, ok.text).toBe(200);
  expect(ok.body).toMatchObject({ username: "netstacks", email: "ns@example.com", name: "Net Stacks", role: "user" });
  expect(ok.body.password).toBeUndefined();
  expect(ok.text).not.toContain("violet tractor");
  await signInOrFail(instance, "netstacks", "violet tractor umbrella sings");
});

test("answers an unknown username exactly as an unknown email", async () => {
  const unknownEmail = await signIn(instance, "nobody@example.com", "whatever it is");
  const unknownUsername = await signIn(instance, "nobody", "whatever it is");
  expect(unknownEmail.signedIn).toBe(false);
  expect(unknownUsername.signedIn).toBe(false);
  expect({ status: unknownUsername.status, location: unknownUsername.location }).toEqual({ status: unknownEmail.status, location: unknownEmail.location });
});

type Invite = ApiInvite & { invite_link: string };

/** A 409 whose field errors name `field` (a username someone has, or a pending invite keeps). */
function conflictOn(res: JsonResponse, field: string): string[] {
  const body = expectApiError(res, 409);
  expect(Object.keys(body.errors ?? {}), res.text).toEqual([field]);
  return body.errors![field];
}

async function invite(json: Record<string, unknown>) {
  return call<Invite>(instance, "/api/users/invites", { method: "POST", headers: bearer(token), json: { role: "user", ...json } });
}

test("a link-only invite needs no email; the invitee picks a username, and signs in with it", async () => {
  const made = await invite({ name: "Lina Link" });
  expect(made.status, made.text).toBe(200);
  expect(made.body).toMatchObject({ email: "", username: null, name: "Lina Link" });
  const lookup = await lookupInvite(instance, made.body.invite_link);
  expect(lookup.body).toMatchObject({ email: "", username: null, valid: true });

  const password = choosePassword("lina");
  const without = await acceptInvite(instance, made.body.invite_link, password);
  expect(expectFieldErrors(without, "username").username).toEqual(["Choose a username: you will sign in with it"]);
  const accepted = await acceptInvite(instance, made.body.invite_link, password, {}, "Lina.L");
  expect(accepted.status, accepted.text).toBe(200);
  expect(accepted.body).toMatchObject({ success: true, email: "", username: "Lina.L" });
  await signInOrFail(instance, "lina.l", password);

  // Sending it by email needs an email: at creation (the field), and Resend says why it can't.
  const mailed = await invite({ name: "No Mail", send_email: true });
  expect(expectFieldErrors(mailed, "email").email).toEqual(["Enter an email to send the invite by email"]);
  const linkOnly = await invite({ name: "Link Only" });
  const resend = await call<{ message: string }>(instance, `/api/users/invites/${linkOnly.body.id}/resend`, { method: "POST", headers: bearer(token), json: {} });
  expect(expectApiError(resend, 412).message).toBe("This invite has no email address: regenerate its link and hand it over instead");
});

test("of two invitees picking one username at once, one gets it and the other a field error, their invite intact", async () => {
  const [a, b] = await Promise.all([invite({ name: "Racer A" }), invite({ name: "Racer B" })]);
  const password = choosePassword("racer");
  const results = await Promise.all([
    acceptInvite(instance, a.body.invite_link, password, {}, "same.pick"),
    acceptInvite(instance, b.body.invite_link, password, {}, "SAME.PICK"),
  ]);
  expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  const lost = results.find((r) => r.status === 409)!;
  expect(conflictOn(lost, "username")).toEqual(["This username is taken"]);
  const loserLink = results[0].status === 409 ? a.body.invite_link : b.body.invite_link;
  const retry = await acceptInvite(instance, loserLink, password, {}, "other.pick");
  expect(retry.status, retry.text).toBe(200);
});

test("a username named on an invite is kept for it: refused to others, and the invitee can't swap it", async () => {
  const made = await invite({ name: "Nia Named", email: "nia@example.com", username: "nia.named" });
  expect(made.status, made.text).toBe(200);
  expect(made.body).toMatchObject({ email: "nia@example.com", username: "nia.named" });
  const taken = await post({ username: "NIA.named", name: "Copycat", role: "user" });
  expect(conflictOn(taken, "username")).toEqual(["This username is kept for a pending invite"]);
  const swapped = await acceptInvite(instance, made.body.invite_link, choosePassword("nia"), {}, "nia.other");
  expect(expectFieldErrors(swapped, "username").username).toEqual(["This invite is for the username nia.named"]);
});

test("sorts by username in either order, through ?sort=username", async () => {
  for (const username of ["srt.b", "SRT.c", "srt.a"]) expect((await post({ username, name: `Sort ${username}`, role: "user" })).status).toBe(200);
  const sorted = async (order: string) =>
    (await call<WithUsername[]>(instance, `/api/users?search=srt.&sort=username&order=${order}`, { headers: bearer(token) })).body.map((u) => u.username);
  expect(await sorted("asc")).toEqual(["srt.a", "srt.b", "SRT.c"]);
  expect(await sorted("desc")).toEqual(["SRT.c", "srt.b", "srt.a"]);
});

test("people change their own username with PUT /api/users/current once the owner allows it", async () => {
  const owner = tokenClient(instance, token);
  const member = await personWithRole(owner, "user", { email: "self.namer@example.com" });
  const refused = await member.client.put<{ message: string }>("/api/users/current", { username: "self.named" });
  expect(refused.status, refused.text).toBe(403);
  expect(refused.body.message).toContain("turned off here");

  const on = await owner.put<{ users_may_change_username: boolean }>("/api/settings/sign-in", { users_may_change_username: true });
  expect(on.status, on.text).toBe(200);
  expect(on.body.users_may_change_username).toBe(true);
  const changed = await member.client.put<WithUsername>("/api/users/current", { username: "Self.Named" });
  expect(changed.status, changed.text).toBe(200);
  expect(changed.body).toMatchObject({ id: member.user.id, username: "Self.Named" });
  const bad = await member.client.put("/api/users/current", { username: "has space" });
  expect(bad.status).toBe(422);
  const taken = await member.client.put("/api/users/current", { username: "OWNER" });
  expect(conflictOn(taken, "username")).toEqual(["This username is taken"]);
  await signInOrFail(instance, "self.named", member.password);
  // Each change holds the old name back for the person; with three held, a new one is refused (an earlier one isn't).
  for (const next of ["self.named2", "self.named3"]) expect((await member.client.put("/api/users/current", { username: next })).status).toBe(200);
  const squatting = await member.client.put("/api/users/current", { username: "self.named4" });
  expect(conflictOn(squatting, "username")[0]).toMatch(/^Your 3 earlier usernames are still held back for you/);
  expect((await member.client.put<WithUsername>("/api/users/current", { username: "self.named" })).body.username).toBe("self.named");

  const events = await owner.get<Array<{ activity_code: string; target_id: string; meta: Record<string, unknown> }>>(`/api/events?target=${member.user.id}`);
  expect(events.status, events.text).toBe(200);
  const change = events.body.find((e) => e.activity_code === "user.updated" && e.target_id === member.user.id && e.meta.self_service === true);
  expect(change?.meta, "no self-service username change in the activity log").toMatchObject({ changed: ["username"] });
  expect((await owner.put("/api/settings/sign-in", { users_may_change_username: false })).status).toBe(200);
  expect((await member.client.put("/api/users/current", { username: "again" })).status).toBe(403);
});

test("refuses a look-alike username with a 422 on username saying why: mixed alphabets, punctuation at an end or doubled", async () => {
  const mixed = await post({ username: "\u0430dmin", name: "Mixed", role: "user" });
  expect(expectFieldErrors(mixed, "username").username).toEqual(["A username can't mix alphabets, e.g. Latin and Cyrillic letters"]);
  const edges = 'A username can\'t start or end with ".", "_" or "-", or have two of them in a row';
  for (const username of ["owner.", "-owner", "ow..ner"]) {
    const refused = await post({ username, name: "Edge", role: "user" });
    expect(expectFieldErrors(refused, "username").username, username).toEqual([edges]);
  }
  const japanese = await post({ username: "山田たろう.taro", name: "Yamada Taro", role: "user" });
  expect(japanese.status, japanese.text).toBe(200);
  const put = await call(instance, `/api/users/${japanese.body.id}`, {
    method: "PUT",
    headers: bearer(token),
    json: { username: "yamada_", role: "user", auto_groups: [], is_blocked: false },
  });
  expect(expectFieldErrors(put, "username").username).toEqual([edges]);
});

test("a deleted person's username is listed as held back; the owner releases it early and anyone may take it at once", async () => {
  const owner = tokenClient(instance, token);
  const leaver = await post({ email: "leaving.lee@example.com", username: "Leaving.Lee", name: "Lee Leaving", role: "user" });
  expect(leaver.status, leaver.text).toBe(200);
  expect((await owner.delete(`/api/users/${leaver.body.id}`)).status).toBe(200);
  // Told why, to the owner (who may list and release them): a name nobody has is refused.
  expect(conflictOn(await post({ username: "leaving.lee", name: "New Lee", role: "user" }), "username")[0]).toMatch(/^This username was someone else.s until lately and is held back for 30 days/);

  type Held = { id: string; username: string; retired_at: string; held_until: string; former_user_id: string; former_user_name: string | null };
  const listed = await owner.get<Held[]>("/api/settings/retired-usernames?search=LEAVING.lee");
  expect(listed.status, listed.text).toBe(200);
  expect(listed.headers.get("x-total-count")).toBe("1");
  expect(listed.body).toEqual([expect.objectContaining({ username: "Leaving.Lee", former_user_id: leaver.body.id, former_user_name: null })]);
  const [held] = listed.body;
  expect(Date.parse(held.held_until) - Date.parse(held.retired_at)).toBe(30 * 86_400_000);

  // An admin sees the list but can't release: that is the owner's decision, like every sign-in setting.
  const admin = await personWithRole(owner, "admin", { email: "admin.ada@example.com" });
  expect((await admin.client.get<Held[]>("/api/settings/retired-usernames")).status).toBe(200);
  const refused = await admin.client.delete(`/api/settings/retired-usernames/${held.id}`);
  expect(refused.status, refused.text).toBe(403);
  const member = await personWithRole(owner, "user", { email: "member.max@example.com" });
  expect((await member.client.get("/api/settings/retired-usernames")).status).toBe(403);

  expect((await owner.delete(`/api/settings/retired-usernames/${held.id}`)).status).toBe(200);
  expect((await owner.delete(`/api/settings/retired-usernames/${held.id}`)).status).toBe(404);
  const taken = await post({ username: "leaving.lee", name: "New Lee", role: "user" });
  expect(taken.status, taken.text).toBe(200);
  const events = await owner.get<Array<{ activity_code: string; target_id: string }>>("/api/events?action=username.released");
  expect(events.body.map((e) => e.target_id)).toContain(held.id);
});
