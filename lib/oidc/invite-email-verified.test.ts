/**
 * Review 6: Latchkey tells apps email_verified: true for every address in its directory
 * (lib/oidc/accounts.ts claimsOf), on the grounds that an address was "set by an admin, an invite link
 * that went to them, or a confirmed change". But the link of an invite with an email does not only go
 * to that address: its creator gets the token back (createInvite returns it, also when it is mailed),
 * and anyone who may invite (a recruiter role with invites:create, no user management) can accept it
 * themselves. Apps that link accounts by a verified email (many do, for single sign-on roll-outs) then
 * hand the recruiter the existing app account of whoever owns that address. A person who accepted an
 * invite whose link was handed out (not proven by mail) should not be vouched for (false until they
 * confirm the address by a link mailed to it).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { acceptInvite } from "@/lib/invites/acceptance";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { roleInputSchema } from "@/lib/roles/schemas";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { claimsOf } from "./accounts";

let accountId: string;
let owner: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
});

describe("email_verified means the person proved the address", () => {
  it("is not true for an address a recruiter typed into an invite and accepted themselves", async () => {
    const recruiterRole = await createRole(owner, roleInputSchema.parse({ name: "Recruiter", description: "", permissions: ["invites:read", "invites:create"] }), META);
    const rita = await createUser(accountId, { role: "user" });
    await setUserRoles(owner, rita.id, { role_ids: [recruiterRole.id] }, META);
    // The CFO has no Latchkey account yet, but has had a Grafana account with this address for years.
    const { token } = await createInvite(await startSession(rita), createInviteSchema.parse({ email: "cfo@example.com", name: "CFO", role: "user", expires_in: 86_400 }), META);
    const created = await acceptInvite(token, "rita's passphrase for the cfo 71", META);
    const claims = await claimsOf((await userRow(created.userId))!, "openid email");
    expect(claims.email).toBe("cfo@example.com");
    expect(claims.email_verified, "what Latchkey tells apps about an address nobody proved").toBe(false);
  });
});
