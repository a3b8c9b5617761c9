/**
 * Deleting a group takes the roles it grants from every member, so it is checked as emptying its roles is
 * (assertMayGrantRoles in lib/groups/groups.ts deleteGroup). Found by the round-12 review: NetBird's
 * built-in network_admin (groups:* plus two reads) could delete the group through which admins get their
 * role, while setGroupRoles(group, []) by the same person was refused.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { resolvePermissions } from "@/lib/auth/effective-permissions";
import { db } from "@/lib/db/database";
import { Forbidden } from "@/lib/errors";
import { setGroupRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { setGroupMembership } from "@/lib/users/group-members";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { createGroup, deleteGroup } from "./groups";

let accountId: string;
let owner: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
});

describe("deleting a group is taking its roles away", () => {
  it("a network admin can't delete a group whose roles grant more than they hold", async () => {
    const role = await createRole(owner, roleInputSchema.parse({ name: "People admin", description: "", permissions: ["users:read", "users:update", "users:delete"] }), META);
    const group = await createGroup(owner, { name: "People admins" }, META);
    await setGroupRoles(owner, group.id, { role_ids: [role.id] }, META);
    const member = await createUser(accountId, { role: "user" });
    await setGroupMembership(owner, group.id, member.id, true, META);
    expect((await resolvePermissions(db(), { accountId, userId: member.id, role: "user" })).has("users:delete")).toBe(true);

    const networkAdmin = await startSession(await createUser(accountId, { role: "network_admin" }));
    // The same change made directly is refused…
    await expect(setGroupRoles(networkAdmin, group.id, { role_ids: [] }, META)).rejects.toBeInstanceOf(Forbidden);
    // …and must be refused when made by deleting the group.
    await expect(deleteGroup(networkAdmin, group.id, META)).rejects.toBeInstanceOf(Forbidden);
    expect((await resolvePermissions(db(), { accountId, userId: member.id, role: "user" })).has("users:delete")).toBe(true);
  });
});
