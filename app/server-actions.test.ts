/**
 * The authorization matrix for server actions (the API's is
 * e2e/api/authorization-matrix.spec.ts). Server actions are public endpoints,
 * so each one declares what its caller needs through the one wrapper
 * (lib/forms/server-action.ts); this file reads those declarations:
 *
 * - every action file's every export is a declared action, and has a call here;
 * - for each action needing a permission, a caller holding exactly it is let
 *   through (the call succeeds, or gets past the check where it needs an outside
 *   service), and one holding everything else a custom role may hold is refused
 *   with 403. Callers get their permissions in turn through a custom role, a
 *   group that grants one, and a union of two roles; owner-only powers: the
 *   owner, and an admin refused;
 * - acting on oneself needs no permission where declared; nobody signed out
 *   gets past any non-public action.
 *
 * The actions are called as Next would call them after a POST: the same
 * wrapper, the session resolved from a real session row (only Auth.js's cookie
 * reading is replaced by the session id under test), then the real services.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { OWNER_ONLY, ALL_PERMISSIONS, type Permission } from "@/lib/auth/permissions";
import { DomainError } from "@/lib/errors";
import type { ActionDeclaration, DeclaredAction } from "@/lib/forms/server-action";
import { neededPermissions } from "@/lib/forms/server-action";
import { createApplication } from "@/lib/applications/applications";
import { createGroup } from "@/lib/groups/groups";
import { setUsernameChangeAllowed } from "@/lib/idp/sign-in-settings";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { setGroupRoles, setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { createUser as createUserService, updateUser } from "@/lib/users/lifecycle";
import { createUserSchema } from "@/lib/users/schemas";
import { createUser, META, startSession, updateUserRow } from "@/test/factories";

// ---------------------------------------------------------------- the request around an action

const request = vi.hoisted(() => ({ sid: null as string | null }));
class Redirected extends Error {
  constructor(readonly to: string) {
    super(`redirect to ${to}`);
  }
}
// The request's session cookie, as lib/sign-in/session-cookie.ts reads it: the session id it carries.
vi.mock("@/lib/sign-in/session-cookie", () => ({ sessionIdFromCookie: async () => request.sid }));
vi.mock("@/lib/sign-in/nextauth", () => ({
  signIn: async () => undefined,
  signOut: async () => undefined,
  SECOND_STEP_DUE: "second_step_due",
  SignInMustWait: class extends Error {},
}));
vi.mock("next-auth", () => ({ AuthError: class extends Error {}, CredentialsSignin: class extends Error {} }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "user-agent": "vitest" }),
  cookies: async () => ({ get: () => undefined, set: () => undefined, delete: () => undefined }),
}));
// Actions word their results in the person's language: English here, from the catalog.
vi.mock("next-intl/server", () => import("@/test/next-intl-server"));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
vi.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Redirected(to);
  },
}));

type Outcome = { code: number; detail: string };

/** Calls the action as the session's person (or nobody) and says how it ended: 200 for success (or a redirect), else the error's status. */
async function call(action: DeclaredAction<unknown[], unknown>, caller: SessionActor | null, args: unknown[]): Promise<Outcome> {
  request.sid = caller?.sessionId ?? null;
  try {
    const result = await action(...args);
    if (Array.isArray(result) || result === undefined) return { code: 200, detail: "returned" };
    const state = result as { status?: string; code?: number; message?: string };
    if (state.status === "success") return { code: 200, detail: state.message ?? "success" };
    return { code: state.code ?? 0, detail: `${state.message ?? ""} ${JSON.stringify((state as { fieldErrors?: unknown }).fieldErrors ?? {})}` };
  } catch (err) {
    if (err instanceof Redirected) return { code: 200, detail: err.message };
    if (err instanceof DomainError) return { code: err.status, detail: err.message };
    throw err;
  } finally {
    request.sid = null;
  }
}

// ---------------------------------------------------------------- every declared action

const ROOT = path.resolve(__dirname, "..");
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sourceFiles(rel);
    return /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith(".test.ts") ? [rel] : [];
  });
}
const USE_SERVER = /^\s*["']use server["']/m;
const actionFiles = ["app", "components", "lib"].flatMap(sourceFiles).filter((f) => USE_SERVER.test(fs.readFileSync(path.join(ROOT, f), "utf8")));

type Registered = { key: string; action: DeclaredAction<unknown[], unknown>; declaration: ActionDeclaration };
const registry: Registered[] = [];
const undeclared: string[] = [];

// ---------------------------------------------------------------- the people and things actions act on

let accountId: string;
let owner: SessionActor;
let admin: SessionActor;
const unique = () => crypto.randomUUID().slice(0, 8);
const form = (entries: Record<string, string | string[]>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(entries)) for (const one of [v].flat()) data.append(k, one);
  return data;
};
const initial = { status: "idle" };

const world = {
  person: async (options: { password?: string } = {}) => (await createUser(accountId, { role: "user", name: `Pat ${unique()}`, ...options })).id,
  pending: async () => {
    const id = await world.person();
    await updateUserRow(id, { pendingApproval: true });
    return id;
  },
  bot: async () => (await createUserService(owner, createUserSchema.parse({ name: `bot-${unique()}`, role: "user", is_service_user: true, auto_groups: [] }), META)).user.id,
  botToken: async () => {
    const bot = await world.bot();
    const { token } = await createAccessToken(owner, bot, { name: `t-${unique()}`, expires_in: 30 }, META);
    return { bot, token: token.id };
  },
  group: async () => (await createGroup(owner, { name: `g-${unique()}` }, META)).id,
  role: async (permissions: Permission[] = []) => (await createRole(owner, { name: `r-${unique()}`, description: "", permissions }, META)).id,
  application: async () => (await world.webApplication()).id,
  webApplication: async () =>
    (await createApplication(owner, { name: `a-${unique()}`, type: "web", redirect_uris: ["https://app.example.com/callback"] } as Parameters<typeof createApplication>[1], META)).application,
  invite: async () =>
    (await createInvite(owner, createInviteSchema.parse({ email: `i-${unique()}@example.com`, name: "Ivy Invitee", role: "user" }), META)).invite.id,
};

type Mechanism = "role" | "group" | "union";

/** A signed-in person holding exactly `permissions` (beyond the User role, which holds none), through the mechanism. */
async function principal(permissions: Permission[], mechanism: Mechanism): Promise<SessionActor> {
  const user = await createUser(accountId, { role: "user" });
  if (mechanism === "group") {
    const group = await world.group();
    await setGroupRoles(owner, group, { role_ids: [await world.role(permissions)] }, META);
    await updateUser(owner, user.id, { auto_groups: [group] }, META);
  } else {
    const half = Math.ceil(permissions.length / 2);
    const roleIds = mechanism === "union" ? [await world.role(permissions.slice(0, half)), await world.role(permissions.slice(half))] : [await world.role(permissions)];
    await setUserRoles(owner, user.id, { role_ids: roleIds }, META);
  }
  return startSession(user);
}

/**
 * How each action is called: arguments with real targets (made fresh per call),
 * and `pastCheck` where success needs something outside (mail, a directory, a
 * code from an authenticator): there, being let through means any answer but 401/403.
 */
type Call = { args: (caller: SessionActor) => Promise<unknown[]>; pastCheck?: true };
const PROVIDER = { type: "oidc", name: "Corp SSO", issuer: "https://idp.example.com", client_id: "latchkey", client_secret: "corp-sso-secret", allow_linking: "on" };
const LDAP = { url: "ldap://127.0.0.1:9", allow_unencrypted: "on", bind_dn: "cn=x,dc=example,dc=com", bind_password: "pw", search_base: "dc=example,dc=com" };
const absent = () => crypto.randomUUID();

const calls: Record<string, Call | Call[]> = {
  "app/(dashboard)/activity/actions.ts#verifyIntegrityAction": { args: async () => [initial] },
  "app/(dashboard)/actions.ts#changePasswordAction": { args: async () => [initial, form({ old_password: "wrong one", new_password: "another long passphrase", confirm_password: "another long passphrase" })], pastCheck: true },
  "app/(dashboard)/actions.ts#requiredPasswordChangeAction": { args: async () => [initial, form({ old_password: "wrong one", new_password: "another long passphrase", confirm_password: "another long passphrase" })], pastCheck: true },
  "app/(dashboard)/team/users/actions.ts#createUserAction": { args: async () => [initial, form({ email: `n-${unique()}@example.com`, name: "Nora New", role: "user" })] },
  "app/(dashboard)/team/users/actions.ts#updateUserAction": { args: async () => [await world.person(), initial, form({ name: "Renamed Person" })] },
  "app/(dashboard)/team/users/actions.ts#setBlockedAction": { args: async () => [await world.person(), true, initial] },
  "app/(dashboard)/team/users/actions.ts#resetPasswordAction": { args: async () => [await world.person({ password: "a long and unusual passphrase" }), initial, form({})] },
  "app/(dashboard)/team/users/actions.ts#revokeSessionsAction": { args: async () => [await world.person(), initial, form({})] },
  "app/(dashboard)/team/users/actions.ts#deleteUserAction": { args: async () => [await world.person(), initial] },
  "app/(dashboard)/team/users/actions.ts#unlockUserAction": { args: async () => [await world.person(), initial] },
  "app/(dashboard)/team/users/actions.ts#approveUserAction": { args: async () => [await world.pending(), initial] },
  "app/(dashboard)/team/users/actions.ts#rejectUserAction": { args: async () => [await world.pending(), initial] },
  "app/(dashboard)/team/users/actions.ts#bulkUsersAction": [
    { args: async () => ["block", [await world.person()]] },
    { args: async () => ["unblock", [await world.person()]] },
    { args: async () => ["delete", [await world.person()]] },
  ],
  "app/(dashboard)/team/users/actions.ts#sendResetLinkAction": { args: async () => [await world.person({ password: "a long and unusual passphrase" }), initial], pastCheck: true },
  "app/(dashboard)/team/users/invite-actions.ts#createInviteAction": { args: async () => [initial, form({ email: `v-${unique()}@example.com`, name: "Vic Invitee", role: "user" })] },
  "app/(dashboard)/team/users/invite-actions.ts#regenerateInviteAction": { args: async () => [await world.invite(), initial, form({})] },
  "app/(dashboard)/team/users/invite-actions.ts#deleteInviteAction": { args: async () => [await world.invite(), initial] },
  "app/(dashboard)/team/users/invite-actions.ts#resendInviteAction": { args: async () => [await world.invite(), initial], pastCheck: true },
  "app/(dashboard)/team/users/invite-actions.ts#bulkInvitesAction": [
    { args: async () => ["delete", [await world.invite()]] },
    { args: async () => ["regenerate", [await world.invite()]] },
  ],
  "app/(dashboard)/team/users/two-factor-actions.ts#resetTwoFactorAction": { args: async () => [await world.person(), initial, form({ password: "x" })], pastCheck: true },
  "app/(dashboard)/team/service-users/actions.ts#createServiceUserAction": { args: async () => [initial, form({ name: `bot-${unique()}`, role: "user" })] },
  "app/(dashboard)/team/service-users/actions.ts#setServiceUserBlockedAction": { args: async () => [await world.bot(), true, initial] },
  "app/(dashboard)/team/service-users/actions.ts#deleteServiceUserAction": { args: async () => [await world.bot(), initial] },
  "app/(dashboard)/team/groups/actions.ts#createGroupAction": { args: async () => [initial, form({ name: `g-${unique()}` })] },
  "app/(dashboard)/team/groups/actions.ts#renameGroupAction": { args: async () => [await world.group(), initial, form({ name: `r-${unique()}` })] },
  "app/(dashboard)/team/groups/actions.ts#deleteGroupAction": { args: async () => [await world.group(), false, initial] },
  "app/(dashboard)/team/groups/actions.ts#findPeopleAction": { args: async () => [await world.group(), "Pat"] },
  "app/(dashboard)/team/groups/actions.ts#setGroupMemberAction": { args: async () => [await world.group(), await world.person(), true] },
  "app/(dashboard)/profile/actions.ts#updateOwnNameAction": { args: async () => [initial, form({ name: "My New Name" })] },
  "app/(dashboard)/profile/actions.ts#endOwnSessionAction": { args: async () => [absent(), initial], pastCheck: true },
  "app/(dashboard)/profile/actions.ts#endOtherSessionsAction": { args: async () => [initial] },
  "app/(dashboard)/profile/language-actions.ts#rememberLanguageAction": { args: async () => ["de", initial] },
  "app/(dashboard)/profile/email-actions.ts#requestEmailChangeAction": { args: async () => [initial, form({ email: `c-${unique()}@example.com` })], pastCheck: true },
  "app/(dashboard)/profile/email-actions.ts#requestEmailConfirmationAction": { args: async () => [initial, form({})], pastCheck: true },
  "app/(dashboard)/profile/username-actions.ts#changeOwnUsernameAction": {
    args: async () => {
      await setUsernameChangeAllowed(owner, true, META);
      return [initial, form({ username: `u${unique()}` })];
    },
  },
  "app/(dashboard)/profile/two-factor-actions.ts#startTotpSetupAction": { args: async () => [initial, form({ password: "x" })], pastCheck: true },
  "app/(dashboard)/profile/two-factor-actions.ts#confirmTotpSetupAction": { args: async () => [initial, form({ code: "000000" })], pastCheck: true },
  "app/(dashboard)/profile/two-factor-actions.ts#removeTotpAction": { args: async () => [initial, form({ password: "x", code: "000000" })], pastCheck: true },
  "app/(dashboard)/profile/two-factor-actions.ts#regenerateRecoveryCodesAction": { args: async () => [initial, form({ password: "x" })], pastCheck: true },
  "app/(dashboard)/profile/apps-actions.ts#withdrawAppAccessAction": { args: async () => [`lka_${unique()}`, initial], pastCheck: true },
  "app/(dashboard)/profile/passkey-actions.ts#startPasskeyRegistrationAction": { args: async () => [initial, form({ name: "Laptop", password: "x" })], pastCheck: true },
  "app/(dashboard)/profile/passkey-actions.ts#finishPasskeyRegistrationAction": { args: async () => [initial, form({ name: "Laptop", response: "{}" })], pastCheck: true },
  "app/(dashboard)/profile/passkey-actions.ts#renamePasskeyAction": { args: async () => [absent(), initial, form({ name: "Phone" })], pastCheck: true },
  "app/(dashboard)/profile/passkey-actions.ts#removePasskeyAction": { args: async () => [absent(), initial, form({ password: "x" })], pastCheck: true },
  "app/(dashboard)/settings/applications/actions.ts#createApplicationAction": { args: async () => [initial, form({ name: `a-${unique()}`, type: "spa", redirect_uris: "https://spa.example.com/cb" })] },
  "app/(dashboard)/settings/applications/actions.ts#updateApplicationAction": { args: async () => [await world.application(), initial, form({ name: `u-${unique()}`, redirect_uris: "https://app.example.com/callback" })] },
  "app/(dashboard)/settings/applications/actions.ts#rotateApplicationSecretAction": {
    args: async () => {
      const app = await world.webApplication();
      return [app.id, app.clientSecretId, initial];
    },
  },
  "app/(dashboard)/settings/applications/actions.ts#deleteApplicationAction": { args: async () => [await world.application(), initial] },
  "app/(dashboard)/settings/actions.ts#createProviderAction": { args: async () => [absent(), initial, form({ ...PROVIDER, name: `SSO ${unique()}` })] },
  "app/(dashboard)/settings/actions.ts#updateProviderAction": { args: async () => [absent(), initial, form(PROVIDER)], pastCheck: true },
  "app/(dashboard)/settings/actions.ts#testProviderAction": { args: async () => [absent(), initial, form({ issuer: "http://127.0.0.1:9" })], pastCheck: true },
  "app/(dashboard)/settings/actions.ts#setProviderEnabledAction": { args: async () => [absent(), true, initial], pastCheck: true },
  "app/(dashboard)/settings/actions.ts#deleteProviderAction": { args: async () => [absent(), initial], pastCheck: true },
  "app/(dashboard)/settings/actions.ts#setLocalSignInAction": { args: async () => [true, initial] },
  "app/(dashboard)/settings/actions.ts#setUsernameChangeAction": { args: async () => [initial, form({ users_may_change_username: "on" })] },
  "app/(dashboard)/settings/actions.ts#releaseRetiredUsernameAction": { args: async () => [absent(), initial], pastCheck: true },
  "app/(dashboard)/settings/actions.ts#saveLdapAction": { args: async () => [initial, form(LDAP)], pastCheck: true },
  "app/(dashboard)/settings/actions.ts#testLdapAction": { args: async () => [initial, form(LDAP)], pastCheck: true },
  "app/(dashboard)/settings/actions.ts#saveTrustedHeaderAction": { args: async () => [initial, form({})], pastCheck: true },
  "app/(dashboard)/settings/actions.ts#testTrustedHeaderAction": { args: async () => [initial], pastCheck: true },
  "app/(dashboard)/settings/email/actions.ts#saveMailSettingsAction": { args: async () => [initial, form({})], pastCheck: true },
  "app/(dashboard)/settings/email/actions.ts#sendTestEmailAction": { args: async () => [initial, form({ to: "test@example.com" })], pastCheck: true },
  "app/(dashboard)/settings/email/actions.ts#retryDeliveryAction": { args: async () => [absent(), initial], pastCheck: true },
  "app/(dashboard)/settings/roles/actions.ts#createRoleAction": { args: async () => [initial, form({ name: `r-${unique()}`, description: "" })] },
  "app/(dashboard)/settings/roles/actions.ts#updateRoleAction": { args: async () => [await world.role(), initial, form({ name: `u-${unique()}`, description: "" })] },
  "app/(dashboard)/settings/roles/actions.ts#deleteRoleAction": { args: async () => [await world.role(), initial] },
  "app/(dashboard)/settings/roles/actions.ts#setUserRolesAction": { args: async () => [await world.person(), initial, form({ role_ids: await world.role() })] },
  "app/(dashboard)/settings/roles/actions.ts#setGroupRolesAction": { args: async () => [await world.group(), initial, form({ role_ids: await world.role() })] },
  "app/(dashboard)/settings/appearance/actions.ts#saveInstanceNameAction": { args: async () => [initial, form({ name: `Team ${unique()}` })] },
  "app/(dashboard)/settings/appearance/actions.ts#removeLogoAction": { args: async () => [initial, form({})] },
  "app/(dashboard)/settings/security/actions.ts#saveSecurityPolicyAction": { args: async () => [initial, form({ require_for: "nobody", grace_days: "0" })] },
  "app/(dashboard)/token-actions.ts#createTokenAction": { args: async () => [await world.bot(), initial, form({ name: `t-${unique()}`, expires_in: "30" })] },
  "app/(dashboard)/token-actions.ts#deleteTokenAction": {
    args: async () => {
      const { bot, token } = await world.botToken();
      return [bot, token, initial];
    },
  },
};

/** Calls on one's own account, for actions declaring `selfArg`: no permission needed. */
const selfCalls: Record<string, (me: SessionActor) => Promise<unknown[]>> = {
  "app/(dashboard)/team/users/actions.ts#revokeSessionsAction": async (me) => [me.userId, initial, form({})],
  "app/(dashboard)/token-actions.ts#createTokenAction": async (me) => [me.userId, initial, form({ name: `mine-${unique()}`, expires_in: "30" })],
  "app/(dashboard)/token-actions.ts#deleteTokenAction": async (me) => {
    const { token } = await createAccessToken(me, me.userId, { name: `mine-${unique()}`, expires_in: 30 }, META);
    return [me.userId, token.id, initial];
  },
};

beforeAll(async () => {
  for (const file of actionFiles) {
    const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      const declaration = (value as { declaration?: ActionDeclaration } | null)?.declaration;
      if (typeof value !== "function" || !declaration) undeclared.push(`${file}#${name}`);
      else registry.push({ key: `${file}#${name}`, action: value as DeclaredAction<unknown[], unknown>, declaration });
    }
  }
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }), META);
  accountId = setup.account_id;
  owner = await startSession({ id: setup.user_id, accountId });
  admin = await startSession(await createUser(accountId, { role: "admin", name: "Ada Admin" }));
}, 60_000);

const MECHANISMS: Mechanism[] = ["role", "group", "union"];
const CUSTOM_ROLE_MAY_HOLD = ALL_PERMISSIONS.filter((p) => !OWNER_ONLY.has(p));

describe("the server-action registry", () => {
  it("finds the action files, and every export of one is an action declared through the wrapper", () => {
    expect(actionFiles.length).toBeGreaterThan(15);
    expect(registry.length).toBeGreaterThan(60);
    expect(undeclared, "exported from a 'use server' file without serverAction()/publicAction()").toEqual([]);
  });

  it("has a call here for every action that needs a caller, and none for actions that are gone", () => {
    const needCaller = registry.filter((r) => r.declaration.needs !== "public").map((r) => r.key);
    expect(needCaller.filter((k) => !calls[k]), "declared actions without a call in this matrix").toEqual([]);
    expect(Object.keys(calls).filter((k) => !needCaller.includes(k)), "calls for actions that don't exist").toEqual([]);
    const selfServing = registry.filter((r) => r.declaration.selfArg !== undefined).map((r) => r.key);
    expect(Object.keys(selfCalls).sort()).toEqual(selfServing.sort());
  });

  it("has no inline 'use server' functions outside the action files (they would bypass the registry)", () => {
    const inline = ["app", "components", "lib"]
      .flatMap(sourceFiles)
      .filter((f) => !actionFiles.includes(f) && /["']use server["']/.test(fs.readFileSync(path.join(ROOT, f), "utf8")))
      .filter((f) => f !== "lib/forms/server-action.ts" && f !== "app/server-actions.test.ts");
    expect(inline).toEqual([]);
  });
});

describe("the server-action matrix", () => {
  it("refuses every non-public action to a caller who isn't signed in (401)", async () => {
    for (const { key, action, declaration } of registry) {
      if (declaration.needs === "public") continue;
      for (const c of [calls[key]].flat()) {
        const outcome = await call(action, null, await c.args(owner));
        expect(outcome.code, `${key} signed out: ${outcome.detail}`).toBe(401);
      }
    }
  });

  it("lets a caller holding exactly the needed permissions through, and refuses one lacking only one of them (403)", async () => {
    let i = 0;
    for (const { key, action, declaration } of registry) {
      if (declaration.needs === "public" || declaration.needs === "own_account") continue;
      for (const c of [calls[key]].flat()) {
        const mechanism = MECHANISMS[i++ % MECHANISMS.length];
        const needed = [...neededPermissions(declaration, owner, await c.args(owner))];
        expect(needed.length, key).toBeGreaterThan(0);
        const ownerOnly = needed.some((p) => OWNER_ONLY.has(p));
        const holder = ownerOnly ? owner : await principal(needed, mechanism);
        const allowed = await call(action, holder, await c.args(holder));
        const what = `${key} holding ${needed.join(", ")} (${ownerOnly ? "owner" : mechanism})`;
        if (c.pastCheck) expect([401, 403], `${what}: ${allowed.detail}`).not.toContain(allowed.code);
        else expect(allowed.code, `${what}: ${allowed.detail}`).toBe(200);

        for (const missing of needed) {
          const lacking = OWNER_ONLY.has(missing) ? admin : await principal(CUSTOM_ROLE_MAY_HOLD.filter((p) => p !== missing), mechanism);
          const refused = await call(action, lacking, await c.args(lacking));
          expect(refused.code, `${key} lacking ${missing} (${OWNER_ONLY.has(missing) ? "admin" : mechanism}): ${refused.detail}`).toBe(403);
        }
      }
    }
  }, 300_000);

  it("lets anyone signed in use their own account's actions, and self-service needs no permission", async () => {
    const nobodyAgain = async () => startSession(await createUser(accountId, { role: "user" }));
    for (const { key, action, declaration } of registry) {
      if (declaration.needs !== "own_account") continue;
      const nobody = await nobodyAgain();
      const c = calls[key] as Call;
      const outcome = await call(action, nobody, await c.args(nobody));
      if (c.pastCheck) expect([401, 403], `${key}: ${outcome.detail}`).not.toContain(outcome.code);
      else expect(outcome.code, `${key}: ${outcome.detail}`).toBe(200);
    }
    for (const [key, args] of Object.entries(selfCalls)) {
      const nobody = await nobodyAgain();
      const { action } = registry.find((r) => r.key === key)!;
      const outcome = await call(action, nobody, await args(nobody));
      expect(outcome.code, `${key} on oneself: ${outcome.detail}`).toBe(200);
    }
  });

  it("refuses a session that must first choose a new password everything but that change", async () => {
    const person = await createUser(accountId, { role: "admin", password: "a long and unusual passphrase" });
    await updateUserRow(person.id, { mustChangePassword: true });
    const pending = await startSession(person);
    const { action } = registry.find((r) => r.key === "app/(dashboard)/team/groups/actions.ts#createGroupAction")!;
    expect((await call(action, pending, [initial, form({ name: `g-${unique()}` })])).code).toBe(403);
    const change = registry.find((r) => r.key === "app/(dashboard)/actions.ts#requiredPasswordChangeAction")!;
    const changed = await call(change.action, pending, [
      initial,
      form({ old_password: "a long and unusual passphrase", new_password: "a brand new long passphrase", confirm_password: "a brand new long passphrase" }),
    ]);
    expect(changed.code, changed.detail).toBe(200);
  });
});

describe("the Create token form's scope", () => {
  const createToken = () => registry.find((r) => r.key === "app/(dashboard)/token-actions.ts#createTokenAction")!.action;

  it("narrows a token to the ticked permissions, keeps 'all' unscoped, and refuses beyond the owner's", async () => {
    const helpdesk = await principal(["users:read", "users:block", "users:unlock"], "group");
    const some = await call(createToken(), helpdesk, [helpdesk.userId, initial, form({ name: "narrow", expires_in: "30", scope: "some", permissions: ["users:read", "users:unlock"] })]);
    expect(some.code, some.detail).toBe(200);
    const all = await call(createToken(), helpdesk, [helpdesk.userId, initial, form({ name: "wide", expires_in: "30", scope: "all", permissions: ["users:read"] })]);
    expect(all.code, all.detail).toBe(200);
    const { listAccessTokens } = await import("@/lib/tokens/queries");
    const scopes = new Map((await listAccessTokens(helpdesk, helpdesk.userId)).map((t) => [t.name, t.permissions]));
    expect(scopes.get("narrow")).toEqual(["users:read", "users:unlock"]);
    expect(scopes.get("wide")).toBeNull();

    request.sid = helpdesk.sessionId;
    const beyond = (await createToken()(helpdesk.userId, initial, form({ name: "beyond", expires_in: "30", scope: "some", permissions: ["users:read", "users:delete"] }))) as {
      code?: number;
      values?: Record<string, string>;
    };
    request.sid = null;
    expect(beyond.code).toBe(403);
    // The refused form keeps what was chosen.
    expect(beyond.values).toMatchObject({ name: "beyond", scope: "some", permissions: "users:read,users:delete" });
  });
});
