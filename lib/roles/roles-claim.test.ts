/**
 * The `roles` claim carries role names, as `groups` carries group names, and apps map them to their own rights
 * (docs/oidc.md: Grafana's role_attribute_path, mod_auth_openidc's OIDC_CLAIM_roles). Review 29 (the hostile
 * insider) found the groups' rules missing for roles: a network admin gave themselves an app's role through a
 * group they are in, a role manager renamed the role they hold to a name an app maps, and a role name could hold
 * a comma or pass, case-folded, for a built-in role's id. Each is now refused as its group twin is
 * (lib/auth/escalation.ts, lib/roles/records.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { Conflict, Forbidden, Invalid } from "@/lib/errors";
import { createGroup } from "@/lib/groups/groups";
import { setGroupMembership } from "@/lib/users/group-members";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { setGroupRoles, setUserRoles } from "./assignments";
import { createRole, renameRoleRefusal, updateRole } from "./roles";

let accountId: string;
let owner: SessionActor;
let admin: SessionActor;
let networkAdmin: SessionActor;
let roleManager: SessionActor;
let member: { id: string };
/** A role with no permissions that an app maps ("grafana-admin" → Grafana admin), held by the app's real admins. */
let appAdminRoleId: string;
let managerRoleId: string;

const outcome = (p: Promise<unknown>) => p.then(() => "accepted", (err: unknown) => err);

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  admin = await startSession(await createUser(accountId, { role: "admin" }));
  networkAdmin = await startSession(await createUser(accountId, { role: "network_admin" }));
  member = await createUser(accountId, { role: "user" });
  appAdminRoleId = (await createRole(owner, { name: "grafana-admin", description: "Grafana maps it to Admin", permissions: [] }, META)).id;
  // A custom role that manages roles (and may read people), not people themselves.
  const managerUser = await createUser(accountId, { role: "user" });
  const managerRole = await createRole(owner, { name: "Role manager", description: "", permissions: ["roles:read", "roles:update", "users:read"] }, META);
  managerRoleId = managerRole.id;
  await setUserRoles(owner, managerUser.id, { role_ids: [managerRoleId] }, META);
  roleManager = await startSession(managerUser);
}, 60_000);

async function groupWith(name: string, ...memberIds: string[]): Promise<string> {
  const group = await createGroup(owner, { name }, META);
  for (const id of memberIds) await setGroupMembership(owner, group.id, id, true, META);
  return group.id;
}

describe("giving a role through a group is giving it to each member", { timeout: 60_000 }, () => {
  it("a network admin can't give themselves an app's role through a group they are in", async () => {
    const ops = await groupWith("Ops claim", networkAdmin.userId);
    const result = await outcome(setGroupRoles(networkAdmin, ops, { role_ids: [appAdminRoleId] }, META));
    expect(result).toBeInstanceOf(Forbidden);
  });

  it("nor give it to people, which needs users:update (as putting them in a group does)", async () => {
    const ops = await groupWith("Ops people", member.id);
    const result = await outcome(setGroupRoles(networkAdmin, ops, { role_ids: [appAdminRoleId] }, META));
    expect(result).toBeInstanceOf(Forbidden);
  });

  it("an admin can't give it to a group they are in either; the owner can", async () => {
    const ops = await groupWith("Ops admin", admin.userId);
    expect(await outcome(setGroupRoles(admin, ops, { role_ids: [appAdminRoleId] }, META))).toBeInstanceOf(Forbidden);
    expect(await outcome(setGroupRoles(owner, ops, { role_ids: [appAdminRoleId] }, META))).toBe("accepted");
  });

  it("control: an admin gives it to others' group, and a network admin sets an empty group's roles", async () => {
    expect(await outcome(setGroupRoles(admin, await groupWith("Ops others", member.id), { role_ids: [appAdminRoleId] }, META))).toBe("accepted");
    expect(await outcome(setGroupRoles(networkAdmin, await groupWith("Ops empty"), { role_ids: [appAdminRoleId] }, META))).toBe("accepted");
  });
});

describe("renaming a role is changing each holder's roles claim", { timeout: 60_000 }, () => {
  it("a role manager can't rename the role they hold to the name an app maps", async () => {
    const mine = (await createRole(owner, { name: "Support", description: "", permissions: [] }, META)).id;
    await setUserRoles(owner, roleManager.userId, { role_ids: [managerRoleId, mine] }, META);
    const result = await outcome(updateRole(roleManager, mine, { name: "grafana-editor" }, META));
    expect(result).toBeInstanceOf(Forbidden);
  });

  it("nor a role others hold without users:update", async () => {
    const theirs = (await createRole(owner, { name: "Viewers", description: "", permissions: [] }, META)).id;
    await setUserRoles(owner, member.id, { role_ids: [theirs] }, META);
    expect(await outcome(updateRole(roleManager, theirs, { name: "grafana-viewers" }, META))).toBeInstanceOf(Forbidden);
    expect(await outcome(updateRole(admin, theirs, { name: "grafana-viewers" }, META))).toBe("accepted");
  });

  it("control: a role nobody holds is renamed, and a held one's description changes", async () => {
    const unheld = (await createRole(owner, { name: "Unheld", description: "", permissions: [] }, META)).id;
    expect(await outcome(updateRole(roleManager, unheld, { name: "Unheld renamed" }, META))).toBe("accepted");
    expect(await outcome(updateRole(roleManager, managerRoleId, { description: "what it is for" }, META))).toBe("accepted");
  });
});

describe("the role's page says why before anyone tries (renameRoleRefusal), exactly as updateRole decides", { timeout: 60_000 }, () => {
  it.each([
    ["a role manager, the role they hold", () => roleManager, () => [roleManager.userId]],
    ["a role manager, a role a member holds", () => roleManager, () => [member.id]],
    ["an admin, a role a member holds", () => admin, () => [member.id]],
    ["a role manager, a role nobody holds", () => roleManager, () => []],
  ])("%s", async (_case, actorOf, holdersOf) => {
    const actor = actorOf();
    const name = `Page rename ${Math.random().toString(36).slice(2, 8)}`;
    const roleId = (await createRole(owner, { name, description: "", permissions: [] }, META)).id;
    for (const id of holdersOf()) await setUserRoles(owner, id, { role_ids: id === roleManager.userId ? [managerRoleId, roleId] : [roleId] }, META);
    const why = await renameRoleRefusal(actor, roleId);
    const result = await outcome(updateRole(actor, roleId, { name: `${name} renamed` }, META));
    expect(why === null ? "accepted" : why).toBe(result instanceof Forbidden ? result.message : result);
  });
});

describe("a role name can't pass for another in the claim", { timeout: 60_000 }, () => {
  it("a comma would split it into two roles where apps join the claim", async () => {
    expect(await outcome(createRole(owner, { name: "ops,admin", description: "", permissions: [] }, META))).toBeInstanceOf(Invalid);
    expect(await outcome(createRole(owner, { name: "ops，admin", description: "", permissions: [] }, META))).toBeInstanceOf(Invalid);
  });

  it("case folding: admın (dotless ı) is the built-in admin's id, whose capitals are the same", async () => {
    expect(await outcome(createRole(owner, { name: "admın", description: "", permissions: [] }, META))).toBeInstanceOf(Conflict);
    expect(await outcome(createRole(owner, { name: "GRAFANA-ADMIN", description: "", permissions: [] }, META))).toBeInstanceOf(Conflict);
  });
});
