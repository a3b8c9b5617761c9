/**
 * A save changes only what the person changed: two people (or two tabs) open
 * the same form, both save, and both changes are kept. Each case loads a
 * form's fields, saves one change through another path (the API, a button,
 * another tab), then saves a different change from the stale form, posted
 * as the browser posts it (components/ui/use-server-form.ts marks the
 * changed fields and what a changed list held when loaded). And the API's PUT
 * of one field leaves the others as they are.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import type { FormState } from "@/lib/forms/form-state";
import { markChanges, snapshotOf } from "@/lib/forms/changed-fields";

const request = vi.hoisted(() => ({ sid: null as string | null }));
vi.mock("@/lib/sign-in/session-cookie", () => ({ sessionIdFromCookie: async () => request.sid }));
vi.mock("@/lib/sign-in/nextauth", () => ({ signIn: async () => undefined, signOut: async () => undefined }));
vi.mock("next/headers", () => ({ headers: async () => new Headers({ "user-agent": "vitest" }), cookies: async () => ({ get: () => undefined }) }));
vi.mock("next-intl/server", () => import("@/test/next-intl-server"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

type Fields = Record<string, string | string[]>;

function formData(fields: Fields): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  return data;
}

/** The post of a form loaded with `loaded` and submitted with `now`, marked as the browser marks it. */
function post(loaded: Fields, now: Fields): FormData {
  const data = formData(now);
  markChanges(data, snapshotOf(formData(loaded)));
  return data;
}

function expectSaved(state: FormState) {
  expect(state.fieldErrors ?? {}, state.message).toEqual({});
  expect(state.status, state.message).toBe("success");
}

let owner: SessionActor;
let accountId: string;
const PASSWORD = "a long and unusual passphrase";

beforeAll(async () => {
  const { completeSetup, setupInputSchema } = await import("@/lib/setup/setup");
  const { startSession } = await import("@/test/factories");
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@stale.example", name: "Olive Owner", password: PASSWORD }), { ip: "203.0.113.7", userAgent: "vitest" });
  accountId = setup.account_id;
  owner = await startSession({ id: setup.user_id, accountId });
  request.sid = owner.sessionId;
});

/** A route handler called with the owner's session cookie (same-origin API call). */
async function put(route: { PUT: (request: Request, context: never) => Promise<Response> }, url: string, body: unknown, params?: Record<string, string>) {
  const res = await route.PUT(
    new Request(`http://localhost${url}`, { method: "PUT", headers: { "content-type": "application/json", origin: "http://localhost" }, body: JSON.stringify(body) }),
    { params: Promise.resolve(params ?? {}) } as never,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("two saves of one settings form keep both changes", () => {
  it("LDAP: a default role saved elsewhere survives a rename from a stale form", async () => {
    const { saveLdapAction } = await import("@/app/(dashboard)/settings/actions");
    const { getLdapSource } = await import("@/lib/idp/ldap/source");
    const loaded: Fields = {
      name: "Directory",
      url: "ldaps://ldap.stale.example",
      bind_dn: "cn=svc,dc=example,dc=com",
      bind_password: "",
      search_base: "ou=people,dc=example,dc=com",
      default_role: "user",
      auto_create: "on",
    };
    expectSaved(await saveLdapAction(undefined as never, formData({ ...loaded, bind_password: "bind secret" })));
    // Tab A: the default role.
    expectSaved(await saveLdapAction(undefined as never, post(loaded, { ...loaded, default_role: "auditor" })));
    // Tab B, loaded before A saved: the name.
    expectSaved(await saveLdapAction(undefined as never, post(loaded, { ...loaded, name: "Corporate directory" })));
    const saved = await getLdapSource(owner);
    expect(saved).toMatchObject({ name: "Corporate directory", defaultRole: "auditor", bindPasswordSet: true });
  });

  it("an identity provider disabled from its header stays disabled after a rename in the form below", async () => {
    const { setProviderEnabledAction, updateProviderAction } = await import("@/app/(dashboard)/settings/actions");
    const { createProvider, getProvider } = await import("@/lib/idp/providers");
    const { providerInputSchema } = await import("@/lib/idp/schemas");
    const input = providerInputSchema.parse({ type: "oidc", name: "Corp SSO", issuer: "https://sso.stale.example", client_id: "latchkey", client_secret: "s3cret", enabled: true });
    const provider = await createProvider(owner, input, { ip: "203.0.113.7", userAgent: "vitest" });
    const loaded: Fields = { type: "oidc", name: "Corp SSO", issuer: "https://sso.stale.example", client_id: "latchkey", client_secret: "", scopes: input.scopes, signup_policy: input.signup_policy, enabled: "on", default_role: "user" };
    expectSaved(await setProviderEnabledAction(provider.id, false, undefined as never));
    expectSaved(await updateProviderAction(provider.id, undefined as never, post(loaded, { ...loaded, name: "Corporate SSO" })));
    expect(await getProvider(owner, provider.id)).toMatchObject({ name: "Corporate SSO", enabled: false });
  });

  it("proxy header: a trusted range removed elsewhere isn't trusted again by a stale save", async () => {
    const { saveTrustedHeaderAction } = await import("@/app/(dashboard)/settings/actions");
    const { getSignInSettings } = await import("@/lib/idp/sign-in-settings");
    const loaded: Fields = { trusted_ranges: "10.0.0.0/8\n192.168.1.10", user_header: "Remote-User", email_header: "Remote-Email", name_header: "Remote-Name", default_role: "user" };
    expectSaved(await saveTrustedHeaderAction(undefined as never, formData(loaded)));
    const narrowed = { ...loaded, trusted_ranges: "192.168.1.10" };
    expectSaved(await saveTrustedHeaderAction(undefined as never, post(loaded, narrowed)));
    expectSaved(await saveTrustedHeaderAction(undefined as never, post(loaded, { ...loaded, name_header: "X-Name" })));
    const settings = await getSignInSettings(owner);
    expect(settings.headerTrustedRanges).toEqual(["192.168.1.10"]);
    expect(settings.headerName).toBe("X-Name");
  });

  it("Security: who must use two-factor isn't put back by a stale change of the grace period", async () => {
    const { saveSecurityPolicyAction } = await import("@/app/(dashboard)/settings/security/actions");
    const { securityPolicy } = await import("@/lib/mfa/policy");
    const loaded: Fields = { require_for: "nobody", grace_days: "7" };
    expectSaved(await saveSecurityPolicyAction(undefined as never, formData(loaded)));
    expectSaved(await saveSecurityPolicyAction(undefined as never, post(loaded, { ...loaded, require_for: "everyone" })));
    expectSaved(await saveSecurityPolicyAction(undefined as never, post(loaded, { ...loaded, grace_days: "14" })));
    expect(await securityPolicy(owner)).toMatchObject({ requireFor: "everyone", graceDays: 14 });
  });

  it("a role: a permission taken away in one tab stays away when another tab edits the description; two tabs ticking different boxes keep both", async () => {
    const { updateRoleAction } = await import("@/app/(dashboard)/settings/roles/actions");
    const { createRole } = await import("@/lib/roles/roles");
    const { getRole } = await import("@/lib/roles/queries");
    const role = await createRole(owner, { name: "Desk", description: "Helpdesk", permissions: ["users:read", "users:delete"] }, { ip: "203.0.113.7", userAgent: "vitest" });
    const loaded: Fields = { name: "Desk", description: "Helpdesk", permissions: ["users:read", "users:delete"] };
    expectSaved(await updateRoleAction(role.id, undefined as never, post(loaded, { ...loaded, permissions: ["users:read"] })));
    expectSaved(await updateRoleAction(role.id, undefined as never, post(loaded, { ...loaded, description: "First line" })));
    expect(await getRole(owner, role.id)).toMatchObject({ description: "First line", permissions: ["users:read"] });

    const reloaded: Fields = { name: "Desk", description: "First line", permissions: ["users:read"] };
    expectSaved(await updateRoleAction(role.id, undefined as never, post(reloaded, { ...reloaded, permissions: ["users:read", "users:block"] })));
    expectSaved(await updateRoleAction(role.id, undefined as never, post(reloaded, { ...reloaded, permissions: ["users:read", "users:unlock"] })));
    expect((await getRole(owner, role.id)).permissions.sort()).toEqual(["users:block", "users:read", "users:unlock"]);
  });
});

describe("two saves of one list keep both people's ticks", () => {
  it("a person's extra roles, ticked in two tabs", async () => {
    const { setUserRolesAction } = await import("@/app/(dashboard)/settings/roles/actions");
    const { createRole } = await import("@/lib/roles/roles");
    const { getUserRoles } = await import("@/lib/roles/queries");
    const { createUser } = await import("@/test/factories");
    const meta = { ip: "203.0.113.7", userAgent: "vitest" };
    const readers = await createRole(owner, { name: "Readers", description: "", permissions: ["users:read"] }, meta);
    const blockers = await createRole(owner, { name: "Blockers", description: "", permissions: ["users:block"] }, meta);
    const ann = await createUser(accountId, { role: "user" });
    const loaded: Fields = { role_ids: [] };
    expectSaved(await setUserRolesAction(ann.id, undefined as never, post(loaded, { role_ids: [readers.id] })));
    expectSaved(await setUserRolesAction(ann.id, undefined as never, post(loaded, { role_ids: [blockers.id] })));
    expect((await getUserRoles(owner, ann.id)).roles.map((r) => r.id).sort()).toEqual([readers.id, blockers.id, "user"].sort());
  });

  it("a person's groups: added on the group's page, kept when their own page (loaded before) ticks another", async () => {
    const { updateUserAction } = await import("@/app/(dashboard)/team/users/actions");
    const { setGroupMemberAction } = await import("@/app/(dashboard)/team/groups/actions");
    const { createGroup } = await import("@/lib/groups/groups");
    const { getUser } = await import("@/lib/users/queries");
    const { createUser } = await import("@/test/factories");
    const meta = { ip: "203.0.113.7", userAgent: "vitest" };
    const engineering = await createGroup(owner, { name: "Engineering" }, meta);
    const ops = await createGroup(owner, { name: "Ops" }, meta);
    const ann = await createUser(accountId, { role: "user" });
    const loaded: Fields = { name: "Ann", role: "user", auto_groups: [] };
    expectSaved(await setGroupMemberAction(engineering.id, ann.id, true, undefined));
    expectSaved(await updateUserAction(ann.id, undefined as never, post(loaded, { ...loaded, auto_groups: [ops.id] })));
    expect((await getUser(owner, ann.id)).autoGroups.sort()).toEqual([engineering.id, ops.id].sort());
  });

  it("an application's allowed groups, ticked in two tabs", async () => {
    const { updateApplicationAction } = await import("@/app/(dashboard)/settings/applications/actions");
    const { createApplication } = await import("@/lib/applications/applications");
    const { getApplication } = await import("@/lib/applications/queries");
    const { createGroup } = await import("@/lib/groups/groups");
    const meta = { ip: "203.0.113.7", userAgent: "vitest" };
    const a = await createGroup(owner, { name: "App A" }, meta);
    const b = await createGroup(owner, { name: "App B" }, meta);
    const { application } = await createApplication(owner, { name: "Grafana", type: "web", redirect_uris: ["https://grafana.stale.example/login/generic_oauth"] } as never, meta);
    const loaded: Fields = { name: "Grafana", redirect_uris: "https://grafana.stale.example/login/generic_oauth", allowed_groups: [] };
    expectSaved(await updateApplicationAction(application.id, undefined as never, post(loaded, { ...loaded, allowed_groups: [a.id] })));
    expectSaved(await updateApplicationAction(application.id, undefined as never, post(loaded, { ...loaded, allowed_groups: [b.id] })));
    expect((await getApplication(owner, application.id)).allowedGroups.map((g) => g.id).sort()).toEqual([a.id, b.id].sort());
  });

  it("without JavaScript (no change markers) the list submitted is the list saved", async () => {
    const { setUserRolesAction } = await import("@/app/(dashboard)/settings/roles/actions");
    const { createRole } = await import("@/lib/roles/roles");
    const { getUserRoles } = await import("@/lib/roles/queries");
    const { createUser } = await import("@/test/factories");
    const meta = { ip: "203.0.113.7", userAgent: "vitest" };
    const one = await createRole(owner, { name: "One", description: "", permissions: ["users:read"] }, meta);
    const two = await createRole(owner, { name: "Two", description: "", permissions: ["users:read"] }, meta);
    const bo = await createUser(accountId, { role: "user" });
    expectSaved(await setUserRolesAction(bo.id, undefined as never, formData({ role_ids: [one.id, two.id] })));
    expectSaved(await setUserRolesAction(bo.id, undefined as never, formData({ role_ids: [two.id] })));
    expect((await getUserRoles(owner, bo.id)).roles.map((r) => r.id)).toEqual(["user", two.id]);
  });
});

describe("the API's PUT changes the fields sent, and only those", () => {
  it("LDAP, proxy header, Security, an identity provider and a role keep what the body leaves out", async () => {
    const ldap = await import("@/app/api/settings/ldap/route");
    const header = await import("@/app/api/settings/trusted-header/route");
    const security = await import("@/app/api/settings/security/route");
    const roleRoute = await import("@/app/api/roles/[id]/route");
    const providerRoute = await import("@/app/api/identity-providers/[id]/route");
    const { createRole } = await import("@/lib/roles/roles");
    const { createProvider } = await import("@/lib/idp/providers");
    const { providerInputSchema } = await import("@/lib/idp/schemas");
    const meta = { ip: "203.0.113.7", userAgent: "vitest" };

    const l = await put(ldap, "/api/settings/ldap", { name: "Renamed directory" });
    expect(l.status).toBe(200);
    expect(l.body).toMatchObject({ name: "Renamed directory", default_role: "auditor", url: "ldaps://ldap.stale.example" });

    const h = await put(header, "/api/settings/trusted-header", { user_header: "X-User" });
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ user_header: "X-User", trusted_ranges: ["192.168.1.10"], name_header: "X-Name" });

    const s = await put(security, "/api/settings/security", { grace_days: 3 });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ require_for: "everyone", grace_days: 3 });

    const role = await createRole(owner, { name: "Api role", description: "Kept", permissions: ["users:read"] }, meta);
    const r = await put(roleRoute, `/api/roles/${role.id}`, { name: "Api role 2" }, { id: role.id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: "Api role 2", description: "Kept", permissions: ["users:read"] });

    const input = providerInputSchema.parse({ type: "oidc", name: "Api SSO", issuer: "https://api-sso.stale.example", client_id: "lk", client_secret: "s3cret", enabled: false, auto_groups: [] });
    const provider = await createProvider(owner, input, meta);
    const p = await put(providerRoute, `/api/identity-providers/${provider.id}`, { name: "Api SSO 2" }, { id: provider.id });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ name: "Api SSO 2", enabled: false });

    const bad = await put(security, "/api/settings/security", ["not", "an", "object"]);
    expect(bad.status).toBe(422);
  });
});
