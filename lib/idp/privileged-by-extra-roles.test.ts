/**
 * Review 6: "an external source never reaches an owner or admin account by email" must hold for what a
 * person holds, not only for their primary role. A member whose admin powers come from an extra role, or
 * from a group that grants the admin role, is an admin account all the same: an identity provider that
 * links by verified email (or the proxy's match by email, or an LDAP directory whose mail attribute
 * someone can set) must not sign in as them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createGroup } from "@/lib/groups/groups";
import { setGroupRoles, setUserRoles } from "@/lib/roles/assignments";
import { setGroupMembership } from "@/lib/users/group-members";
import { createAccount, createUser, META, openWayIn, startSession } from "@/test/factories";
import { ExternalSignInRefused, signInExternal, type ExternalPolicy } from "./external-sign-in";

let accountId: string;
let ownerActor: Awaited<ReturnType<typeof startSession>>;

beforeAll(async () => {
  accountId = await createAccount();
  const owner = await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" });
  ownerActor = await startSession(owner);
});

const linking: ExternalPolicy = {
  method: "oidc",
  sourceName: "Linking IdP",
  signup: "existing",
  allowedDomains: [],
  allowLinking: true,
  matchByEmail: false,
  defaultRole: "user",
  defaultGroups: [],
};

async function refusalReason(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ExternalSignInRefused) return err.reason;
    throw err;
  }
  return "signed in";
}

describe("an admin by extra role or by group is never claimed by email", () => {
  it("refuses to link a member whose extra role is admin", async () => {
    const victim = await createUser(accountId, { email: "extra-admin@example.com", role: "user", password: "victim passphrase" });
    await setUserRoles(ownerActor, victim.id, { role_ids: ["admin"] }, META);
    await openWayIn(accountId, "oidc", "idp-extra");
    const who = { idpId: "idp-extra", subject: "attacker-1", email: victim.email, emailVerified: true, name: "Mallory" };
    expect(await refusalReason(() => signInExternal(accountId, who, linking, META))).toBe("privileged_account");
  });

  it("refuses to link a member of a group that grants the admin role", async () => {
    const victim = await createUser(accountId, { email: "group-admin@example.com", role: "user", password: "victim passphrase" });
    const admins = await createGroup(ownerActor, { name: "Admins" }, META);
    await setGroupRoles(ownerActor, admins.id, { role_ids: ["admin"] }, META);
    await setGroupMembership(ownerActor, admins.id, victim.id, true, META);
    await openWayIn(accountId, "oidc", "idp-group");
    const who = { idpId: "idp-group", subject: "attacker-2", email: victim.email, emailVerified: true, name: "Mallory" };
    expect(await refusalReason(() => signInExternal(accountId, who, linking, META))).toBe("privileged_account");
  });

  it("the proxy's match by email refuses them too", async () => {
    const victim = await createUser(accountId, { email: "proxy-admin@example.com", role: "auditor" });
    await setUserRoles(ownerActor, victim.id, { role_ids: ["admin"] }, META);
    const proxy: ExternalPolicy = { ...linking, method: "header", sourceName: "Proxy", allowLinking: false, matchByEmail: true };
    await openWayIn(accountId, "header", "header");
    const who = { idpId: "header", subject: "mallory", email: victim.email, emailVerified: true, name: null };
    expect(await refusalReason(() => signInExternal(accountId, who, proxy, META))).toBe("privileged_account");
  });
});
