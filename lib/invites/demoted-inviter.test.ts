/**
 * Review 6: "an invite is only as good as its inviter" checks only that the inviter still holds
 * invites:create (lib/invites/inviter-rule.ts mayInvite), not that they may still give what the invite
 * gives. An admin who is demoted but keeps the right to invite (a recruiter role) keeps every pending
 * invite they made as an admin: an admin-role invite to an address they control (or a link-only invite
 * they hold) makes them an admin again after the demotion. Creating or renewing the same invite after
 * the demotion is refused (assertMayIssueInvite); accepting it must be too.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { createGroup } from "@/lib/groups/groups";
import { resolvePermissions } from "@/lib/auth/effective-permissions";
import { db } from "@/lib/db/database";
import { setGroupRoles, setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { updateUser } from "@/lib/users/lifecycle";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { acceptInvite } from "./acceptance";
import { createInvite } from "./invites";
import { createInviteSchema } from "./schemas";

let accountId: string;
let owner: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
});

describe("an invite gives no more than its inviter may still give", () => {
  it("an admin-role invite made before its inviter was demoted to a recruiter doesn't make an admin", async () => {
    const recruiter = await createRole(owner, roleInputSchema.parse({ name: "Recruiter", description: "", permissions: ["invites:read", "invites:create"] }), META);
    const mallory = await createUser(accountId, { role: "admin" });
    const asAdmin = await startSession(mallory);
    // While still an admin: an admin invite, the link kept (no email: a link handed over by hand).
    const { token } = await createInvite(asAdmin, createInviteSchema.parse({ name: "Spare key", role: "admin", expires_in: 7 * 86_400 }), META);

    // The owner demotes Mallory but lets her keep inviting people.
    await setUserRoles(owner, mallory.id, { role_ids: [recruiter.id] }, META);
    await updateUser(owner, mallory.id, { role: "user" }, META);
    const asRecruiter = await startSession(mallory);
    // She may no longer make that invite…
    await expect(createInvite(asRecruiter, createInviteSchema.parse({ name: "Another", role: "admin", expires_in: 86_400 }), META)).rejects.toThrow();

    // …but the one she made before still works, and its account is an admin.
    let createdRole: string | null = null;
    try {
      const created = await acceptInvite(token, "a spare passphrase mallory chose 42", META, new Date(), "spare-key");
      createdRole = (await userRow(created.userId))!.role;
    } catch {
      createdRole = null;
    }
    expect(createdRole, "the role of the account the old invite made").not.toBe("admin");
  });

  it("an invite into a group that has since been given the admin role doesn't make an admin of a recruiter's invitee", async () => {
    // Inviting into groups needs the power to change people's groups (./inviter-rule.ts).
    const recruiter = await createRole(owner, roleInputSchema.parse({ name: "Recruiter 2", description: "", permissions: ["invites:read", "invites:create", "users:read", "users:update"] }), META);
    const rita = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, rita.id, { role_ids: [recruiter.id] }, META);
    const staff = await createGroup(owner, { name: "Staff" }, META);
    // A group with no roles: Rita may put invitees in it.
    const { token } = await createInvite(await startSession(rita), createInviteSchema.parse({ name: "Spare key 2", role: "user", auto_groups: [staff.id], expires_in: 7 * 86_400 }), META);
    // Later an admin makes the group an admins' group; Rita never held those powers.
    await setGroupRoles(owner, staff.id, { role_ids: ["admin"] }, META);

    let gained: string[] = [];
    try {
      const created = await acceptInvite(token, "a spare passphrase rita chose 43", META, new Date(), "spare-key-2");
      gained = [...(await resolvePermissions(db(), { accountId, userId: created.userId, role: "user" }))].filter((p) => p === "users:delete" || p === "roles:update");
    } catch {
      gained = [];
    }
    expect(gained, "admin powers the recruiter's invitee got").toEqual([]);
  });
});
