/**
 * "Nobody acts on someone who holds more" covers the changes that take roles from several people at once
 * (round 13's review): emptying a group's roles or deleting the group takes from each member what taking
 * them out of it would, and editing or deleting a role takes from each holder; each is refused when one of
 * them holds more than the actor (lib/auth/escalation.ts assertOutranksEach).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { Forbidden } from "@/lib/errors";
import { createGroup, deleteGroup } from "@/lib/groups/groups";
import { setGroupMembership } from "@/lib/users/group-members";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { setGroupRoles, setUserRoles } from "./assignments";
import { createRole, deleteRole, updateRole } from "./roles";

let owner: SessionActor;
let helper: SessionActor;
let senior: { id: string };
let accountId: string;
let viewerRoleId: string;

/** What Ops gives its members, and what the helper manages groups with (they hold the viewer role's permissions too). */
const VIEWER = ["events:read"] as const;
const GROUP_HELPER = ["users:read", "users:update", "groups:read", "groups:create", "groups:update", "groups:delete", "events:read"] as const;
/** What the senior holds beyond the helper. */
const SENIOR_EXTRA = ["users:delete", "users:block"] as const;

async function opsGroupWithSenior(name: string): Promise<string> {
  const group = await createGroup(owner, { name }, META);
  await setGroupRoles(owner, group.id, { role_ids: [viewerRoleId] }, META);
  await setGroupMembership(owner, group.id, senior.id, true, META);
  return group.id;
}

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  viewerRoleId = (await createRole(owner, { name: "Viewer", description: "", permissions: [...VIEWER] }, META)).id;
  const helperRole = await createRole(owner, { name: "Group helper", description: "", permissions: [...GROUP_HELPER] }, META);
  const seniorRole = await createRole(owner, { name: "Senior", description: "", permissions: [...SENIOR_EXTRA] }, META);
  const helperUser = await createUser(accountId, { role: "user" });
  await setUserRoles(owner, helperUser.id, { role_ids: [helperRole.id] }, META);
  helper = await startSession(helperUser);
  senior = await createUser(accountId, { role: "user" });
  await setUserRoles(owner, senior.id, { role_ids: [seniorRole.id] }, META);
}, 60_000);

describe("taking a group's roles from someone who holds more", { timeout: 60_000 }, () => {
  it("control: the helper may not take the senior out of the group (assertOutranks)", async () => {
    const ops = await opsGroupWithSenior("Ops control");
    await expect(setGroupMembership(helper, ops, senior.id, false, META)).rejects.toThrow(/holds permissions you don.t/);
  });

  it("nor empty the group's roles, which takes the same permissions from the senior", async () => {
    const ops = await opsGroupWithSenior("Ops roles");
    const outcome = await setGroupRoles(helper, ops, { role_ids: [] }, META).then(
      () => "the group's roles were emptied",
      (err: unknown) => err,
    );
    expect(outcome).toBeInstanceOf(Forbidden);
  });

  it("nor delete the group, which takes the same permissions from the senior", async () => {
    const ops = await opsGroupWithSenior("Ops delete");
    const outcome = await deleteGroup(helper, ops, META).then(
      () => "the group was deleted",
      (err: unknown) => err,
    );
    expect(outcome).toBeInstanceOf(Forbidden);
  });
});

describe("editing or deleting a role someone who holds more holds", { timeout: 60_000 }, () => {
  const ROLE_HELPER = ["roles:read", "roles:create", "roles:update", "roles:delete", "events:read", "users:read"] as const;
  let roleHelper: SessionActor;

  beforeAll(async () => {
    const role = await createRole(owner, { name: "Role helper", description: "", permissions: [...ROLE_HELPER] }, META);
    const user = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, user.id, { role_ids: [role.id] }, META);
    roleHelper = await startSession(user);
  });

  async function roleHeldBySenior(name: string) {
    const role = await createRole(owner, { name, description: "", permissions: ["events:read", "users:read"] }, META);
    const extra = [role.id];
    const seniorRoleId = (await createRole(owner, { name: `${name} senior`, description: "", permissions: [...SENIOR_EXTRA] }, META)).id;
    await setUserRoles(owner, senior.id, { role_ids: [...extra, seniorRoleId] }, META);
    return role;
  }

  it("refuses taking a permission from the role", async () => {
    const role = await roleHeldBySenior("Readers edit");
    await expect(updateRole(roleHelper, role.id, { name: role.name, description: "", permissions: ["users:read"] }, META)).rejects.toThrow(/Someone this change affects/);
  });

  it("refuses deleting the role", async () => {
    const role = await roleHeldBySenior("Readers delete");
    await expect(deleteRole(roleHelper, role.id, META)).rejects.toThrow(/Someone this change affects/);
  });

  it("allows both when no holder holds more, and adding a permission whoever holds it", async () => {
    const role = await createRole(owner, { name: "Readers free", description: "", permissions: ["events:read", "users:read"] }, META);
    const plain = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, plain.id, { role_ids: [role.id] }, META);
    await expect(updateRole(roleHelper, role.id, { name: role.name, description: "", permissions: ["users:read"] }, META)).resolves.toBeTruthy();
    await expect(deleteRole(roleHelper, role.id, META)).resolves.toBeUndefined();
    const held = await roleHeldBySenior("Readers grow");
    await expect(updateRole(roleHelper, held.id, { name: held.name, description: "", permissions: ["events:read", "users:read", "roles:read"] }, META)).resolves.toBeTruthy();
  });

  it("allows emptying a group's roles when no member holds more", async () => {
    const group = await createGroup(owner, { name: "Ops free" }, META);
    await setGroupRoles(owner, group.id, { role_ids: [viewerRoleId] }, META);
    const plain = await createUser(accountId, { role: "user" });
    await setGroupMembership(owner, group.id, plain.id, true, META);
    await expect(setGroupRoles(helper, group.id, { role_ids: [] }, META)).resolves.toEqual([]);
    await expect(deleteGroup(helper, group.id, META)).resolves.toBeUndefined();
  });
});
