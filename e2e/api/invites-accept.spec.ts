/**
 * The invited person's side over the REST API: looking a link up and
 * accepting it by choosing a password. A dead link says why (not valid,
 * replaced, withdrawn, already used; expired is described, then refused with
 * a 410), a weak password is a 422 on password, and accepting makes exactly
 * the user the invite described, who can then sign in.
 *
 * The server trusts X-Forwarded-For here and every public call comes from its
 * own address, so the per-address limits (tested in invites-rate-limit.spec.ts)
 * never decide an outcome in this file.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { call, expectApiError, expectFieldErrors, signIn, UUID_PATTERN, withBrokenChecksum } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import {
  acceptInvite as acceptFrom,
  createInvite,
  expireInvite,
  findListed,
  invitee,
  lookupInvite as lookupFrom,
  MESSAGES,
  wellFormedUnknownInviteToken,
  type ApiInvite,
} from "../support/invites-api";
import { choosePassword, cookieClient, personWithRole, tokenClient, type Client } from "../support/users-api";

const instance = useInstance({ TRUST_PROXY: "true" });

let ownerApi: Client;
let groupA: string;
let groupB: string;

/** A different client address for every call (the server trusts X-Forwarded-For in this file). */
function freshAddress(): Record<string, string> {
  const [a, b, c] = crypto.randomBytes(3);
  return { "x-forwarded-for": `10.${a}.${b}.${c}` };
}
const lookup = (token: string) => lookupFrom(instance, token, freshAddress());
const accept = (token: string, password: unknown) => acceptFrom(instance, token, password, freshAddress());

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  ownerApi = tokenClient(instance, owner.personal_access_token);
  const [a, b] = await Promise.all([ownerApi.post<{ id: string }>("/api/groups", { name: "Alpha" }), ownerApi.post<{ id: string }>("/api/groups", { name: "Beta" })]);
  expect(a.status, a.text).toBe(200);
  expect(b.status, b.text).toBe(200);
  groupA = a.body.id;
  groupB = b.body.id;
});

test.describe("GET /api/invites/{token}", () => {
  test("describes a live invite to anyone holding the link, and nothing more", async () => {
    const invite = await createInvite(ownerApi, { ...invitee("lookup", "auditor"), auto_groups: [groupA] });
    const res = await lookup(invite.invite_link);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      email: invite.email,
      username: null,
      name: invite.name,
      role: "auditor",
      expires_at: invite.invite_expires_at,
      valid: true,
      invited_by: OWNER.name,
    });
  });

  test("garbage, a broken checksum, the wrong prefix or an unknown well-formed token is a 404 'not valid'", async () => {
    const invite = await createInvite(ownerApi, invitee("real"));
    const real = invite.invite_link;
    const dead = [
      "garbage",
      "lki_",
      "lki_short",
      withBrokenChecksum(real),
      withBrokenChecksum(real, 10),
      wellFormedUnknownInviteToken(),
      wellFormedUnknownInviteToken("lkp"),
      `lkp_${real.slice(4)}`,
      `LKI_${real.slice(4)}`,
      `${real}x`,
      real.slice(0, -1),
      ` ${real}`,
      "lki_" + "a".repeat(5000),
      "lki_ñññññññññññññññññññññññññññññññññññ",
      "' OR 1=1 --",
    ];
    for (const token of dead) {
      const res = await lookup(token);
      const body = expectApiError(res, 404);
      expect(body.message, `GET /api/invites/${token.slice(0, 60)}`).toMatch(MESSAGES.unknown);
    }
    // None of that disturbed the real invite.
    expect((await lookup(real)).body.valid).toBe(true);
  });

  test("an expired invite is described (200, valid false), not refused", async () => {
    const invite = await createInvite(ownerApi, invitee("lapsed"));
    expireInvite(instance, invite.id);
    const res = await lookup(invite.invite_link);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ email: invite.email, name: invite.name, valid: false, invited_by: OWNER.name });
    expect(Date.parse(res.body.expires_at)).toBeLessThan(Date.now());
  });

  test("an invite stops working when its inviter is deleted, blocked or demoted", async () => {
    for (const [how, change] of [
      ["deleted", (id: string) => ownerApi.delete(`/api/users/${id}`)],
      ["blocked", (id: string) => ownerApi.put(`/api/users/${id}`, { role: "admin", auto_groups: [], is_blocked: true })],
      ["demoted", (id: string) => ownerApi.put(`/api/users/${id}`, { role: "auditor", auto_groups: [], is_blocked: false })],
    ] as const) {
      const inviter = await personWithRole(ownerApi, "admin", { name: `Inviter ${how}` });
      const invite = await createInvite(inviter.client, invitee(`orphan-${how}`));
      expect((await change(inviter.user.id)).status, how).toBe(200);
      const res = await lookup(invite.invite_link);
      expect(res.status, `${how}: ${res.text}`).toBe(404);
      expect(res.text).toContain("withdrawn");
      const accepted = await accept(invite.invite_link, choosePassword(`orphan-${how}`));
      expect(accepted.status, accepted.text).toBe(404);
    }
  });
});

test.describe("POST /api/invites/{token}/accept", () => {
  test("a short, long, common, missing or identity-equal password is a 422 on password, and the invite stays", async () => {
    const invite = await createInvite(ownerApi, { ...invitee("weakpw"), name: "Quentin Longname" });
    const cases: Array<[string, unknown]> = [
      ["too short", "short1!"],
      ["too long", "p".repeat(129)],
      ["common", "password123"],
      ["common, other case", "Password1"],
      ["missing", undefined],
      ["not text", 12345678901],
      ["empty", ""],
      ["the email", invite.email],
      ["the email, shouted and padded", `  ${invite.email.toUpperCase()} `],
      ["the name", "Quentin Longname"],
      ["the name, lower case", "quentin longname"],
    ];
    for (const [what, password] of cases) {
      const res = await call(instance, `/api/invites/${invite.invite_link}/accept`, {
        method: "POST",
        headers: freshAddress(),
        json: password === undefined ? {} : { password },
      });
      expect(res.status, `${what}: ${res.text}`).toBe(422);
      expectFieldErrors(res, "password");
    }
    expect(await findListed(ownerApi, invite.id), "a refused accept consumed the invite").toBeTruthy();
    expect((await lookup(invite.invite_link)).body.valid).toBe(true);
    expect((await ownerApi.list({ search: invite.email })).total).toBe(0);
  });

  test("malformed JSON is a 400 and a non-JSON body a 415, and the invite stays", async () => {
    const invite = await createInvite(ownerApi, invitee("badbody"));
    const path = `/api/invites/${invite.invite_link}/accept`;
    const malformed = await call(instance, path, { method: "POST", headers: { ...freshAddress(), "content-type": "application/json" }, body: '{"password": ' });
    expectApiError(malformed, 400);
    const form = await call(instance, path, {
      method: "POST",
      headers: { ...freshAddress(), "content-type": "application/x-www-form-urlencoded" },
      body: "password=a+perfectly+fine+passphrase",
    });
    expectApiError(form, 415);
    expect((await lookup(invite.invite_link)).body.valid).toBe(true);
  });

  test("a dead token with a good password is a 404 'not valid' and creates nobody", async () => {
    for (const token of ["garbage", wellFormedUnknownInviteToken()]) {
      const res = await accept(token, choosePassword("nobody"));
      expect(expectApiError(res, 404).message).toMatch(MESSAGES.unknown);
    }
  });

  test("accepting creates the user with the invite's role and groups; they sign in; the link is then used up", async () => {
    const person = invitee("joiner", "admin");
    const invite = await createInvite(ownerApi, { ...person, auto_groups: [groupA, groupB] });
    const password = choosePassword("joiner");
    const usersBefore = (await ownerApi.list()).total;

    const res = await accept(invite.invite_link, password);
    expect(res.status, res.text).toBe(200);
    // NetBird's {"success": true}, plus the new user's id, email and username.
    expect(Object.keys(res.body).sort()).toEqual(["email", "success", "user_id", "username"]);
    expect(res.body.user_id).toMatch(UUID_PATTERN);
    expect(res.body.email).toBe(person.email);
    expect(res.text).not.toContain(password);

    const user = await ownerApi.user(res.body.user_id);
    expect(user).toMatchObject({
      id: res.body.user_id,
      email: person.email,
      name: person.name,
      role: "admin",
      status: "active",
      is_service_user: false,
      is_blocked: false,
    });
    expect([...user.auto_groups].sort()).toEqual([groupA, groupB].sort());
    expect((await ownerApi.list()).total).toBe(usersBefore + 1);
    expect((await ownerApi.list({ search: person.email })).total).toBe(1);

    // The invite is gone from the list, and its link says it was used.
    expect(await findListed(ownerApi, invite.id), "an accepted invite is still listed").toBeUndefined();
    expect(expectApiError(await lookup(invite.invite_link), 404).message).toMatch(MESSAGES.used);
    expect(expectApiError(await accept(invite.invite_link, choosePassword("again")), 404).message).toMatch(MESSAGES.used);
    expect((await ownerApi.list({ search: person.email })).total).toBe(1);

    // They sign in with the password they chose (no forced change), and act as an admin.
    expect((await signIn(instance, person.email, choosePassword("wrong"))).signedIn).toBe(false);
    const session = await signIn(instance, person.email, password);
    expect(session.signedIn, `sign-in after accepting: ${session.status} ${session.location}`).toBe(true);
    const them = cookieClient(instance, session.cookie);
    const current = await them.get<{ id: string; role: string }>("/api/users/current");
    expect(current.status, current.text).toBe(200);
    expect(current.body).toMatchObject({ id: res.body.user_id, role: "admin" });
    expect((await them.get<ApiInvite[]>("/api/users/invites")).status).toBe(200);

    // Their email now belongs to a user.
    const again = await ownerApi.post("/api/users/invites", { ...person, email: person.email.toUpperCase() });
    expect(expectApiError(again, 409).message).toMatch(/user with this email already exists/i);
  });

  test("an expired invite is refused with a 410 saying it expired, and stays listed as expired", async () => {
    const invite = await createInvite(ownerApi, invitee("late"));
    expireInvite(instance, invite.id);
    const res = await accept(invite.invite_link, choosePassword("late"));
    expect(expectApiError(res, 410).message).toMatch(MESSAGES.expired);
    expect((await ownerApi.list({ search: invite.email })).total).toBe(0);
    expect((await findListed(ownerApi, invite.id))?.expired).toBe(true);
  });

  test("an expired invite, regenerated, can be accepted with the new link only", async () => {
    const invite = await createInvite(ownerApi, invitee("revived"));
    expireInvite(instance, invite.id);
    const regenerated = await ownerApi.post<ApiInvite>(`/api/users/invites/${invite.id}/regenerate`, {});
    expect(regenerated.status, regenerated.text).toBe(200);
    expect(expectApiError(await accept(invite.invite_link, choosePassword("old")), 404).message).toMatch(MESSAGES.replaced);
    const res = await accept(regenerated.body.invite_link!, choosePassword("new"));
    expect(res.status, res.text).toBe(200);
  });

  test("groups deleted since the invite was made are dropped, not fatal", async () => {
    const doomed = await ownerApi.post<{ id: string }>("/api/groups", { name: "Doomed" });
    expect(doomed.status, doomed.text).toBe(200);
    const invite = await createInvite(ownerApi, { ...invitee("regrouped"), auto_groups: [groupA, doomed.body.id] });
    const removed = await ownerApi.delete(`/api/groups/${doomed.body.id}`);
    expect(removed.status, removed.text).toBe(200);
    const res = await accept(invite.invite_link, choosePassword("regrouped"));
    expect(res.status, res.text).toBe(200);
    expect((await ownerApi.user(res.body.user_id)).auto_groups).toEqual([groupA]);
  });
});
