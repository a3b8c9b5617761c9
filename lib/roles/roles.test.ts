/**
 * Roles as data: custom roles, several roles per user, roles through groups,
 * scoped tokens, the escalation rules and the self-lockout guard, against the
 * real database (both dialects).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { assertCan, can, READ_ONLY_TOKEN } from "@/lib/auth/policy";
import { ALL_PERMISSIONS } from "@/lib/auth/permissions";
import { db } from "@/lib/db/database";
import { activityEvents } from "@/lib/db/schema";
import { Conflict, Forbidden, Invalid } from "@/lib/errors";
import { createGroup } from "@/lib/groups/groups";
import { resolveSession } from "@/lib/sessions/sessions";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { authenticateAccessToken } from "@/lib/tokens/access-tokens";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { createUser as createUserService, updateUser } from "@/lib/users/lifecycle";
import { resetUserPassword } from "@/lib/users/access-control";
import { setGroupMembership } from "@/lib/users/group-members";
import { createUser, lastEvent, META, startSession } from "@/test/factories";
import { setGroupRoles, setUserRoles } from "./assignments";
import { getUserRoles, listRoles } from "./queries";
import { createRole, deleteRole, updateRole } from "./roles";
import { eq } from "drizzle-orm";

let accountId: string;
let owner: SessionActor;
let admin: SessionActor;

const HELPDESK = ["users:read", "users:block", "users:reset_password", "users:unlock"] as const;

beforeAll(async () => {
  const setup = await completeSetup(
    setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: "a long and unusual passphrase" }),
    META,
  );
  accountId = setup.account_id;
  owner = await startSession({ id: setup.user_id, accountId });
  admin = await startSession(await createUser(accountId, { role: "admin", name: "Ada Admin" }));
});

/** The actor a new request of this session would get. */
async function again(actor: SessionActor): Promise<SessionActor> {
  return (await resolveSession(actor.sessionId))!;
}

describe("a role's name", () => {
  // The form says a clash at the Name field only (lib/forms/action-errors.ts), as the API names it in "errors".
  it("taken, in any case, or a built-in role's: a Conflict about the name field", async () => {
    await createRole(owner, { name: "Auditing desk", description: "", permissions: ["users:read"] }, META);
    for (const name of ["auditing DESK", "Admin"]) {
      const refused = await createRole(owner, { name, description: "", permissions: ["users:read"] }, META).catch((e: unknown) => e);
      expect(refused, name).toBeInstanceOf(Conflict);
      expect((refused as Conflict).fieldErrors).toEqual({ name: ["A role with this name already exists"] });
    }
  });

  it("can't pass for another's: an invisible character or mixed alphabets are refused on create and rename (review 22)", async () => {
    // "Front\u200bdesk" and "Frоntdesk" (a Cyrillic о) were created beside "Frontdesk", and "Аdmin" (a Cyrillic А)
    // beside the built-in Admin: each reads as the other wherever a role is picked or shown.
    await createRole(owner, { name: "Frontdesk", description: "", permissions: ["users:read"] }, META);
    const refusals: Record<string, unknown> = {};
    for (const name of ["Front\u200bdesk", "Front\u00addesk", "Fr\u043entdesk", "\u0410dmin"]) {
      const refused = await createRole(owner, { name, description: "", permissions: ["users:read"] }, META).catch((e: unknown) => e);
      refusals[name] = refused instanceof Invalid ? refused.fieldErrors : refused;
    }
    const invisible = { name: ["A role name can't contain invisible characters"] };
    const mixed = { name: ["A role name can't mix alphabets, e.g. Latin and Cyrillic letters"] };
    expect(refusals).toEqual({ "Front\u200bdesk": invisible, "Front\u00addesk": invisible, "Fr\u043entdesk": mixed, "\u0410dmin": mixed });
    const plain = await createRole(owner, { name: "Night shift", description: "", permissions: ["users:read"] }, META);
    await expect(updateRole(owner, plain.id, { name: "Night\u200bshift", description: "", permissions: ["users:read"] }, META)).rejects.toBeInstanceOf(Invalid);
    // One alphabet, any alphabet, and Latin with Japanese writing are names like any other.
    expect((await createRole(owner, { name: "Служба поддержки", description: "", permissions: ["users:read"] }, META)).name).toBe("Служба поддержки");
    expect((await createRole(owner, { name: "Tokyo 東京チーム", description: "", permissions: ["users:read"] }, META)).name).toBe("Tokyo 東京チーム");
  });
});

describe("custom roles and where permissions come from", () => {
  it("gives a user a role's permissions through a group, on their next request, and says where each comes from", async () => {
    const helpdesk = await createRole(owner, { name: "Helpdesk", description: "Resets and unblocks", permissions: [...HELPDESK] }, META);
    const support = await createGroup(owner, { name: "Support" }, META);
    await setGroupRoles(owner, support.id, { role_ids: [helpdesk.id] }, META);
    const helen = await createUser(accountId, { role: "user", name: "Helen Helpdesk" });
    const session = await startSession(helen);
    expect(can(session, "users:block")).toBe(false);

    await updateUser(owner, helen.id, { auto_groups: [support.id] }, META);
    const next = await again(session);
    for (const p of HELPDESK) expect(can(next, p)).toBe(true);
    expect(can(next, "users:delete")).toBe(false);
    expect(can(next, "settings:read")).toBe(false);

    const explained = await getUserRoles(owner, helen.id);
    expect(explained.groupRoles).toEqual([expect.objectContaining({ groupName: "Support", role: expect.objectContaining({ name: "Helpdesk" }) })]);
    expect(explained.permissions.find((p) => p.name === "users:block")?.sources).toEqual([
      { roleId: helpdesk.id, roleName: "Helpdesk", via: "group", groupId: support.id, groupName: "Support" },
    ]);
    const listed = (await listRoles(owner)).find((r) => r.id === helpdesk.id)!;
    expect(listed.holders).toEqual([{ id: helen.id, name: "Helen Helpdesk", via: "group", groupName: "Support" }]);
  });

  it("adds up several roles, and a role change or deletion applies to the next request", async () => {
    const readers = await createRole(owner, { name: "Readers", description: "", permissions: ["users:read"] }, META);
    const unlockers = await createRole(owner, { name: "Unlockers", description: "", permissions: ["users:unlock"] }, META);
    const pat = await createUser(accountId, { role: "user" });
    const session = await startSession(pat);
    await setUserRoles(owner, pat.id, { role_ids: [readers.id, unlockers.id] }, META);
    const both = await again(session);
    expect([can(both, "users:read"), can(both, "users:unlock")]).toEqual([true, true]);
    expect(await lastEvent()).toMatchObject({ action: "user.roles.changed" });

    await updateRole(owner, unlockers.id, { name: "Unlockers", description: "", permissions: ["users:unlock", "users:revoke_sessions"] }, META);
    const event = await lastEvent();
    expect(event.action).toBe("role.updated");
    expect(event.details).toMatchObject({ permissions: { from: ["users:unlock"], to: ["users:revoke_sessions", "users:unlock"] }, added: ["users:revoke_sessions"] });
    expect(can(await again(session), "users:revoke_sessions")).toBe(true);

    await deleteRole(owner, unlockers.id, META);
    const after = await again(session);
    expect([can(after, "users:read"), can(after, "users:unlock")]).toEqual([true, false]);
  });

  it("checks a write against the permissions held under the write lock, not when the request arrived", async () => {
    const blockers = await createRole(owner, { name: "Blockers", description: "", permissions: ["users:block", "users:read"] }, META);
    const bo = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, bo.id, { role_ids: [blockers.id] }, META);
    const stale = await again(await startSession(bo));
    const victim = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, bo.id, { role_ids: [] }, META);
    await expect(updateUser(stale, victim.id, { is_blocked: true }, META)).rejects.toBeInstanceOf(Forbidden);
  });
});

describe("escalation", () => {
  it("refuses owner-only powers in a custom role, even to the owner", async () => {
    for (const power of ["settings:sign_in", "settings:security", "settings:email", "settings:appearance", "users:transfer_ownership"] as const) {
      await expect(createRole(owner, { name: `Sneaky ${power}`, description: "", permissions: ["users:read", power] }, META)).rejects.toBeInstanceOf(Invalid);
      await expect(createRole(admin, { name: `Sneaky ${power}`, description: "", permissions: [power] }, META)).rejects.toThrow();
    }
  });

  it("refuses an admin giving the owner role, a role beyond their own, or a group that grants more", async () => {
    const target = await createUser(accountId, { role: "user" });
    await expect(setUserRoles(admin, target.id, { role_ids: ["owner"] }, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(updateUser(admin, target.id, { role: "owner" }, META)).rejects.toBeInstanceOf(Forbidden);

    const owners = await createGroup(owner, { name: "Owners club" }, META);
    await setGroupRoles(owner, owners.id, { role_ids: ["owner"] }, META).catch(() => undefined);
    // The owner role is never granted through a group either.
    await expect(setGroupRoles(owner, owners.id, { role_ids: ["owner"] }, META)).rejects.toBeInstanceOf(Forbidden);

    // A role holding a permission the admin lacks can't be made by them, nor handed out by them through a group.
    const idps = await createRole(owner, { name: "Settings readers", description: "", permissions: ["settings:read"] }, META);
    await expect(createRole(admin, { name: "Too much", description: "", permissions: ["users:read", "settings:sign_in"] }, META)).rejects.toThrow();
    expect(can(admin, "settings:read")).toBe(true);
    const granting = await createGroup(owner, { name: "Grants sign-in" }, META);
    await setGroupRoles(owner, granting.id, { role_ids: [idps.id] }, META);
    // Adding oneself to a group granting only what one holds is fine; a group that grants more is refused.
    const superGroup = await createGroup(owner, { name: "Super" }, META);
    const auditorLike = await createRole(owner, { name: "Everything readable", description: "", permissions: ["users:read"] }, META);
    await setGroupRoles(owner, superGroup.id, { role_ids: [auditorLike.id] }, META);
    const helpdeskUser = await createUser(accountId, { role: "user" });
    const helpdesk = await createRole(owner, { name: "Desk", description: "", permissions: ["users:update", "users:read"] }, META);
    await setUserRoles(owner, helpdeskUser.id, { role_ids: [helpdesk.id] }, META);
    const desk = await startSession(helpdeskUser);
    const adminsGroup = await createGroup(owner, { name: "Admins via group" }, META);
    await setGroupRoles(owner, adminsGroup.id, { role_ids: ["admin"] }, META);
    await expect(updateUser(desk, helpdeskUser.id, { auto_groups: [adminsGroup.id] }, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(updateUser(desk, target.id, { auto_groups: [adminsGroup.id] }, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(setUserRoles(desk, target.id, { role_ids: ["admin"] }, META)).rejects.toBeInstanceOf(Forbidden);
    expect((await getUserRoles(owner, helpdeskUser.id)).groupRoles).toEqual([]);
  });

  it("refuses acting on someone who holds more (a helpdesk resetting an admin's password)", async () => {
    const resetters = await createRole(owner, { name: "Resetters", description: "", permissions: ["users:reset_password", "users:read"] }, META);
    const r = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, r.id, { role_ids: [resetters.id] }, META);
    const resetter = await startSession(r);
    const anAdmin = await createUser(accountId, { role: "admin", password: "an admin's own passphrase" });
    await expect(resetUserPassword(resetter, anAdmin.id, {}, META)).rejects.toBeInstanceOf(Forbidden);
    const plain = await createUser(accountId, { role: "user", password: "a plain user's passphrase" });
    await expect(resetUserPassword(resetter, plain.id, {}, META)).resolves.toMatchObject({ password: expect.any(String) });
  });

  it("refuses taking one's own management permissions away (self-lockout)", async () => {
    const managers = await createRole(owner, { name: "Role managers", description: "", permissions: ["roles:read", "roles:update", "users:read"] }, META);
    const m = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, m.id, { role_ids: [managers.id] }, META);
    const manager = await startSession(m);
    await expect(updateRole(manager, managers.id, { name: "Role managers", description: "", permissions: ["roles:read", "users:read"] }, META)).rejects.toThrow(
      /your own roles:update/,
    );
    // Adding within what they hold is fine.
    await expect(updateRole(manager, managers.id, { name: "Role managers", description: "now described", permissions: ["roles:read", "roles:update", "users:read"] }, META)).resolves.toMatchObject({ description: "now described" });
  });

  it("refuses built-in roles being changed or deleted", async () => {
    await expect(updateRole(owner, "admin", { name: "Admin", description: "", permissions: [] }, META)).rejects.toBeInstanceOf(Forbidden);
    await expect(deleteRole(owner, "auditor", META)).rejects.toBeInstanceOf(Forbidden);
  });
});

describe("scoped tokens", () => {
  it("narrow to a subset of the owner's permissions, checked against what the owner holds at each request", async () => {
    const bot = await createUserService(owner, { is_service_user: true, name: "Deploy bot", role: "admin", auto_groups: [] } as never, META);
    const { plain, token } = await createAccessToken(owner, bot.user.id, { name: "scoped", expires_in: 30, permissions: ["users:read", "users:block"] }, META);
    expect(token.permissions).toEqual(["users:read", "users:block"]);
    expect((await lastEvent()).details).toMatchObject({ permissions: ["users:read", "users:block"] });
    const actor = (await authenticateAccessToken(plain))!;
    expect([can(actor, "users:read"), can(actor, "users:block"), can(actor, "users:delete")]).toEqual([true, true, false]);

    // The owner loses users:block after the token was made: the token loses it on its next request.
    await updateUser(owner, bot.user.id, { role: "auditor" }, META);
    const later = (await authenticateAccessToken(plain))!;
    expect([can(later, "users:read"), can(later, "users:block")]).toEqual([true, false]);
    // Only reads left: a read-only token.
    expect(() => assertCan(later, "users:block")).toThrow(READ_ONLY_TOKEN);
  });

  it("can't be scoped beyond the owner's permissions or beyond the creator's", async () => {
    const bot = await createUserService(owner, { is_service_user: true, name: "Reader bot", role: "auditor", auto_groups: [] } as never, META);
    await expect(createAccessToken(owner, bot.user.id, { name: "too wide", expires_in: 30, permissions: ["users:read", "users:delete"] }, META)).rejects.toBeInstanceOf(Forbidden);
    const adminBot = await createUserService(owner, { is_service_user: true, name: "Admin bot", role: "admin", auto_groups: [] } as never, META);
    await expect(createAccessToken(admin, adminBot.user.id, { name: "sign-in", expires_in: 30, permissions: ["settings:sign_in"] }, META)).rejects.toBeInstanceOf(Forbidden);
  });

  it("keeps a User's or Auditor's token read-only", async () => {
    const u = await createUser(accountId, { role: "user" });
    const session = await startSession(u);
    const { plain } = await createAccessToken(session, u.id, { name: "mine", expires_in: 30 }, META);
    const actor = (await authenticateAccessToken(plain))!;
    expect(() => assertCan(actor, "users:update")).toThrow(READ_ONLY_TOKEN);
  });
});

describe("the cost of a permission check", () => {
  it("is a set lookup (printed per check), and resolving a user without extra roles adds no query", async () => {
    const actor = await again(admin);
    const n = 200_000;
    const start = process.hrtime.bigint();
    let yes = 0;
    for (let i = 0; i < n; i++) if (can(actor, i % 2 ? "users:read" : "settings:sign_in")) yes++;
    const perCheckNs = Number(process.hrtime.bigint() - start) / n;
    expect(yes).toBe(n / 2);
    // A measure, not a timed assertion (the count of resolutions per request is app/permission-resolution.test.ts).
    console.log(`permission check: ${perCheckNs.toFixed(0)} ns per can()`);
    const resolves = 200;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < resolves; i++) await resolveSession(admin.sessionId);
    console.log(`session resolve (with permissions): ${(Number(process.hrtime.bigint() - t0) / resolves / 1e6).toFixed(3)} ms`);
  });
});

it("records role events with before → after permissions", async () => {
  const role = await createRole(owner, { name: "Temp", description: "", permissions: ["users:read"] }, META);
  await deleteRole(owner, role.id, META);
  const [deleted] = await db().select().from(activityEvents).where(eq(activityEvents.targetId, role.id)).orderBy(activityEvents.seq);
  expect(deleted.action).toBe("role.created");
  const last = await lastEvent();
  expect(last.action).toBe("role.deleted");
  expect(last.details).toMatchObject({ permissions: { from: ["users:read"], to: [] } });
});

describe("a role change is an activity event with the permissions before → after", () => {
  it("on extra roles, the roles a group grants, the primary role, and joining a role-granting group", async () => {
    const unlock = await createRole(owner, { name: "Unlock desk", description: "", permissions: ["users:read", "users:unlock"] }, META);
    const ria = await createUser(accountId, { role: "user" });

    await setUserRoles(owner, ria.id, { role_ids: [unlock.id] }, META);
    expect((await lastEvent()).details).toMatchObject({ permissions: { from: [], to: ["users:read", "users:unlock"] } });

    await updateUser(owner, ria.id, { role: "auditor" }, META);
    const promoted = await lastEvent();
    expect(promoted.action).toBe("user.role.changed");
    const reads = ALL_PERMISSIONS.filter((p) => p.endsWith(":read"));
    expect(promoted.details).toMatchObject({ role: { from: "user", to: "auditor" }, permissions: { from: ["users:read", "users:unlock"] } });
    expect((promoted.details as { permissions: { to: string[] } }).permissions.to).toEqual(ALL_PERMISSIONS.filter((p) => reads.includes(p) || p === "users:unlock"));

    const desk = await createGroup(owner, { name: "Desk" }, META);
    const blockers = await createRole(owner, { name: "Blockers only", description: "", permissions: ["users:block"] }, META);
    await setGroupRoles(owner, desk.id, { role_ids: [blockers.id] }, META);
    expect((await lastEvent()).details).toMatchObject({ permissions: { from: [], to: ["users:block"] } });

    await setGroupMembership(owner, desk.id, ria.id, true, META);
    const joined = await lastEvent();
    expect(joined.action).toBe("user.updated");
    expect((joined.details as { permissions: { from: string[]; to: string[] } }).permissions.to).toContain("users:block");
    expect((joined.details as { permissions: { from: string[]; to: string[] } }).permissions.from).not.toContain("users:block");
  });

  it("refuses adding someone (oneself too) to a group that grants more than the actor holds, from the group's page", async () => {
    const manager = await createRole(owner, { name: "People manager", description: "", permissions: ["users:read", "users:update"] }, META);
    const mo = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, mo.id, { role_ids: [manager.id] }, META);
    const session = await startSession(mo);
    const admins = await createGroup(owner, { name: "Admins by group" }, META);
    await setGroupRoles(owner, admins.id, { role_ids: ["admin"] }, META);
    await expect(setGroupMembership(session, admins.id, mo.id, true, META)).rejects.toBeInstanceOf(Forbidden);
    const other = await createUser(accountId, { role: "user" });
    await expect(setGroupMembership(session, admins.id, other.id, true, META)).rejects.toBeInstanceOf(Forbidden);
    // A group granting nothing beyond what they hold is fine.
    const plain = await createGroup(owner, { name: "Plain" }, META);
    await setGroupMembership(session, plain.id, other.id, true, META);
  });
});
