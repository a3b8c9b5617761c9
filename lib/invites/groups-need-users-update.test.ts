/**
 * Apps trust group names (lib/auth/escalation.ts assertMayPutInGroups): people's groups are given by someone who
 * may change them (users:update). An invite's link goes back to its inviter, who could accept it with a password
 * of their own, so before this a recruiter (invites:create alone) invited an address of theirs into
 * "grafana-admins" and became a Grafana admin. Issuing, renewing and accepting an invite into groups now ask the
 * inviter for users:update, in the one inviter rule (./inviter-rule.ts grantWithin).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { Forbidden } from "@/lib/errors";
import { createGroup } from "@/lib/groups/groups";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { acceptInvite, InviteUnusable } from "./acceptance";
import { createInvite, listInvites, regenerateInvite } from "./invites";
import { createInviteSchema } from "./schemas";

let accountId: string;
let owner: SessionActor;
let recruiter: SessionActor;
let manager: SessionActor;
let appAdmins: string;

const invite = (actor: SessionActor, email: string, groups: string[]) =>
  createInvite(actor, createInviteSchema.parse({ email, name: "Someone", role: "user", auto_groups: groups, expires_in: 86_400 }), META);

async function personWithRole(name: string, permissions: string[]): Promise<SessionActor> {
  const role = await createRole(owner, { name, description: "", permissions: permissions as never }, META);
  const user = await createUser(accountId, { role: "user" });
  await setUserRoles(owner, user.id, { role_ids: [role.id] }, META);
  return startSession(user);
}

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
  appAdmins = (await createGroup(owner, { name: "grafana-admins" }, META)).id;
  recruiter = await personWithRole("Recruiter", ["invites:read", "invites:create"]);
  manager = await personWithRole("People manager", ["users:read", "users:update", "invites:read", "invites:create"]);
}, 60_000);

describe("an invite into groups is given by someone who may change people's groups", { timeout: 60_000 }, () => {
  it("a recruiter can't invite into a group, and can invite without one", async () => {
    await expect(invite(recruiter, "mine@example.com", [appAdmins])).rejects.toBeInstanceOf(Forbidden);
    await expect(invite(recruiter, "new.hire@example.com", [])).resolves.toBeDefined();
  });

  it("nor renew someone else's invite into a group, which would hand the link to the recruiter", async () => {
    const { invite: byOwner } = await invite(owner, "ops@example.com", [appAdmins]);
    await expect(regenerateInvite(recruiter, byOwner.id, 86_400, META)).rejects.toBeInstanceOf(Forbidden);
  });

  it("an inviter who loses users:update can't have their invites into groups accepted any more", async () => {
    const { invite: pending, token } = await invite(manager, "sre@example.com", [appAdmins]);
    const role = await createRole(owner, { name: "Inviter only", description: "", permissions: ["invites:read", "invites:create"] }, META);
    await setUserRoles(owner, manager.userId, { role_ids: [role.id] }, META);
    expect((await listInvites(owner)).items.map((i) => i.id)).not.toContain(pending.id);
    await expect(acceptInvite(token, "a long passphrase of the invitee 42", META)).rejects.toBeInstanceOf(InviteUnusable);
  });
});
