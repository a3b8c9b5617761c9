/**
 * What managing a user does to their ability to get in: the generated password
 * and the forced change at first sign-in, blocking and unblocking, password
 * resets, listing and revoking sessions, and deletion ending sessions and
 * access tokens at once.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { bearer, call, expectApiError, expectFieldErrors, signIn, signInOrFail } from "../support/api";
import { OWNER, setUpOwner, useInstance } from "../support/instance";
import {
  GENERATED_PASSWORD,
  MUST_CHANGE_PASSWORD,
  choosePassword,
  cookieClient,
  personWithRole,
  signInAndChangePassword,
  tokenClient,
  uniqueEmail,
  type ApiUser,
  type Client,
} from "../support/users-api";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

let owner: Awaited<ReturnType<typeof setUpOwner>>;
let api: Client;

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
  api = tokenClient(instance, owner.personal_access_token);
});

async function expectSignedOut(cookie: string) {
  expectApiError(await call(instance, "/api/users/current", { headers: { cookie } }), 401);
  expectApiError(await call(instance, "/api/users", { headers: { cookie } }), 401);
}

async function expectCannotSignIn(email: string, password: string) {
  const result = await signIn(instance, email, password);
  expect(result.signedIn, `signed in as ${email} when it should have failed`).toBe(false);
}

async function expectMustChangePassword(client: Client, userId: string) {
  const attempts: Array<[string, () => ReturnType<Client["call"]>]> = [
    ["GET /api/users", () => client.get("/api/users")],
    ["GET /api/users/current", () => client.get("/api/users/current")],
    ["GET own user", () => client.get(`/api/users/${userId}`)],
    ["GET own sessions", () => client.get(`/api/users/${userId}/sessions`)],
    ["GET /api/groups", () => client.get("/api/groups")],
    ["POST /api/groups", () => client.post("/api/groups", { name: "Sneaky" })],
    ["PUT own user", () => client.put(`/api/users/${userId}`, { name: "Sneaky", role: "user", auto_groups: [], is_blocked: false })],
    ["DELETE own sessions", () => client.delete(`/api/users/${userId}/sessions`)],
  ];
  for (const [what, attempt] of attempts) {
    const res = await attempt();
    expect(res.status, `${what}: ${res.text}`).toBe(403);
    expect(expectApiError(res, 403).message).toBe(MUST_CHANGE_PASSWORD);
  }
}

test.describe("a new user's generated password", () => {
  test("signs in, but that session can do nothing until the password is changed", async () => {
    const email = uniqueEmail("newbie");
    const created = await api.createUser({ email, name: "New Bie", role: "admin" });
    expect(created.password).toMatch(GENERATED_PASSWORD);
    expect(created.last_login).toBe("0001-01-01T00:00:00Z");

    const cookie = await signInOrFail(instance, email, created.password!);
    const session = cookieClient(instance, cookie);
    await expectMustChangePassword(session, created.id);
    // The refusals changed nothing.
    expect((await api.list({ search: "Sneaky" })).total).toBe(0);
    expect((await api.get<unknown[]>("/api/groups")).body).toEqual([]);

    // Another user's password can't be changed with it.
    const changeOwners = await session.put(`/api/users/${owner.user_id}/password`, { old_password: created.password, new_password: "a stolen passphrase" });
    expectApiError(changeOwners, 403);

    const newPassword = choosePassword("newbie");
    const changed = await session.put(`/api/users/${created.id}/password`, { old_password: created.password, new_password: newPassword });
    expect(changed.status, changed.text).toBe(200);

    const current = await session.get<ApiUser>("/api/users/current");
    expect(current.status, current.text).toBe(200);
    expect(current.body).toMatchObject({ id: created.id, email, role: "admin", is_current: true });
    expect(current.body.last_login).not.toBe("0001-01-01T00:00:00Z");
    expect((await api.list({ search: email })).users[0].last_login).toBe(current.body.last_login);
    expect((await session.list()).total).toBeGreaterThan(1);

    await expectCannotSignIn(email, created.password!);
    expect((await signIn(instance, email, newPassword)).signedIn).toBe(true);
  });

  test("a wrong password gets no session", async () => {
    const email = uniqueEmail("wrong");
    const created = await api.createUser({ email, name: "Wrong Guess", role: "user" });
    await expectCannotSignIn(email, created.password!.slice(1));
    await expectCannotSignIn(email, `${created.password} `);
    await expectCannotSignIn(email, "");
  });
});

test.describe("blocking", () => {
  test("ends the user's session at once and stops sign-in; unblocking lets them sign in again", async () => {
    const person = await personWithRole(api, "user");
    expect((await person.client.get("/api/users/current")).status).toBe(200);

    const blocked = await api.updateUser(person.user.id, { is_blocked: true });
    expect(blocked.status, blocked.text).toBe(200);
    expect(blocked.body).toMatchObject({ is_blocked: true, status: "blocked" });

    await expectSignedOut(person.cookie);
    await expectCannotSignIn(person.email, person.password);
    expect((await api.get<unknown[]>(`/api/users/${person.user.id}/sessions`)).body).toEqual([]);
    expect(await api.user(person.user.id)).toMatchObject({ is_blocked: true, status: "blocked" });

    const unblocked = await api.updateUser(person.user.id, { is_blocked: false });
    expect(unblocked.status, unblocked.text).toBe(200);
    expect(unblocked.body).toMatchObject({ is_blocked: false, status: "active" });
    // The old session stays ended; a new sign-in works.
    await expectSignedOut(person.cookie);
    const fresh = cookieClient(instance, await signInOrFail(instance, person.email, person.password));
    expect((await fresh.get<ApiUser>("/api/users/current")).body.id).toBe(person.user.id);
  });

  test("a no-op update (already unblocked) keeps the user's session", async () => {
    const person = await personWithRole(api, "auditor");
    const res = await api.updateUser(person.user.id, { name: "Still Here" });
    expect(res.status, res.text).toBe(200);
    expect((await person.client.get("/api/users/current")).status).toBe(200);
  });
});

test.describe("password reset", () => {
  test("{} generates a password: sessions end, the old password stops working, the new one must be changed", async () => {
    const person = await personWithRole(api, "user");
    const res = await api.post<{ password: string }>(`/api/users/${person.user.id}/password-reset`, {});
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(["password"]);
    expect(res.body.password).toMatch(GENERATED_PASSWORD);
    expect(res.body.password).not.toBe(person.password);

    await expectSignedOut(person.cookie);
    await expectCannotSignIn(person.email, person.password);
    expect((await api.user(person.user.id))).not.toHaveProperty("password");

    const cookie = await signInOrFail(instance, person.email, res.body.password);
    await expectMustChangePassword(cookieClient(instance, cookie), person.user.id);
    const { client } = await signInAndChangePassword(instance, { id: person.user.id, email: person.email }, res.body.password);
    expect((await client.get("/api/users/current")).status).toBe(200);
  });

  test("a given password is set and not echoed back; it too must be changed at next sign-in", async () => {
    const person = await personWithRole(api, "admin");
    const chosen = choosePassword("reset");
    const res = await api.post(`/api/users/${person.user.id}/password-reset`, { password: chosen });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({});
    expect(res.text).not.toContain(chosen);

    await expectSignedOut(person.cookie);
    await expectCannotSignIn(person.email, person.password);
    const cookie = await signInOrFail(instance, person.email, chosen);
    await expectMustChangePassword(cookieClient(instance, cookie), person.user.id);
  });

  test("bad passwords and bad bodies are refused, and the password stays as it was", async () => {
    const person = await personWithRole(api, "user", { name: "Rhoda Reset" });
    const url = `/api/users/${person.user.id}/password-reset`;
    const cases: Array<[unknown, RegExp]> = [
      [{ password: "short" }, /at least 8/],
      [{ password: "p".repeat(129) }, /at most 128/],
      [{ password: "password123" }, /common/i],
      [{ password: 12345678 }, /text/i],
      [{ password: person.email.toUpperCase() }, /email or name/i],
      [{ password: "rhoda reset" }, /email or name/i],
    ];
    for (const [json, message] of cases) {
      const errors = expectFieldErrors(await api.post(url, json), "password");
      expect(errors.password.join(" "), JSON.stringify(json).slice(0, 60)).toMatch(message);
    }
    const malformed = await api.call(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"password": ' });
    expectApiError(malformed, 400);
    expectApiError(await api.post(`/api/users/${crypto.randomUUID()}/password-reset`, {}), 404);

    // Nothing was reset: the session and the password still work.
    expect((await person.client.get("/api/users/current")).status).toBe(200);
    expect((await signIn(instance, person.email, person.password)).signedIn).toBe(true);
  });

  test("service users have no password to reset: 412; nobody resets their own: 403", async () => {
    const bot = await api.createUser({ is_service_user: true, name: "Reset Bot", role: "user" });
    expectApiError(await api.post(`/api/users/${bot.id}/password-reset`, {}), 412);
    expectApiError(await api.post(`/api/users/${bot.id}/password-reset`, { password: choosePassword("bot") }), 412);
    const self = expectApiError(await api.post(`/api/users/${owner.user_id}/password-reset`, {}), 403);
    expect(self.message).toMatch(/change password/i);
    expect((await signIn(instance, OWNER.email, OWNER.password)).signedIn).toBe(true);
  });
});

test.describe("sessions", () => {
  test("GET lists a user's sessions; DELETE revokes them all and they stop working", async () => {
    const person = await personWithRole(api, "user");
    const second = await signInOrFail(instance, person.email, person.password);

    const listed = await api.get<Array<Record<string, unknown>>>(`/api/users/${person.user.id}/sessions`);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body).toHaveLength(2);
    for (const s of listed.body) {
      expect(s).toMatchObject({ is_current: false });
      for (const field of ["created_at", "last_seen_at", "expires_at"]) {
        expect(Date.parse(s[field] as string), `${field} is a date`).not.toBeNaN();
      }
      expect(Date.parse(s.expires_at as string)).toBeGreaterThan(Date.now());
      expect(JSON.stringify(s)).not.toMatch(/authjs|session-token/);
    }
    // The user sees which one is theirs.
    const own = await person.client.get<Array<{ is_current: boolean }>>(`/api/users/${person.user.id}/sessions`);
    expect(own.body.filter((s) => s.is_current)).toHaveLength(1);

    const revoked = await api.delete<{ revoked: number }>(`/api/users/${person.user.id}/sessions`);
    expect(revoked.status, revoked.text).toBe(200);
    // Access tokens end only when asked (?revoke_tokens=true): see e2e/api/credentials-hardening.spec.ts.
    expect(revoked.body).toEqual({ revoked: 2, tokens_deleted: 0 });
    await expectSignedOut(person.cookie);
    await expectSignedOut(second);
    expect((await api.get<unknown[]>(`/api/users/${person.user.id}/sessions`)).body).toEqual([]);
    expect((await api.delete(`/api/users/${person.user.id}/sessions`)).body).toEqual({ revoked: 0, tokens_deleted: 0 });

    // Revoking sessions is not blocking: the user can sign in again.
    expect((await signIn(instance, person.email, person.password)).signedIn).toBe(true);
    // The owner's own token is untouched.
    expect((await api.get("/api/users/current")).status).toBe(200);
  });

  test("a user may end their own sessions, but not anyone else's", async () => {
    const person = await personWithRole(api, "user");
    const other = await personWithRole(api, "user");
    expectApiError(await person.client.delete(`/api/users/${other.user.id}/sessions`), 403);
    expect((await other.client.get("/api/users/current")).status).toBe(200);

    const res = await person.client.delete<{ revoked: number }>(`/api/users/${person.user.id}/sessions`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.revoked).toBe(1);
    await expectSignedOut(person.cookie);
    expect((await other.client.get("/api/users/current")).status).toBe(200);
  });

  test("unknown ids are 404", async () => {
    const id = crypto.randomUUID();
    expectApiError(await api.get(`/api/users/${id}/sessions`), 404);
    expectApiError(await api.delete(`/api/users/${id}/sessions`), 404);
  });
});

test.describe("deleting", () => {
  test("ends the user's sessions at once and they can't sign in", async () => {
    const person = await personWithRole(api, "admin");
    expect((await person.client.get("/api/users/current")).status).toBe(200);
    expect((await api.delete(`/api/users/${person.user.id}`)).status).toBe(200);
    await expectSignedOut(person.cookie);
    await expectCannotSignIn(person.email, person.password);
  });

  test("blocking, then deleting, a former owner stops their access token", async () => {
    // Only the owner has a token (made at setup); hand ownership over so that user can be blocked and deleted.
    const heir = await personWithRole(api, "admin");
    const transferred = await api.updateUser(heir.user.id, { role: "owner" });
    expect(transferred.status, transferred.text).toBe(200);
    expect((await api.get<ApiUser>("/api/users/current")).body.role).toBe("admin");

    const blocked = await heir.client.updateUser(owner.user_id, { is_blocked: true });
    expect(blocked.status, blocked.text).toBe(200);
    expectApiError(await api.get("/api/users/current"), 401);
    expectApiError(await call(instance, "/api/users", { headers: bearer(owner.personal_access_token) }), 401);

    const unblocked = await heir.client.updateUser(owner.user_id, { is_blocked: false });
    expect(unblocked.status, unblocked.text).toBe(200);
    // The block deleted a person's tokens for good: the unblock doesn't bring this one back.
    expectApiError(await api.get("/api/users/current"), 401);

    const deleted = await heir.client.delete(`/api/users/${owner.user_id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expectApiError(await api.get("/api/users/current"), 401);
    expectApiError(await api.post("/api/users", { email: uniqueEmail("ghost"), name: "Ghost Write", role: "user" }), 401);
    await expectCannotSignIn(OWNER.email, OWNER.password);
    expectApiError(await heir.client.get(`/api/users/${owner.user_id}`), 404);
  });
});
