/**
 * Service users and personal access tokens over the REST API: every token
 * endpoint and its shape, who may manage whose tokens, other users' token ids
 * (404), read-only tokens refused on every write route (403), the owner's role
 * and status applied at each request, expiry (by moving expires_at in the
 * instance's database), and malformed tokens refused with no database write.
 */
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import {
  ACCESS_TOKEN_PATTERN,
  bearer,
  call,
  expectApiError,
  expectFieldErrors,
  UUID_PATTERN,
  wellFormedUnknownToken,
  withBrokenChecksum,
} from "../support/api";
import { openInstanceDatabase, snapshot, type InstanceDatabase } from "../support/database";
import { setUpOwner, useInstance } from "../support/instance";
import { personWithSession, type Person } from "../support/people";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

const DAY_MS = 86_400_000;

type ApiToken = { id: string; name: string; expiration_date: string; created_by: string; created_at: string; last_used?: string };
type CreatedToken = { plain_token: string; personal_access_token: ApiToken };
type ApiUser = { id: string; name: string; role: string; is_service_user: boolean; is_blocked: boolean; email: string; auto_groups: string[] };

let owner: Awaited<ReturnType<typeof setUpOwner>>;
let ownerAuth: Record<string, string>;
let database: InstanceDatabase;
/** Every plain token this spec saw, to prove none reaches the logs or the activity events. */
const plainTokens: string[] = [];

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
  ownerAuth = bearer(owner.personal_access_token);
  plainTokens.push(owner.personal_access_token);
  database = openInstanceDatabase(instance);
});

test.afterAll(() => database?.close());

async function createServiceUser(name: string, role = "admin", auth = ownerAuth): Promise<ApiUser> {
  const res = await call<ApiUser>(instance, "/api/users", { method: "POST", headers: auth, json: { is_service_user: true, name, role } });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function createToken(userId: string, json: unknown = { name: `t-${crypto.randomUUID().slice(0, 8)}` }, auth = ownerAuth) {
  const res = await call<CreatedToken>(instance, `/api/users/${userId}/tokens`, { method: "POST", headers: auth, json });
  if (res.status === 200) plainTokens.push(res.body.plain_token);
  return res;
}

/** `password`: a person creating their own with their session gives it. */
async function tokenFor(userId: string, auth = ownerAuth, password?: string): Promise<CreatedToken> {
  const res = await createToken(userId, { name: `t-${crypto.randomUUID().slice(0, 8)}`, ...(password ? { password } : {}) }, auth);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

test("an admin creates a service user and a token for it; the token lists users", async () => {
  const robot = await createServiceUser("Terraform", "admin");
  expect(robot).toMatchObject({ name: "Terraform", role: "admin", is_service_user: true, email: "" });
  expect(robot).not.toHaveProperty("password");

  const before = Date.now();
  const res = await createToken(robot.id, { name: "  terraform-ci  " });
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body).sort()).toEqual(["personal_access_token", "plain_token"]);
  const { plain_token, personal_access_token: token } = res.body;
  expect(plain_token).toMatch(ACCESS_TOKEN_PATTERN);
  // last_used is omitted until the token is used, as NetBird does.
  expect(Object.keys(token).sort()).toEqual(["created_at", "created_by", "expiration_date", "id", "name"]);
  expect(token).toMatchObject({ name: "terraform-ci", created_by: owner.user_id });
  expect(token.id).toMatch(UUID_PATTERN);
  // Default lifetime: 30 days.
  const lifetime = Date.parse(token.expiration_date) - Date.parse(token.created_at);
  expect(lifetime).toBe(30 * DAY_MS);
  expect(Date.parse(token.created_at)).toBeGreaterThanOrEqual(before - 1000);

  const users = await call<ApiUser[]>(instance, "/api/users", { headers: bearer(plain_token) });
  expect(users.status, users.text).toBe(200);
  expect(users.body.map((u) => u.id)).toEqual(expect.arrayContaining([owner.user_id, robot.id]));
  expect(users.body.find((u) => u.id === robot.id)).toMatchObject({ is_current: true });

  // Listing and reading show metadata only, now with the use recorded.
  const list = await call<ApiToken[]>(instance, `/api/users/${robot.id}/tokens`, { headers: ownerAuth });
  expect(list.status, list.text).toBe(200);
  expect(list.body).toHaveLength(1);
  expect(list.text).not.toContain(plain_token);
  expect(list.text).not.toContain("lkp_");
  const one = await call<ApiToken>(instance, `/api/users/${robot.id}/tokens/${token.id}`, { headers: ownerAuth });
  expect(one.status, one.text).toBe(200);
  expect(one.body).toEqual(list.body[0]);
  expect(one.body).toMatchObject({ id: token.id, name: "terraform-ci", expiration_date: token.expiration_date });
  expect(Math.abs(Date.parse(one.body.last_used!) - Date.now())).toBeLessThan(60_000);
});

test("POST validates the name and the expiry with field messages", async () => {
  const robot = await createServiceUser("Validator", "user");
  const cases: Array<[unknown, string]> = [
    [{}, "name"],
    [{ name: "" }, "name"],
    [{ name: "   " }, "name"],
    [{ name: 42 }, "name"],
    [{ name: "x".repeat(101) }, "name"],
    [{ name: "a\nb" }, "name"],
    [{ name: "ok", expires_in: 0 }, "expires_in"],
    [{ name: "ok", expires_in: 366 }, "expires_in"],
    [{ name: "ok", expires_in: 1.5 }, "expires_in"],
    [{ name: "ok", expires_in: "30" }, "expires_in"],
    [{ name: "ok", expires_in: null }, "expires_in"],
  ];
  for (const [json, field] of cases) {
    expectFieldErrors(await createToken(robot.id, json), field);
  }
  expectApiError(
    await call(instance, `/api/users/${robot.id}/tokens`, { method: "POST", headers: { ...ownerAuth, "content-type": "application/json" }, body: "{nope" }),
    400,
  );
  expectApiError(
    await call(instance, `/api/users/${robot.id}/tokens`, { method: "POST", headers: { ...ownerAuth, "content-type": "text/plain" }, body: '{"name":"x"}' }),
    415,
  );
  const huge = await call(instance, `/api/users/${robot.id}/tokens`, { method: "POST", headers: ownerAuth, json: { name: "x", pad: "y".repeat(100_000) } });
  expect([400, 413]).toContain(huge.status);
  const list = await call<ApiToken[]>(instance, `/api/users/${robot.id}/tokens`, { headers: ownerAuth });
  expect(list.body).toEqual([]);

  for (const days of [1, 365]) {
    const ok = await createToken(robot.id, { name: `days-${days}`, expires_in: days });
    expect(ok.status, ok.text).toBe(200);
    const t = ok.body.personal_access_token;
    expect(Date.parse(t.expiration_date) - Date.parse(t.created_at)).toBe(days * DAY_MS);
  }
});

test("a token name is unique per user: a duplicate is a 409, the same name on another user is fine", async () => {
  const a = await createServiceUser("Ansible", "user");
  const b = await createServiceUser("Backup", "user");
  expect((await createToken(a.id, { name: "deploy" })).status).toBe(200);
  const dup = await createToken(a.id, { name: " deploy " });
  expect(expectApiError(dup, 409).message).toMatch(/deploy/);
  expect((await createToken(b.id, { name: "deploy" })).status).toBe(200);
  const list = await call<ApiToken[]>(instance, `/api/users/${a.id}/tokens`, { headers: ownerAuth });
  expect(list.body.map((t) => t.name)).toEqual(["deploy"]);
});

test("another user's token ids are 404 on GET and DELETE, and the token stays", async () => {
  const a = await createServiceUser("Alpha", "user");
  const b = await createServiceUser("Bravo", "user");
  const tokenOfA = (await tokenFor(a.id)).personal_access_token;
  const ownerTokenId = (await call<ApiToken[]>(instance, `/api/users/${owner.user_id}/tokens`, { headers: ownerAuth })).body[0].id;

  const wrong: Array<[string, string]> = [
    [b.id, tokenOfA.id],
    [owner.user_id, tokenOfA.id],
    [a.id, ownerTokenId],
    [a.id, crypto.randomUUID()],
    [a.id, "not-a-uuid"],
    [crypto.randomUUID(), tokenOfA.id],
  ];
  for (const [userId, tokenId] of wrong) {
    for (const method of ["GET", "DELETE"]) {
      const res = await call(instance, `/api/users/${userId}/tokens/${tokenId}`, { method, headers: ownerAuth });
      const body = expectApiError(res, 404);
      expect(body.message).toMatch(/not found/i);
    }
  }
  expectApiError(await call(instance, `/api/users/${crypto.randomUUID()}/tokens`, { headers: ownerAuth }), 404);
  expectApiError(await createToken(crypto.randomUUID()), 404);
  const still = await call<ApiToken>(instance, `/api/users/${a.id}/tokens/${tokenOfA.id}`, { headers: ownerAuth });
  expect(still.status).toBe(200);
});

test.describe("who manages whose tokens", () => {
  let admin: Person;
  let auditor: Person;
  let member: Person;
  let robot: ApiUser;

  test.beforeAll(async () => {
    admin = await personWithSession(instance, ownerAuth, "admin", "ada@example.com");
    auditor = await personWithSession(instance, ownerAuth, "auditor", "aude@example.com");
    member = await personWithSession(instance, ownerAuth, "user", "mia@example.com");
    robot = await createServiceUser("Robot", "user");
  });

  test("every person manages their own tokens with their session, giving their password (review 7b)", async () => {
    for (const person of [admin, auditor, member]) {
      // The session alone can't leave a token behind: the password proves it's the person.
      expect(expectApiError(await createToken(person.id, { name: "my laptop", expires_in: 7 }, person.headers), 422).errors?.password).toBeTruthy();
      const wrong = await createToken(person.id, { name: "my laptop", expires_in: 7, password: "not my password at all" }, person.headers);
      expect(expectApiError(wrong, 422).errors?.password).toEqual(["Current password is incorrect"]);
      const created = await createToken(person.id, { name: "my laptop", expires_in: 7, password: person.password }, person.headers);
      expect(created.status, created.text).toBe(200);
      expect(created.body.personal_access_token.created_by).toBe(person.id);
      const list = await call<ApiToken[]>(instance, `/api/users/${person.id}/tokens`, { headers: person.headers });
      expect(list.body.map((t) => t.name)).toEqual(["my laptop"]);
      const del = await call(instance, `/api/users/${person.id}/tokens/${created.body.personal_access_token.id}`, {
        method: "DELETE",
        headers: person.headers,
      });
      expect(del.status, del.text).toBe(200);
      expect((await call<ApiToken[]>(instance, `/api/users/${person.id}/tokens`, { headers: person.headers })).body).toEqual([]);
    }
  });

  test("nobody sees or manages another person's tokens, not even the owner (403)", async () => {
    const memberToken = (await tokenFor(member.id, member.headers, member.password)).personal_access_token;
    for (const [who, auth] of [
      ["owner", ownerAuth],
      ["admin", admin.headers],
      ["auditor", auditor.headers],
    ] as const) {
      expectApiError(await call(instance, `/api/users/${member.id}/tokens`, { headers: auth }), 403);
      expectApiError(await call(instance, `/api/users/${member.id}/tokens/${memberToken.id}`, { headers: auth }), 403);
      expectApiError(await createToken(member.id, { name: `by ${who}` }, auth), 403);
      expectApiError(await call(instance, `/api/users/${member.id}/tokens/${memberToken.id}`, { method: "DELETE", headers: auth }), 403);
    }
    expectApiError(await createToken(owner.user_id, { name: "by admin" }, admin.headers), 403);
    expectApiError(await call(instance, `/api/users/${owner.user_id}/tokens`, { headers: admin.headers }), 403);
    expect((await call(instance, `/api/users/${member.id}/tokens/${memberToken.id}`, { headers: member.headers })).status).toBe(200);
  });

  test("admins manage service users' tokens; auditors only see them; users don't see them (404)", async () => {
    const byAdmin = await createToken(robot.id, { name: "by admin" }, admin.headers);
    expect(byAdmin.status, byAdmin.text).toBe(200);
    expect(byAdmin.body.personal_access_token.created_by).toBe(admin.id);

    const seen = await call<ApiToken[]>(instance, `/api/users/${robot.id}/tokens`, { headers: auditor.headers });
    expect(seen.status, seen.text).toBe(200);
    expect(seen.body.map((t) => t.name)).toContain("by admin");
    expectApiError(await createToken(robot.id, { name: "by auditor" }, auditor.headers), 403);
    expectApiError(
      await call(instance, `/api/users/${robot.id}/tokens/${byAdmin.body.personal_access_token.id}`, { method: "DELETE", headers: auditor.headers }),
      403,
    );

    expectApiError(await call(instance, `/api/users/${robot.id}/tokens`, { headers: member.headers }), 404);
    expectApiError(await createToken(robot.id, { name: "by member" }, member.headers), 404);
    expectApiError(await call(instance, `/api/users/${admin.id}/tokens`, { headers: member.headers }), 404);

    const del = await call(instance, `/api/users/${robot.id}/tokens/${byAdmin.body.personal_access_token.id}`, {
      method: "DELETE",
      headers: admin.headers,
    });
    expect(del.status, del.text).toBe(200);
    expect(del.body).toEqual({});
  });

  test("a person's user-role token reads what they may read and writes nothing, not even their own settings", async () => {
    const mine = await tokenFor(member.id, member.headers, member.password);
    const auth = bearer(mine.plain_token);
    const users = await call<ApiUser[]>(instance, "/api/users", { headers: auth });
    expect(users.status).toBe(200);
    expect(users.body.map((u) => u.id)).toEqual([member.id]);
    expect((await call(instance, `/api/users/${member.id}/tokens`, { headers: auth })).status).toBe(200);

    const before = snapshot(database);
    const refusals = [
      call(instance, `/api/users/${member.id}/password`, { method: "PUT", headers: auth, json: { old_password: "a fresh user passphrase 42", new_password: "stolen token passphrase" } }),
      createToken(member.id, { name: "persistence" }, auth),
      call(instance, `/api/users/${member.id}/tokens/${mine.personal_access_token.id}`, { method: "DELETE", headers: auth }),
      call(instance, `/api/users/${member.id}/sessions`, { method: "DELETE", headers: auth }),
    ];
    for (const res of await Promise.all(refusals)) expect(expectApiError(res, 403).message).toMatch(/read-only/i);
    const after = snapshot(database);
    expect(after.tokens.length).toBe(before.tokens.length);
    expect(after.events).toBe(before.events);
    expect(after.sessions).toBe(before.sessions);
  });
});

/** Every write route of the API (method and path pattern), read from app/api so a new route can't be missed. */
function writeRoutes(): string[] {
  const root = path.resolve(__dirname, "..", "..", "app", "api");
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const route = "/api/" + path.relative(root, dir).split(path.sep).join("/");
        for (const m of fs.readFileSync(full, "utf8").matchAll(/export const (POST|PUT|PATCH|DELETE)\b/g)) found.push(`${m[1]} ${route}`);
      }
    }
  };
  walk(root);
  return found.sort();
}

/** Routes that take no access token at all, so a read-only token has nothing to be refused there. */
const NOT_TOKEN_ROUTES = [
  "POST /api/instance/setup",
  "POST /api/auth/[...nextauth]",
  "POST /api/invites/[token]/accept",
  "POST /api/users/invites/[id]/accept",
  // Public: a link's token, not an access token, is the credential.
  "POST /api/email-change/confirm",
  "POST /api/password-reset",
  "POST /api/password-reset/confirm",
];

test("a user-role service user's token is refused (403) on every write route, and nothing changes", async () => {
  const readOnly = await createServiceUser("Read Only", "user");
  const token = await tokenFor(readOnly.id);
  const auth = bearer(token.plain_token);
  const other = await createServiceUser("Other Robot", "user");
  const otherToken = (await tokenFor(other.id)).personal_access_token;
  const group = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: ownerAuth, json: { name: "Ops" } });
  expect(group.status, group.text).toBe(200);
  const invite = await call<{ id: string }>(instance, "/api/users/invites", {
    method: "POST",
    headers: ownerAuth,
    json: { email: "invited@example.com", name: "Invited", role: "user" },
  });
  expect(invite.status, invite.text).toBe(200);
  const providerBody = { type: "oidc", name: "Corp SSO", issuer: "http://127.0.0.1:9/", client_id: "latchkey", client_secret: "s3cret" };
  const provider = await call<{ id: string }>(instance, "/api/identity-providers", { method: "POST", headers: ownerAuth, json: providerBody });
  expect(provider.status, provider.text).toBe(200);
  const application = await call<{ id: string }>(instance, "/api/applications", {
    method: "POST",
    headers: ownerAuth,
    json: { name: "Grafana", type: "web", redirect_uris: ["https://grafana.example.com/login/generic_oauth"] },
  });
  expect(application.status, application.text).toBe(201);
  const ldapBody = { url: "ldap://127.0.0.1:9", allow_unencrypted: true, allow_internal_addresses: true, bind_dn: "cn=admin,dc=example,dc=org", bind_password: "x", search_base: "dc=example,dc=org" };

  // It reads what its owner may read: itself.
  const users = await call<ApiUser[]>(instance, "/api/users", { headers: auth });
  expect(users.status, users.text).toBe(200);
  expect(users.body.map((u) => u.id)).toEqual([readOnly.id]);

  const attempts: Record<string, Array<{ path: string; json?: unknown }>> = {
    "POST /api/users": [
      { path: "/api/users", json: { is_service_user: true, name: "Sneaky", role: "admin" } },
      { path: "/api/users", json: { email: "sneaky@example.com", name: "Sneaky", role: "user" } },
    ],
    "PUT /api/users/[id]": [
      { path: `/api/users/${readOnly.id}`, json: { name: "Read Only", role: "admin", auto_groups: [], is_blocked: false } },
      { path: `/api/users/${other.id}`, json: { name: "Other Robot", role: "user", auto_groups: [], is_blocked: true } },
    ],
    "DELETE /api/users/[id]": [{ path: `/api/users/${other.id}` }, { path: `/api/users/${readOnly.id}` }],
    "PUT /api/users/[id]/password": [{ path: `/api/users/${readOnly.id}/password`, json: { old_password: "x", new_password: "a new long passphrase" } }],
    "POST /api/users/[id]/password-reset": [{ path: `/api/users/${owner.user_id}/password-reset`, json: {} }],
    "POST /api/users/[id]/approve": [{ path: `/api/users/${other.id}/approve` }],
    "DELETE /api/users/[id]/reject": [{ path: `/api/users/${other.id}/reject` }],
    "POST /api/users/[id]/invite": [{ path: `/api/users/${invite.body.id}/invite` }],
    "POST /api/users/[id]/unlock": [{ path: `/api/users/${owner.user_id}/unlock` }, { path: `/api/users/${readOnly.id}/unlock` }],
    "DELETE /api/users/[id]/sessions": [{ path: `/api/users/${readOnly.id}/sessions` }, { path: `/api/users/${owner.user_id}/sessions` }],
    "POST /api/users/[id]/tokens": [
      { path: `/api/users/${readOnly.id}/tokens`, json: { name: "more" } },
      { path: `/api/users/${other.id}/tokens`, json: { name: "more" } },
    ],
    "DELETE /api/users/[id]/tokens/[tokenId]": [
      { path: `/api/users/${readOnly.id}/tokens/${token.personal_access_token.id}` },
      { path: `/api/users/${other.id}/tokens/${otherToken.id}` },
    ],
    "POST /api/groups": [{ path: "/api/groups", json: { name: "Sneaky" } }],
    "PUT /api/groups/[id]": [{ path: `/api/groups/${group.body.id}`, json: { name: "Renamed" } }],
    "DELETE /api/groups/[id]": [{ path: `/api/groups/${group.body.id}` }],
    "POST /api/users/invites": [{ path: "/api/users/invites", json: { email: "sneaky@example.com", name: "Sneaky", role: "admin" } }],
    "POST /api/users/invites/[id]/regenerate": [{ path: `/api/users/invites/${invite.body.id}/regenerate`, json: {} }],
    "DELETE /api/users/invites/[id]": [{ path: `/api/users/invites/${invite.body.id}` }],
    "POST /api/identity-providers": [{ path: "/api/identity-providers", json: { ...providerBody, name: "Sneaky SSO" } }],
    "PUT /api/identity-providers/[id]": [{ path: `/api/identity-providers/${provider.body.id}`, json: { ...providerBody, enabled: false } }],
    "DELETE /api/identity-providers/[id]": [{ path: `/api/identity-providers/${provider.body.id}` }],
    "POST /api/identity-providers/[id]/test": [{ path: `/api/identity-providers/${provider.body.id}/test`, json: {} }],
    "PUT /api/settings/sign-in": [{ path: "/api/settings/sign-in", json: { local_login_enabled: false } }],
    "PUT /api/settings/ldap": [{ path: "/api/settings/ldap", json: ldapBody }],
    "POST /api/settings/ldap/test": [{ path: "/api/settings/ldap/test", json: ldapBody }],
    "PUT /api/settings/trusted-header": [{ path: "/api/settings/trusted-header", json: { enabled: false } }],
    "POST /api/settings/trusted-header/test": [{ path: "/api/settings/trusted-header/test" }],
    "PUT /api/settings/security": [{ path: "/api/settings/security", json: { require_for: "everyone", group_ids: [], grace_days: 0 } }],
    "PUT /api/settings/email": [{ path: "/api/settings/email", json: { host: "mail.example.com" } }],
    "PUT /api/settings/appearance": [{ path: "/api/settings/appearance", json: { name: "Sneaky" } }],
    "PUT /api/settings/appearance/logo": [{ path: "/api/settings/appearance/logo", json: { not: "a picture" } }],
    "DELETE /api/settings/appearance/logo": [{ path: "/api/settings/appearance/logo" }],
    "POST /api/settings/email/test": [{ path: "/api/settings/email/test", json: { to: "sneaky@example.com" } }],
    "POST /api/settings/email/deliveries/[id]/retry": [{ path: `/api/settings/email/deliveries/${crypto.randomUUID()}/retry` }],
    "DELETE /api/settings/retired-usernames/[id]": [{ path: `/api/settings/retired-usernames/${crypto.randomUUID()}` }],
    "POST /api/users/bulk": [{ path: "/api/users/bulk", json: { action: "block", user_ids: [other.id] } }],
    "POST /api/users/current/email": [{ path: "/api/users/current/email", json: { email: "sneaky@example.com" } }],
    "POST /api/users/current/email/confirmation": [{ path: "/api/users/current/email/confirmation" }],
    "PUT /api/users/current": [{ path: "/api/users/current", json: { username: "sneaky" } }],
    "POST /api/users/[id]/password-reset-link": [{ path: `/api/users/${owner.user_id}/password-reset-link` }],
    "DELETE /api/users/[id]/mfa": [{ path: `/api/users/${other.id}/mfa` }],
    "DELETE /api/users/[id]/sessions/[sessionId]": [{ path: `/api/users/${readOnly.id}/sessions/${crypto.randomUUID()}` }],
    "PUT /api/users/[id]/roles": [{ path: `/api/users/${readOnly.id}/roles`, json: { role_ids: [] } }],
    "POST /api/users/invites/[id]/resend": [{ path: `/api/users/invites/${invite.body.id}/resend`, json: {} }],
    "POST /api/invites/bulk": [
      { path: "/api/invites/bulk", json: { action: "delete", invite_ids: [invite.body.id] } },
      { path: "/api/invites/bulk", json: { action: "regenerate", invite_ids: [invite.body.id] } },
    ],
    "POST /api/groups/[id]/members": [{ path: `/api/groups/${group.body.id}/members`, json: { user_id: readOnly.id } }],
    "DELETE /api/groups/[id]/members/[userId]": [{ path: `/api/groups/${group.body.id}/members/${readOnly.id}` }],
    "PUT /api/groups/[id]/roles": [{ path: `/api/groups/${group.body.id}/roles`, json: { role_ids: [] } }],
    "POST /api/roles": [{ path: "/api/roles", json: { name: "Sneaky", description: "", permissions: ["users:read"] } }],
    "PUT /api/roles/[id]": [{ path: `/api/roles/${crypto.randomUUID()}`, json: { name: "Sneaky", description: "", permissions: [] } }],
    "DELETE /api/roles/[id]": [{ path: `/api/roles/${crypto.randomUUID()}` }],
    "POST /api/applications": [{ path: "/api/applications", json: { name: "Sneaky", type: "spa", redirect_uris: ["https://sneaky.example.com/cb"] } }],
    "PUT /api/applications/[id]": [{ path: `/api/applications/${application.body.id}`, json: { redirect_uris: ["https://sneaky.example.com/cb"] } }],
    "DELETE /api/applications/[id]": [{ path: `/api/applications/${application.body.id}` }],
    "POST /api/applications/[id]/rotate-secret": [{ path: `/api/applications/${application.body.id}/rotate-secret` }],
  };
  expect(Object.keys(attempts).sort(), "a write route has no read-only token check here").toEqual(
    writeRoutes().filter((r) => !NOT_TOKEN_ROUTES.includes(r)),
  );

  const before = snapshot(database);
  for (const [route, calls] of Object.entries(attempts)) {
    const method = route.split(" ")[0];
    for (const { path: p, json } of calls) {
      const res = await call(instance, p, { method, headers: auth, json });
      // Refused as a write (403), or as not visible to this user at all (404): never done.
      expect([403, 404], `${method} ${p}: ${res.text}`).toContain(res.status);
      expectApiError(res, res.status);
    }
  }
  // The token's own routes and its own user's are 403 (it can see them), not 404.
  for (const route of ["PUT /api/users/[id]", "DELETE /api/users/[id]", "POST /api/users", "POST /api/users/[id]/tokens", "POST /api/users/invites"]) {
    const { path: p, json } = attempts[route][0];
    expectApiError(await call(instance, p, { method: route.split(" ")[0], headers: auth, json }), 403);
  }
  const after = snapshot(database);
  expect(after.users).toEqual(before.users);
  expect(after.tokens.map((t) => t.id)).toEqual(before.tokens.map((t) => t.id));
  expect(after.events).toBe(before.events);
  expect(after.sessions).toBe(before.sessions);
  expect(after.invites).toEqual(before.invites);
  const groups = await call<Array<{ name: string }>>(instance, "/api/groups", { headers: ownerAuth });
  expect(groups.body.map((g) => g.name)).toEqual(["Ops"]);
});

test("a token acts with its owner's role and status at each request", async () => {
  const robot = await createServiceUser("Shapeshifter", "admin");
  const { plain_token } = await tokenFor(robot.id);
  const auth = bearer(plain_token);
  const update = (json: Record<string, unknown>) =>
    call(instance, `/api/users/${robot.id}`, { method: "PUT", headers: ownerAuth, json: { name: "Shapeshifter", auto_groups: [], ...json } });

  expect((await createToken(robot.id, { name: "as admin" }, auth)).status).toBe(200);
  expect((await update({ role: "user", is_blocked: false })).status).toBe(200);
  expectApiError(await createToken(robot.id, { name: "as user" }, auth), 403);
  expect((await call(instance, "/api/users", { headers: auth })).status).toBe(200);

  expect((await update({ role: "user", is_blocked: true })).status).toBe(200);
  expectApiError(await call(instance, "/api/users", { headers: auth }), 401);
  expect((await update({ role: "admin", is_blocked: false })).status).toBe(200);
  expect((await call(instance, "/api/users", { headers: auth })).status).toBe(200);
  expect((await createToken(robot.id, { name: "admin again" }, auth)).status).toBe(200);
});

test("deleting the token makes the next call 401; deleting the service user takes its tokens with it", async () => {
  const robot = await createServiceUser("Short Lived", "admin");
  const first = await tokenFor(robot.id);
  const second = await tokenFor(robot.id);
  expect((await call(instance, "/api/users", { headers: bearer(first.plain_token) })).status).toBe(200);

  const del = await call(instance, `/api/users/${robot.id}/tokens/${first.personal_access_token.id}`, { method: "DELETE", headers: ownerAuth });
  expect(del.status, del.text).toBe(200);
  expectApiError(await call(instance, "/api/users", { headers: bearer(first.plain_token) }), 401);
  expectApiError(await call(instance, `/api/users/${robot.id}/tokens/${first.personal_access_token.id}`, { headers: ownerAuth }), 404);
  expect((await call(instance, "/api/users", { headers: bearer(second.plain_token) })).status).toBe(200);

  expect((await call(instance, `/api/users/${robot.id}`, { method: "DELETE", headers: ownerAuth })).status).toBe(200);
  expectApiError(await call(instance, "/api/users", { headers: bearer(second.plain_token) }), 401);
  const rows = database.prepare("SELECT count(*) AS n FROM access_tokens WHERE user_id = ?").get(robot.id) as { n: number };
  expect(rows.n).toBe(0);
});

test("an admin token can delete itself, and is refused from then on", async () => {
  const robot = await createServiceUser("Self Destruct", "admin");
  const { plain_token, personal_access_token } = await tokenFor(robot.id);
  const path = `/api/users/${robot.id}/tokens/${personal_access_token.id}`;
  expect((await call(instance, path, { method: "DELETE", headers: bearer(plain_token) })).status).toBe(200);
  expectApiError(await call(instance, path, { headers: bearer(plain_token) }), 401);
});

test("an expired token is refused (401) and stays listed until deleted", async () => {
  const robot = await createServiceUser("Expiring", "user");
  const { plain_token, personal_access_token } = await tokenFor(robot.id);
  const setExpiry = (at: number) => database.prepare("UPDATE access_tokens SET expires_at = ? WHERE id = ?").run(at, personal_access_token.id);

  setExpiry(Date.now() + 60_000);
  expect((await call(instance, "/api/users", { headers: bearer(plain_token) })).status).toBe(200);
  setExpiry(Date.now() - 1);
  const lastUsed = (database.prepare("SELECT last_used_at FROM access_tokens WHERE id = ?").get(personal_access_token.id) as { last_used_at: number }).last_used_at;
  const res = await call(instance, "/api/users", { headers: bearer(plain_token) });
  expect(expectApiError(res, 401).message).toMatch(/expired/i);
  const row = database.prepare("SELECT last_used_at FROM access_tokens WHERE id = ?").get(personal_access_token.id) as { last_used_at: number };
  expect(row.last_used_at).toBe(lastUsed);

  const listed = await call<ApiToken>(instance, `/api/users/${robot.id}/tokens/${personal_access_token.id}`, { headers: ownerAuth });
  expect(listed.status).toBe(200);
  expect(Date.parse(listed.body.expiration_date)).toBeLessThan(Date.now());
});

test("malformed and unknown tokens get 401 and write nothing to the database", async () => {
  const robot = await createServiceUser("Never Used", "admin");
  const { plain_token, personal_access_token } = await tokenFor(robot.id);
  const headers: string[] = [
    "Bearer garbage",
    `Bearer ${withBrokenChecksum(plain_token)}`,
    `Bearer ${withBrokenChecksum(plain_token, 12)}`,
    `Bearer lki_${plain_token.slice(4)}`,
    `Bearer ${plain_token.toLowerCase()}`,
    `Bearer ${plain_token}x`,
    `Bearer ${wellFormedUnknownToken()}`,
    `Token ${plain_token.slice(0, -1)}`,
    `Bearer ${plain_token} ${plain_token}`,
    `Basic ${plain_token}`,
    `Bearer ${"A".repeat(8000)}`,
  ];
  const before = snapshot(database);
  const routes: Array<[string, string, unknown?]> = [
    ["GET", "/api/users"],
    ["GET", `/api/users/${robot.id}/tokens`],
    ["POST", `/api/users/${robot.id}/tokens`, { name: "should not exist" }],
    ["POST", "/api/users", { is_service_user: true, name: "should not exist", role: "admin" }],
    ["DELETE", `/api/users/${robot.id}`],
  ];
  for (const authorization of headers) {
    for (const [method, p, json] of routes) {
      const res = await call(instance, p, { method, headers: { authorization }, json });
      expectApiError(res, 401);
    }
  }
  expect(snapshot(database)).toEqual(before);
  // The real token was never used, so none of its near-misses recorded a use of it either.
  const row = database.prepare("SELECT last_used_at FROM access_tokens WHERE id = ?").get(personal_access_token.id) as { last_used_at: number | null };
  expect(row.last_used_at).toBeNull();
});

test("token creation and deletion are activity events, and no token appears in events or logs", async () => {
  const robot = await createServiceUser("Audited", "user");
  const { personal_access_token } = await tokenFor(robot.id);
  await call(instance, `/api/users/${robot.id}/tokens/${personal_access_token.id}`, { method: "DELETE", headers: ownerAuth });
  const events = database
    .prepare("SELECT action, actor_id, target_type, target_id, details FROM activity_events WHERE target_id = ? ORDER BY seq")
    .all(personal_access_token.id) as Array<{ action: string; actor_id: string; target_type: string; details: string }>;
  expect(events.map((e) => e.action)).toEqual(["token.created", "token.deleted"]);
  for (const e of events) {
    expect(e.target_type).toBe("token");
    expect(JSON.parse(e.details)).toMatchObject({ user_id: robot.id, service_user: true });
  }
  // The owner's setup token made every change above: its id is the actor.
  const ownerTokenId = (database.prepare("SELECT id FROM access_tokens WHERE user_id = ? AND name = 'setup'").get(owner.user_id) as { id: string }).id;
  expect(events[0].actor_id).toBe(ownerTokenId);

  expect(plainTokens.length).toBeGreaterThan(10);
  const allEvents = JSON.stringify(database.prepare("SELECT * FROM activity_events").all());
  const digests = (database.prepare("SELECT token_digest FROM access_tokens").all() as Array<{ token_digest: string }>).map((r) => r.token_digest);
  const logs = instance.logs();
  for (const plain of plainTokens) {
    const secret = plain.slice(4, 34);
    expect(allEvents).not.toContain(secret);
    expect(logs).not.toContain(secret);
  }
  for (const digest of digests) expect(allEvents).not.toContain(digest);
  expect(allEvents).not.toContain("lkp_");
});
