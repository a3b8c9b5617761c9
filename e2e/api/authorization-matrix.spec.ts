/**
 * The authorization matrix, generated from data: for every API route the
 * served OpenAPI document names the permissions it needs (x-permissions, from
 * lib/openapi/routes.ts). For each route a principal holding exactly those is
 * let through, and for each needed permission one lacking only it is refused
 * (403, 404 where existence is hidden, or shown only their own). Principals
 * get their permissions in turn through a custom role, a group that grants a
 * role, a union of two roles, and a scoped token (the owner's, so owner-only
 * powers are covered too). Then a token whose owner loses a permission after
 * it was made.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { bearer, call, type JsonResponse } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { personWithRole, tokenClient, type ApiUser } from "../support/users-api";

// The owner's one token makes every fixture: with the routes growing, a fast run passes the default 600 requests a
// minute per token (e2e/api/token-rate-limit.spec.ts tests that limit; this spec tests permissions).
const instance = useInstance({ TOKEN_RATE_LIMIT_PER_MINUTE: "1000000" });
test.describe.configure({ mode: "serial" });

type Operation = { "x-permissions"?: string[]; "x-denied"?: 403 | 404 | "filtered"; security?: unknown[] };
type Route = { method: string; path: string; permissions: string[]; denied: 403 | 404 | "filtered" };
type Mechanism = "role" | "group" | "union" | "scoped";

const OWNER_ONLY = new Set(["settings:sign_in", "settings:security", "settings:email", "settings:appearance", "users:transfer_ownership", "applications:create", "applications:update"]);

let owner: Awaited<ReturnType<typeof setUpOwner>>;
let ownerAuth: Record<string, string>;
const unique = () => crypto.randomUUID().slice(0, 8);

async function ok<T>(res: Promise<JsonResponse<T>>, what: string): Promise<T> {
  const r = await res;
  expect(r.status, `${what}: ${r.text}`).toBe(200);
  return r.body;
}
const as = (auth: Record<string, string>) => ({
  get: <T>(path: string) => call<T>(instance, path, { headers: auth }),
  send: <T>(method: string, path: string, json?: unknown) => call<T>(instance, path, { method, headers: auth, json }),
});
const ownerApi = () => as(ownerAuth);

async function createRole(permissions: string[]): Promise<string> {
  return (await ok(ownerApi().send<{ id: string }>("POST", "/api/roles", { name: `r-${unique()}`, description: "", permissions }), "create role")).id;
}
async function serviceUser(role = "user", autoGroups: string[] = []): Promise<string> {
  return (await ok(ownerApi().send<{ id: string }>("POST", "/api/users", { is_service_user: true, name: `bot-${unique()}`, role, auto_groups: autoGroups }), "service user")).id;
}
async function tokenFor(userId: string, permissions?: string[]): Promise<Record<string, string>> {
  const body = await ok(ownerApi().send<{ plain_token: string }>("POST", `/api/users/${userId}/tokens`, { name: `t-${unique()}`, ...(permissions ? { permissions } : {}) }), "token");
  return bearer(body.plain_token);
}

/** A caller holding exactly `permissions`, through the given mechanism. */
async function principal(permissions: string[], mechanism: Mechanism): Promise<Record<string, string>> {
  if (mechanism === "scoped" || permissions.some((p) => OWNER_ONLY.has(p))) return tokenFor(owner.user_id, permissions);
  if (mechanism === "group") {
    const group = (await ok(ownerApi().send<{ id: string }>("POST", "/api/groups", { name: `g-${unique()}` }), "group")).id;
    await ok(ownerApi().send("PUT", `/api/groups/${group}/roles`, { role_ids: [await createRole(permissions)] }), "group roles");
    return tokenFor(await serviceUser("user", [group]));
  }
  const roleIds =
    mechanism === "union"
      ? [await createRole(permissions.slice(0, Math.ceil(permissions.length / 2))), await createRole(permissions.slice(Math.ceil(permissions.length / 2)))]
      : [await createRole(permissions)];
  const user = await serviceUser();
  await ok(ownerApi().send("PUT", `/api/users/${user}/roles`, { role_ids: roleIds }), "user roles");
  return tokenFor(user);
}

/** Fresh things for a route to act on, made by the owner. */
const fixtures = {
  person: async () => (await ok(ownerApi().send<{ id: string }>("POST", "/api/users", { email: `p-${unique()}@example.com`, name: "Pat Person", role: "user" }), "person")).id,
  invite: async () =>
    (await ok(ownerApi().send<{ id: string }>("POST", "/api/users/invites", { email: `i-${unique()}@example.com`, name: "Ivy Invitee", role: "user" }), "invite")).id,
  group: async () => (await ok(ownerApi().send<{ id: string }>("POST", "/api/groups", { name: `fx-${unique()}` }), "group")).id,
  role: async () => createRole([]),
  application: async () =>
    (await call<{ id: string }>(instance, "/api/applications", { method: "POST", headers: ownerAuth, json: { name: `app-${unique()}`, type: "web", redirect_uris: ["https://app.example.com/cb"] } })).body.id,
  botToken: async () => {
    const bot = await serviceUser();
    const made = await ok(ownerApi().send<{ personal_access_token: { id: string } }>("POST", `/api/users/${bot}/tokens`, { name: `fx-${unique()}` }), "bot token");
    return { bot, token: made.personal_access_token.id };
  },
};

const providerBody = { type: "oidc", name: "Corp SSO", issuer: "https://idp.example.com", client_id: "latchkey", client_secret: "corp-sso-secret" };
const ldapBody = { url: "ldap://ldap.example.com:389", allow_unencrypted: true, bind_dn: "cn=latchkey,dc=example,dc=com", bind_password: "stored bind password", search_base: "ou=people,dc=example,dc=com" };
const absent = () => crypto.randomUUID();

/** The request each route gets: a path with real ids, a valid body, and (for lists) what a filtered caller must not see. */
const requests: Record<string, () => Promise<{ path: string; json?: unknown; hidden?: string }>> = {
  "GET /api/instance/version": async () => ({ path: "/api/instance/version" }),
  "GET /api/permissions": async () => ({ path: "/api/permissions" }),
  "GET /api/users/current": async () => ({ path: "/api/users/current" }),
  "PUT /api/users/current": async () => ({ path: "/api/users/current", json: { username: `u-${unique()}` } }),
  "GET /api/users": async () => {
    const id = await fixtures.person();
    return { path: "/api/users", hidden: id };
  },
  "POST /api/users": async () => ({ path: "/api/users", json: { email: `n-${unique()}@example.com`, name: "Nora New", role: "user" } }),
  "GET /api/users/{id}": async () => ({ path: `/api/users/${await fixtures.person()}` }),
  "PUT /api/users/{id}": async () => ({ path: `/api/users/${await fixtures.person()}`, json: { name: "Renamed", role: "user", auto_groups: [], is_blocked: false } }),
  "DELETE /api/users/{id}": async () => ({ path: `/api/users/${await fixtures.person()}` }),
  "PUT /api/users/{id}/password": async () => ({ path: `/api/users/${owner.user_id}/password`, json: { old_password: "x", new_password: "y" } }),
  "POST /api/users/{id}/password-reset": async () => ({ path: `/api/users/${await fixtures.person()}/password-reset`, json: {} }),
  "POST /api/users/{id}/unlock": async () => ({ path: `/api/users/${await fixtures.person()}/unlock` }),
  "POST /api/users/{id}/approve": async () => ({ path: `/api/users/${await fixtures.person()}/approve` }),
  "DELETE /api/users/{id}/reject": async () => ({ path: `/api/users/${await fixtures.person()}/reject` }),
  "POST /api/users/{id}/invite": async () => ({ path: `/api/users/${await fixtures.invite()}/invite` }),
  "POST /api/users/current/email": async () => ({ path: "/api/users/current/email", json: { email: `c-${unique()}@example.com` } }),
  "POST /api/users/current/email/confirmation": async () => ({ path: "/api/users/current/email/confirmation" }),
  "POST /api/users/{id}/password-reset-link": async () => ({ path: `/api/users/${await fixtures.person()}/password-reset-link` }),
  "POST /api/users/invites/{id}/resend": async () => ({ path: `/api/users/invites/${await fixtures.invite()}/resend`, json: {} }),
  "GET /api/settings/email": async () => ({ path: "/api/settings/email" }),
  "PUT /api/settings/email": async () => ({ path: "/api/settings/email", json: {} }),
  "POST /api/settings/email/test": async () => ({ path: "/api/settings/email/test", json: { to: "test@example.com" } }),
  "GET /api/settings/email/deliveries": async () => ({ path: "/api/settings/email/deliveries" }),
  "POST /api/settings/email/deliveries/{id}/retry": async () => ({ path: `/api/settings/email/deliveries/${absent()}/retry` }),
  "GET /api/settings/retired-usernames": async () => ({ path: "/api/settings/retired-usernames" }),
  "DELETE /api/settings/retired-usernames/{id}": async () => ({ path: `/api/settings/retired-usernames/${absent()}` }),
  "GET /api/users/export": async () => ({ path: "/api/users/export" }),
  "POST /api/users/bulk": async () => ({ path: "/api/users/bulk", json: { action: "block", user_ids: [await fixtures.person()] } }),
  "DELETE /api/users/{id}/mfa": async () => ({ path: `/api/users/${await fixtures.person()}/mfa` }),
  "DELETE /api/users/{id}/sessions/{sessionId}": async () => ({ path: `/api/users/${await fixtures.person()}/sessions/${absent()}` }),
  "POST /api/groups/{id}/members": async () => ({ path: `/api/groups/${await fixtures.group()}/members`, json: { user_id: await fixtures.person() } }),
  "DELETE /api/groups/{id}/members/{userId}": async () => ({ path: `/api/groups/${await fixtures.group()}/members/${await fixtures.person()}` }),
  "GET /api/settings/security": async () => ({ path: "/api/settings/security" }),
  "GET /api/settings/appearance": async () => ({ path: "/api/settings/appearance" }),
  "PUT /api/settings/appearance": async () => ({ path: "/api/settings/appearance", json: { name: `Team ${unique()}` } }),
  // Past the check a JSON body is no picture (422); refused, 403 before the body is read.
  "PUT /api/settings/appearance/logo": async () => ({ path: "/api/settings/appearance/logo", json: { not: "a picture" } }),
  "DELETE /api/settings/appearance/logo": async () => ({ path: "/api/settings/appearance/logo" }),
  "PUT /api/settings/security": async () => ({ path: "/api/settings/security", json: { require_for: "nobody", group_ids: [], grace_days: 0 } }),
  "GET /api/users/{id}/sessions": async () => ({ path: `/api/users/${await fixtures.person()}/sessions` }),
  "DELETE /api/users/{id}/sessions": async () => ({ path: `/api/users/${await fixtures.person()}/sessions` }),
  "GET /api/users/{id}/service-tokens": async () => ({ path: `/api/users/${owner.user_id}/service-tokens` }),
  "GET /api/users/{id}/tokens": async () => ({ path: `/api/users/${(await fixtures.botToken()).bot}/tokens` }),
  "POST /api/users/{id}/tokens": async () => ({ path: `/api/users/${(await fixtures.botToken()).bot}/tokens`, json: { name: `n-${unique()}` } }),
  "GET /api/users/{id}/tokens/{tokenId}": async () => {
    const { bot, token } = await fixtures.botToken();
    return { path: `/api/users/${bot}/tokens/${token}` };
  },
  "DELETE /api/users/{id}/tokens/{tokenId}": async () => {
    const { bot, token } = await fixtures.botToken();
    return { path: `/api/users/${bot}/tokens/${token}` };
  },
  "GET /api/users/invites": async () => ({ path: "/api/users/invites" }),
  "POST /api/users/invites": async () => ({ path: "/api/users/invites", json: { email: `v-${unique()}@example.com`, name: "Vic Invitee", role: "user" } }),
  "DELETE /api/users/invites/{id}": async () => ({ path: `/api/users/invites/${await fixtures.invite()}` }),
  "POST /api/users/invites/{id}/regenerate": async () => ({ path: `/api/users/invites/${await fixtures.invite()}/regenerate`, json: {} }),
  "POST /api/invites/bulk": async () => ({ path: "/api/invites/bulk", json: { action: "delete", invite_ids: [await fixtures.invite()] } }),
  "GET /api/groups": async () => {
    const id = await fixtures.group();
    return { path: "/api/groups", hidden: id };
  },
  "POST /api/groups": async () => ({ path: "/api/groups", json: { name: `n-${unique()}` } }),
  "GET /api/groups/{id}": async () => ({ path: `/api/groups/${await fixtures.group()}` }),
  "PUT /api/groups/{id}": async () => ({ path: `/api/groups/${await fixtures.group()}`, json: { name: `r-${unique()}` } }),
  "DELETE /api/groups/{id}": async () => ({ path: `/api/groups/${await fixtures.group()}` }),
  "GET /api/groups/{id}/roles": async () => ({ path: `/api/groups/${await fixtures.group()}/roles` }),
  "PUT /api/groups/{id}/roles": async () => ({ path: `/api/groups/${await fixtures.group()}/roles`, json: { role_ids: [await fixtures.role()] } }),
  "GET /api/events": async () => ({ path: "/api/events" }),
  "GET /api/events/audit": async () => ({ path: "/api/events/audit" }),
  "GET /api/events/export": async () => ({ path: "/api/events/export" }),
  "GET /api/events/integrity": async () => ({ path: "/api/events/integrity" }),
  "GET /api/identity-providers": async () => ({ path: "/api/identity-providers" }),
  "POST /api/identity-providers": async () => ({ path: "/api/identity-providers", json: { ...providerBody, name: `SSO ${unique()}` } }),
  "GET /api/identity-providers/{id}": async () => ({ path: `/api/identity-providers/${absent()}` }),
  "PUT /api/identity-providers/{id}": async () => ({ path: `/api/identity-providers/${absent()}`, json: providerBody }),
  "DELETE /api/identity-providers/{id}": async () => ({ path: `/api/identity-providers/${absent()}` }),
  "POST /api/identity-providers/{id}/test": async () => ({ path: `/api/identity-providers/${absent()}/test`, json: {} }),
  "GET /api/settings/ldap": async () => ({ path: "/api/settings/ldap" }),
  "PUT /api/settings/ldap": async () => ({ path: "/api/settings/ldap", json: ldapBody }),
  "POST /api/settings/ldap/test": async () => ({ path: "/api/settings/ldap/test", json: { ...ldapBody, url: "ldap://127.0.0.1:9" } }),
  "GET /api/settings/sign-in": async () => ({ path: "/api/settings/sign-in" }),
  "PUT /api/settings/sign-in": async () => ({ path: "/api/settings/sign-in", json: { local_login_enabled: true } }),
  "GET /api/settings/trusted-header": async () => ({ path: "/api/settings/trusted-header" }),
  "PUT /api/settings/trusted-header": async () => ({ path: "/api/settings/trusted-header", json: { enabled: false } }),
  "POST /api/settings/trusted-header/test": async () => ({ path: "/api/settings/trusted-header/test" }),
  "GET /api/roles": async () => ({ path: "/api/roles" }),
  "POST /api/roles": async () => ({ path: "/api/roles", json: { name: `n-${unique()}`, description: "", permissions: [] } }),
  "GET /api/roles/{id}": async () => ({ path: `/api/roles/${await fixtures.role()}` }),
  "PUT /api/roles/{id}": async () => ({ path: `/api/roles/${await fixtures.role()}`, json: { name: `u-${unique()}`, description: "", permissions: [] } }),
  "DELETE /api/roles/{id}": async () => ({ path: `/api/roles/${await fixtures.role()}` }),
  "GET /api/applications": async () => ({ path: "/api/applications" }),
  "POST /api/applications": async () => ({ path: "/api/applications", json: { name: `n-${unique()}`, type: "web", redirect_uris: ["https://app.example.com/cb"] } }),
  "GET /api/applications/{id}": async () => ({ path: `/api/applications/${await fixtures.application()}` }),
  "PUT /api/applications/{id}": async () => ({ path: `/api/applications/${await fixtures.application()}`, json: { name: `u-${unique()}` } }),
  "DELETE /api/applications/{id}": async () => ({ path: `/api/applications/${await fixtures.application()}` }),
  "POST /api/applications/{id}/rotate-secret": async () => ({ path: `/api/applications/${await fixtures.application()}/rotate-secret` }),
  "GET /api/users/{id}/roles": async () => ({ path: `/api/users/${await fixtures.person()}/roles` }),
  "PUT /api/users/{id}/roles": async () => ({ path: `/api/users/${await fixtures.person()}/roles`, json: { role_ids: [await fixtures.role()] } }),
};

/** Let through: anything but a refusal (a 404 for an id that doesn't exist, a 412 for a state, a 502 for an unreachable directory are past the check). */
function expectAllowed(res: JsonResponse, what: string, denied: Route["denied"]) {
  expect([401, 403], `${what} should be allowed: ${res.status} ${res.text}`).not.toContain(res.status);
  if (denied === 404) expect(res.status, `${what}: ${res.text}`).not.toBe(404);
}

async function expectRefused(res: JsonResponse, what: string, route: Route, missing: string, hidden: string | undefined) {
  if (route.denied === "filtered") {
    expect(res.status, `${what}: ${res.text}`).toBe(200);
    expect((res.body as Array<{ id: string }>).map((x) => x.id), `${what} shows what it may not`).not.toContain(hidden);
    return;
  }
  // Without users:read another person doesn't exist for the caller, nor a service user without service_users:read
  // (lib/users/visibility.ts): 404 wherever one is named (in the path).
  // The service-tokens list names the person who created them; every other {id} a service_users:read route names is a service user.
  const namesAUser = /\/api\/users\/\{id\}(?!\/service-tokens)/.test(route.path);
  const hidesUser = missing === "users:read" || missing === "service_users:read";
  expect(res.status, `${what} should be refused: ${res.text}`).toBe(hidesUser && namesAUser ? 404 : route.denied);
}

let routes: Route[] = [];

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
  ownerAuth = bearer(owner.personal_access_token);
  const doc = (await ok(ownerApi().get<{ paths: Record<string, Record<string, Operation>> }>("/api/openapi.json"), "openapi")) as { paths: Record<string, Record<string, Operation>> };
  routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => op["x-permissions"] !== undefined)
      .map(([method, op]) => ({ method: method.toUpperCase(), path, permissions: op["x-permissions"]!, denied: op["x-denied"] ?? 403 })),
  );
});

test("every route that needs a caller names its permissions, and every one has a request here", () => {
  expect(routes.length).toBeGreaterThan(50);
  const keys = routes.map((r) => `${r.method} ${r.path}`);
  expect(keys.filter((k) => !requests[k])).toEqual([]);
});

test("escalation attempts through the API are refused: owner-only powers in a role, the owner role, a token beyond its owner, joining a group that grants more", async () => {
  const adminId = await serviceUser("admin");
  const admin = as(await tokenFor(adminId));
  const role = await admin.send("POST", "/api/roles", { name: `r-${unique()}`, description: "", permissions: ["users:read", "settings:sign_in"] });
  expect(role.status, role.text).toBe(422);
  const someone = await fixtures.person();
  const ownerRole = await admin.send("PUT", `/api/users/${someone}/roles`, { role_ids: ["owner"] });
  expect(ownerRole.status, ownerRole.text).toBe(403);
  const beyond = await admin.send("POST", `/api/users/${adminId}/tokens`, { name: `t-${unique()}`, permissions: ["users:read", "settings:sign_in"] });
  expect(beyond.status, beyond.text).toBe(403);

  // A people manager (users:read, users:update), signed in, and a group that grants the Admin role.
  const manager = await personWithRole(tokenClient(instance, owner.personal_access_token), "user");
  await ok(ownerApi().send("PUT", `/api/users/${manager.user.id}/roles`, { role_ids: [await createRole(["users:read", "users:update", "groups:read"])] }), "manager role");
  const admins = await fixtures.group();
  await ok(ownerApi().send("PUT", `/api/groups/${admins}/roles`, { role_ids: ["admin"] }), "group grants admin");
  const join = await manager.client.post(`/api/groups/${admins}/members`, { user_id: manager.user.id });
  expect(join.status, join.text).toBe(403);
  const joinOther = await manager.client.post(`/api/groups/${admins}/members`, { user_id: someone });
  expect(joinOther.status, joinOther.text).toBe(403);
  const regroup = await manager.client.put(`/api/users/${manager.user.id}`, { role: "user", auto_groups: [admins], is_blocked: false });
  expect(regroup.status, regroup.text).toBe(403);
  // A group granting nothing beyond the manager's own: allowed.
  const plain = await fixtures.group();
  expect((await manager.client.post(`/api/groups/${plain}/members`, { user_id: someone })).status).toBe(200);
  const self = await ok(manager.client.get<ApiUser>(`/api/users/${manager.user.id}`), "manager");
  expect(self.auto_groups).toEqual([]);
});

test("a caller holding exactly the needed permissions is let through; lacking any one of them, refused", async () => {
  test.setTimeout(600_000);
  const mechanisms: Mechanism[] = ["role", "group", "union", "scoped"];
  for (const [i, route] of routes.entries()) {
    const key = `${route.method} ${route.path}`;
    if (route.permissions.length === 0) {
      // Any signed-in caller: one with no permission at all reads it (writes to oneself are the self-service tests').
      if (route.method !== "GET") continue;
      const nobody = await tokenFor(await serviceUser());
      const req = await requests[key]();
      expectAllowed(await as(nobody).send(route.method, req.path, req.json), `${key} (no permissions)`, route.denied);
      continue;
    }
    const mechanism = mechanisms[i % mechanisms.length];
    const holder = await principal(route.permissions, mechanism);
    const req = await requests[key]();
    expectAllowed(await as(holder).send(route.method, req.path, req.json), `${key} holding ${route.permissions.join(", ")} (${mechanism})`, route.denied);
    for (const missing of route.permissions) {
      const lacking = await principal(
        route.permissions.filter((p) => p !== missing),
        mechanism,
      );
      const again = await requests[key]();
      await expectRefused(await as(lacking).send(route.method, again.path, again.json), `${key} lacking ${missing} (${mechanism})`, route, missing, again.hidden);
    }
  }
});

test("a token whose owner lost a permission after it was made loses it on its next request", async () => {
  const role = await createRole(["events:read"]);
  const bot = await serviceUser();
  await ok(ownerApi().send("PUT", `/api/users/${bot}/roles`, { role_ids: [role] }), "roles");
  const token = await tokenFor(bot, ["events:read"]);
  expect((await as(token).get("/api/events")).status).toBe(200);
  await ok(ownerApi().send("PUT", `/api/roles/${role}`, { name: `r-${unique()}`, description: "", permissions: [] }), "narrow role");
  expect((await as(token).get("/api/events")).status).toBe(403);
});
