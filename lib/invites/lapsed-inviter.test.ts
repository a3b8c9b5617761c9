/**
 * An invite never outlives its inviter's right to invite, whichever way that right goes: the primary role,
 * an extra role taken away, a custom role edited or deleted, a group's roles changed, leaving the group or
 * the group deleted. Their pending invites are withdrawn in the same change (the Invites list no longer
 * shows them; the link says "withdrawn"); a change that leaves the right in place withdraws nothing.
 * Round 12's review left this open: only a primary-role change withdrew them.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { createGroup, deleteGroup } from "@/lib/groups/groups";
import { InviteUnusable, lookupInvite } from "@/lib/invites/acceptance";
import { createInvite, listInvites } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { setGroupRoles, setUserRoles } from "@/lib/roles/assignments";
import { createRole, deleteRole, updateRole } from "@/lib/roles/roles";
import { setGroupMembership } from "@/lib/users/group-members";
import { updateUser } from "@/lib/users/lifecycle";
import { createAccount, createUser, lastEvent, META, startSession } from "@/test/factories";

const INVITING = ["invites:read", "invites:create"] as const;

let owner: SessionActor;
let accountId: string;
let seq = 0;

beforeEach(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
});

async function inviteAs(inviter: SessionActor): Promise<string> {
  seq += 1;
  const email = `lapsed-${seq}@example.com`;
  const { token } = await createInvite(inviter, createInviteSchema.parse({ email, name: `Invitee ${seq}`, role: "user", expires_in: 86_400 }), META);
  return token;
}

const pending = async () => (await listInvites(owner)).items.length;

async function expectWithdrawn(token: string) {
  expect(await pending()).toBe(0);
  await expect(lookupInvite(token, META)).rejects.toBeInstanceOf(InviteUnusable);
}

/**
 * A user whose only right to invite comes from a custom role, given directly or through a group; `intoGroups`: the
 * role also changes people's groups (users:update), which an invite into groups needs (./inviter-rule.ts).
 */
async function inviterThrough(via: "extra" | "group", { intoGroups = false } = {}) {
  const permissions = intoGroups ? [...INVITING, "users:read", "users:update"] as const : INVITING;
  const role = await createRole(owner, { name: `Inviter ${++seq}`, description: "", permissions: [...permissions] }, META);
  const user = await createUser(accountId, { role: "user" });
  const group = await createGroup(owner, { name: `Inviters ${seq}` }, META);
  if (via === "extra") await setUserRoles(owner, user.id, { role_ids: [role.id] }, META);
  else {
    await setGroupRoles(owner, group.id, { role_ids: [role.id] }, META);
    await setGroupMembership(owner, group.id, user.id, true, META);
  }
  const token = await inviteAs(await startSession(user));
  expect(await pending()).toBe(1);
  return { role, user, group, token };
}

describe("an inviter who loses invites:create loses their pending invites", () => {
  it("when the extra role that gave it is taken away", async () => {
    const { user, token } = await inviterThrough("extra");
    await setUserRoles(owner, user.id, { role_ids: [] }, META);
    await expectWithdrawn(token);
    const event = await lastEvent();
    expect(event?.action).toBe("user.roles.changed");
    expect(event?.details).toMatchObject({ invites_withdrawn: 1 });
  });

  it("when the custom role is edited to drop it", async () => {
    const { role, token } = await inviterThrough("extra");
    await updateRole(owner, role.id, { name: role.name, description: "", permissions: ["invites:read"] }, META);
    await expectWithdrawn(token);
  });

  it("when the custom role is deleted", async () => {
    const { role, token } = await inviterThrough("group");
    await deleteRole(owner, role.id, META);
    await expectWithdrawn(token);
  });

  it("when the group's roles no longer include it", async () => {
    const { group, token } = await inviterThrough("group");
    await setGroupRoles(owner, group.id, { role_ids: [] }, META);
    await expectWithdrawn(token);
  });

  it("when they leave the group", async () => {
    const { group, user, token } = await inviterThrough("group");
    await setGroupMembership(owner, group.id, user.id, false, META);
    await expectWithdrawn(token);
  });

  it("when they are taken out of the group on their own page", async () => {
    const { user, token } = await inviterThrough("group");
    await updateUser(owner, user.id, { auto_groups: [] }, META);
    await expectWithdrawn(token);
  });

  it("when the group is deleted", async () => {
    const { group, token } = await inviterThrough("group");
    await deleteGroup(owner, group.id, META);
    await expectWithdrawn(token);
  });

  it("when their primary role drops it (as before)", async () => {
    const admin = await createUser(accountId, { role: "admin" });
    const token = await inviteAs(await startSession(admin));
    await updateUser(owner, admin.id, { role: "user" }, META);
    await expectWithdrawn(token);
  });
});

describe("a change that leaves the right in place withdraws nothing", () => {
  it("keeps the invites of someone who still holds invites:create through another role", async () => {
    const { user, role } = await inviterThrough("group");
    await setUserRoles(owner, user.id, { role_ids: [role.id] }, META);
    const other = await createRole(owner, { name: `Readers ${++seq}`, description: "", permissions: ["users:read"] }, META);
    // The extra role goes, the group's role stays: still an inviter.
    await setUserRoles(owner, user.id, { role_ids: [other.id] }, META);
    await updateRole(owner, other.id, { name: other.name, description: "", permissions: ["groups:read"] }, META);
    expect(await pending()).toBe(1);
  });

  it("keeps an admin's invites when they are moved to a role that also invites", async () => {
    const admin = await createUser(accountId, { role: "admin" });
    const role = await createRole(owner, { name: `Inviter ${++seq}`, description: "", permissions: [...INVITING] }, META);
    await setUserRoles(owner, admin.id, { role_ids: [role.id] }, META);
    await inviteAs(await startSession(admin));
    // Primary role "user" can't invite, but the extra role can: the invite stays usable and listed.
    await updateUser(owner, admin.id, { role: "user" }, META);
    expect(await pending()).toBe(1);
  });
});

describe("an invite its inviter may no longer give is withdrawn, the others stay", () => {
  it("when the group it assigns is given a role beyond the inviter", async () => {
    const { user } = await inviterThrough("extra", { intoGroups: true });
    const staff = await createGroup(owner, { name: `Staff ${++seq}` }, META);
    const asInviter = await startSession(user);
    const plain = await inviteAs(asInviter);
    const { token: intoStaff } = await createInvite(asInviter, createInviteSchema.parse({ name: "Into staff", role: "user", auto_groups: [staff.id], expires_in: 86_400 }), META);
    expect(await pending()).toBe(3);
    await setGroupRoles(owner, staff.id, { role_ids: ["admin"] }, META);
    const event = await lastEvent();
    expect(event?.action).toBe("group.roles.changed");
    expect(event?.details).toMatchObject({ invites_withdrawn: 1 });
    await expect(lookupInvite(intoStaff, META)).rejects.toBeInstanceOf(InviteUnusable);
    expect((await lookupInvite(plain, META)).valid).toBe(true);
    expect(await pending()).toBe(2);
  });

  it("when an admin is moved to a role that invites but can't give admin", async () => {
    const admin = await createUser(accountId, { role: "admin" });
    const role = await createRole(owner, { name: `Inviter ${++seq}`, description: "", permissions: [...INVITING] }, META);
    await setUserRoles(owner, admin.id, { role_ids: [role.id] }, META);
    const asAdmin = await startSession(admin);
    const plain = await inviteAs(asAdmin);
    const { token: adminInvite } = await createInvite(asAdmin, createInviteSchema.parse({ name: "Another admin", role: "admin", expires_in: 86_400 }), META);
    await updateUser(owner, admin.id, { role: "user" }, META);
    expect(await lastEvent()).toMatchObject({ action: "invite.withdrawn", details: { invites: 1, reason: "inviter_role_changed" } });
    await expect(lookupInvite(adminInvite, META)).rejects.toBeInstanceOf(InviteUnusable);
    expect((await lookupInvite(plain, META)).valid).toBe(true);
  });
});
