/**
 * Review 6: the rule "an external source never reaches an owner or admin account by email"
 * (lib/idp/external-sign-in.ts) stops at existing accounts. A pending invite with the admin role is
 * reached by email all the same: acceptPendingInvite runs before the signup policy, so a directory whose
 * mail attribute a person can set (LDAP always counts as verified), or any source that vouches for an
 * email it doesn't own, turns someone else's admin invite into an admin account bound to that source,
 * even with sign-up closed ("existing") and linking off. The invitee's own link is the way in for such
 * an invite; an external sign-in by email should only accept invites the rule would let it link.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { ExternalSignInRefused, signInExternal, type ExternalPolicy } from "./external-sign-in";

let accountId: string;
let owner: SessionActor;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { role: "owner" }));
});

const directory: ExternalPolicy = {
  method: "ldap",
  sourceName: "Corp Directory",
  signup: "existing",
  allowedDomains: [],
  allowLinking: false,
  matchByEmail: false,
  defaultRole: "user",
  defaultGroups: [],
};

describe("an admin invite is not accepted by an email match", () => {
  it("a directory user whose mail attribute names the invitee doesn't become an admin", async () => {
    await createInvite(owner, createInviteSchema.parse({ email: "new-admin@example.com", name: "New Admin", role: "admin", expires_in: 86_400 }), META);
    // Mallory, a directory user, sets her mail attribute to the invitee's address and signs in on the form.
    const who = { idpId: "ldap-source", subject: "mallory", email: "new-admin@example.com", emailVerified: true, name: "Mallory", username: "mallory" };
    let role: string | null = null;
    try {
      const signed = await signInExternal(accountId, who, directory, META);
      role = (await userRow(signed.userId))!.role;
    } catch (err) {
      expect(err).toBeInstanceOf(ExternalSignInRefused);
    }
    expect(role, "the role the directory user got from someone else's invite").not.toBe("admin");
  });
});
