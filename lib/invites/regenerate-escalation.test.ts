/**
 * Renewing an invite issues it again, so it follows the same rule as creating one: its role and the roles
 * its auto-groups grant must be the renewer's to give (lib/invites/invites.ts assertMayIssueInvite).
 * Found by the round-12 review: renewing checked only the primary role, so anyone with invites:create
 * renewed a pending invite an admin made into a powerful group, got the new link in the answer, accepted
 * it with a password of their choosing and held the group's roles.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { resolvePermissions } from "@/lib/auth/effective-permissions";
import { db } from "@/lib/db/database";
import { Forbidden } from "@/lib/errors";
import { createGroup } from "@/lib/groups/groups";
import { setGroupRoles, setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { acceptInvite } from "./acceptance";
import { createInvite, regenerateInvite } from "./invites";
import { createInviteSchema } from "./schemas";

let accountId: string;
let owner: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
});

describe("renewing an invite is granting its groups' roles", () => {
  it("someone who may invite, but not grant the group's roles, can't renew (and so take) the invite", async () => {
    const powerful = await createRole(owner, roleInputSchema.parse({ name: "People admin", description: "", permissions: ["users:read", "users:update", "users:delete"] }), META);
    const group = await createGroup(owner, { name: "People admins" }, META);
    await setGroupRoles(owner, group.id, { role_ids: [powerful.id] }, META);
    const { invite } = await createInvite(owner, createInviteSchema.parse({ email: "new-people-admin@example.com", name: "New Admin", role: "user", auto_groups: [group.id], expires_in: 86_400 }), META);

    const inviterRole = await createRole(owner, roleInputSchema.parse({ name: "Inviter", description: "", permissions: ["invites:read", "invites:create"] }), META);
    const helperUser = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, helperUser.id, { role_ids: [inviterRole.id] }, META);
    const helper = await startSession(helperUser);
    // Making the same invite themselves is refused…
    await expect(createInvite(helper, createInviteSchema.parse({ email: "other@example.com", name: "Other", role: "user", auto_groups: [group.id], expires_in: 86_400 }), META)).rejects.toBeInstanceOf(Forbidden);

    // …renewing the admin's is not, and hands them the link.
    let renewed: Awaited<ReturnType<typeof regenerateInvite>> | null = null;
    try {
      renewed = await regenerateInvite(helper, invite.id, 86_400, META);
    } catch (err) {
      expect(err).toBeInstanceOf(Forbidden);
    }
    if (renewed) {
      const created = await acceptInvite(renewed.token, "a passphrase the helper chose 88", META);
      const gained = await resolvePermissions(db(), { accountId, userId: created.userId, role: "user" });
      expect([...gained].filter((p) => !helper.permissions?.has(p)), "what the helper's new account holds beyond the helper").toEqual([]);
    }
    expect(renewed).toBeNull();
  });
});
