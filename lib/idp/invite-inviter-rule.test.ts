/**
 * "An invite is only as good as its inviter" (lib/invites/acceptance.ts inviterStillMayInvite) holds when
 * an external source accepts the invite too. Found by the round-12 review: an inviter whose invites:create
 * came from an extra role (or a group's role) and was taken away keeps their pending invites; /invite
 * refused the link as withdrawn, but signing in through an OIDC provider, LDAP or the proxy with the
 * invite's email still created the user with the invite's role and groups, even where the source lets
 * nobody new in (signup "existing").
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { InviteUnusable, lookupInvite } from "@/lib/invites/acceptance";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { findUserRowsByEmail } from "@/lib/users/records";
import { db } from "@/lib/db/database";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { ExternalSignInRefused, signInExternal, type ExternalPolicy } from "./external-sign-in";

let accountId: string;
let owner: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
});

describe("an invite withdrawn with its inviter's right is not accepted through an external source", () => {
  it("refuses the invite through OIDC once the inviter lost invites:create, as /invite does", async () => {
    const role = await createRole(owner, roleInputSchema.parse({ name: "Inviter", description: "", permissions: ["invites:read", "invites:create"] }), META);
    const inviterUser = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, inviterUser.id, { role_ids: [role.id] }, META);
    const inviter = await startSession(inviterUser);
    const email = "late-invitee@example.com";
    const { token } = await createInvite(inviter, createInviteSchema.parse({ email, name: "Late Invitee", role: "user", expires_in: 86_400 }), META);

    // The owner takes the inviting right away: the link on /invite is now withdrawn.
    await setUserRoles(owner, inviterUser.id, { role_ids: [] }, META);
    await expect(lookupInvite(token, META)).rejects.toBeInstanceOf(InviteUnusable);

    const policy: ExternalPolicy = {
      method: "oidc",
      sourceName: "Company IdP",
      signup: "existing",
      allowedDomains: [],
      allowLinking: false,
      matchByEmail: false,
      defaultRole: "user",
      defaultGroups: [],
    };
    const outcome = await signInExternal(accountId, { idpId: "review4-idp", subject: "late-1", email, emailVerified: true, name: null }, policy, META).catch(
      (err: unknown) => err,
    );
    expect(outcome).toBeInstanceOf(ExternalSignInRefused);
    expect((await findUserRowsByEmail(db(), email)).filter((r) => r.accountId === accountId)).toHaveLength(0);
  });
});
