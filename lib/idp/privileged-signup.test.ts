/**
 * Open sign-up plus a privileged default role is an explicit choice (./privileged-signup.ts): a provider
 * that creates accounts by itself and gives them more than a user's powers (by its role, or by the roles of
 * its default groups) is refused unless the request says accept_privileged_signup, at that field.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Invalid } from "@/lib/errors";
import { createGroup } from "@/lib/groups/groups";
import { setGroupRoles } from "@/lib/roles/assignments";
import { createAccount, createUser, META, startSession } from "@/test/factories";
import { getLdapSource, saveLdapSource } from "./ldap/source";
import { createProvider, updateProvider } from "./providers";
import { getSignInSettings, updateTrustedHeader } from "./sign-in-settings";
import { providerInputSchema } from "./schemas";

let owner: Awaited<ReturnType<typeof startSession>>;
let n = 0;

const input = (over: Record<string, unknown> = {}) =>
  providerInputSchema.parse({ type: "oidc", name: `Sign-up IdP ${++n}`, issuer: "https://idp.example.com", client_id: "latchkey", client_secret: "s3cret-client-secret", ...over });

async function refusedField(fn: () => Promise<unknown>): Promise<string[] | undefined> {
  const err = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Invalid);
  return (err as Invalid).fieldErrors.accept_privileged_signup;
}

beforeAll(async () => {
  const accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
});

describe("open sign-up with a privileged default role", () => {
  it("is refused at the confirming field, naming the role, unless the request accepts it", async () => {
    const [message] = (await refusedField(() => createProvider(owner, input({ signup_policy: "open", default_role: "admin" }), META))) ?? [];
    expect(message).toContain('"admin"');
    expect(await refusedField(() => createProvider(owner, input({ signup_policy: "domains", allowed_domains: ["corp.example"], default_role: "admin" }), META))).toHaveLength(1);
    expect(await createProvider(owner, input({ signup_policy: "open", default_role: "admin", accept_privileged_signup: true }), META)).toMatchObject({ defaultRole: "admin" });
  });

  it("counts the roles of the default groups, as the privileged rule does", async () => {
    const admins = await createGroup(owner, { name: "Sign-up admins" }, META);
    await setGroupRoles(owner, admins.id, { role_ids: ["admin"] }, META);
    expect(await refusedField(() => createProvider(owner, input({ signup_policy: "open", default_role: "user", auto_groups: [admins.id] }), META))).toHaveLength(1);
  });

  it("leaves alone what makes nobody privileged by itself: a user or auditor role, sign-up of existing people only, or approval", async () => {
    await createProvider(owner, input({ signup_policy: "open", default_role: "auditor" }), META);
    await createProvider(owner, input({ signup_policy: "existing", default_role: "admin" }), META);
    await createProvider(owner, input({ signup_policy: "open", default_role: "admin", require_approval: true }), META);
  });

  it("an edit that opens sign-up (or raises the role) asks; an edit of a provider already so does not ask again", async () => {
    const p = await createProvider(owner, input({ signup_policy: "existing", default_role: "admin" }), META);
    expect(await refusedField(() => updateProvider(owner, p.id, { signup_policy: "open" }, META))).toHaveLength(1);
    const approved = await createProvider(owner, input({ signup_policy: "open", default_role: "admin", require_approval: true }), META);
    expect(await refusedField(() => updateProvider(owner, approved.id, { require_approval: false }, META))).toHaveLength(1);
    await updateProvider(owner, p.id, { signup_policy: "open", accept_privileged_signup: true }, META);
    expect(await updateProvider(owner, p.id, { name: "Renamed sign-up IdP" }, META)).toMatchObject({ signupPolicy: "open", defaultRole: "admin" });
  });
});

/**
 * LDAP and the proxy header create accounts too (auto-create: whoever the directory or the proxy vouches for),
 * with their default role; LDAP also gives the groups its directory groups map to. The same rule holds them.
 */
describe("auto-create with a privileged default role or mapped groups, on LDAP and the proxy header", () => {
  const ldap = (over: Record<string, unknown> = {}) => ({
    enabled: false,
    url: "ldaps://ldap.example.com:636",
    bind_dn: "cn=latchkey,dc=example,dc=com",
    bind_password: "bind passphrase",
    search_base: "ou=people,dc=example,dc=com",
    auto_create: true,
    default_role: "user",
    ...over,
  });
  const header = (over: Record<string, unknown> = {}) => ({ trusted_ranges: ["10.1.0.0/16"], user_header: "Remote-User", auto_create: true, default_role: "user", ...over });

  it("LDAP: an admin default role, or a directory group mapped to an admin group, is refused unless accepted; a user role or no auto-create is not", async () => {
    const [message] = (await refusedField(() => saveLdapSource(owner, ldap({ default_role: "admin" }), META))) ?? [];
    expect(message).toContain('"admin"');
    const admins = await createGroup(owner, { name: "Directory admins" }, META);
    await setGroupRoles(owner, admins.id, { role_ids: ["admin"] }, META);
    const mapped = { group_search_base: "ou=groups,dc=example,dc=com", group_mapping: [{ ldap_group: "wheel", group_id: admins.id }] };
    const [groupsMessage] = (await refusedField(() => saveLdapSource(owner, ldap(mapped), META))) ?? [];
    expect(groupsMessage).toMatch(/groups/);
    expect(await getLdapSource(owner)).toBeNull();
    // Without auto-create, only people set up ahead of time come in: nothing to confirm.
    await saveLdapSource(owner, ldap({ default_role: "admin", auto_create: false, ...mapped }), META);
    expect(await refusedField(() => saveLdapSource(owner, { auto_create: true }, META))).toHaveLength(1);
    expect(await saveLdapSource(owner, { auto_create: true, accept_privileged_signup: true }, META)).toMatchObject({ autoCreate: true, defaultRole: "admin" });
    // Already so: later edits don't ask again.
    expect(await saveLdapSource(owner, { name: "Corp LDAP" }, META)).toMatchObject({ name: "Corp LDAP" });
  });

  it("the proxy header: an admin default role with auto-create is refused unless accepted; auditor is not", async () => {
    const [message] = (await refusedField(() => updateTrustedHeader(owner, header({ default_role: "admin" }), META))) ?? [];
    expect(message).toContain('"admin"');
    expect((await getSignInSettings(owner)).headerDefaultRole).toBe("user");
    await updateTrustedHeader(owner, header({ default_role: "auditor" }), META);
    expect(await refusedField(() => updateTrustedHeader(owner, { default_role: "admin" }, META))).toHaveLength(1);
    expect(await updateTrustedHeader(owner, { default_role: "admin", accept_privileged_signup: true }, META)).toMatchObject({ headerDefaultRole: "admin", headerAutoCreate: true });
    expect(await updateTrustedHeader(owner, { user_header: "X-Remote-User" }, META)).toMatchObject({ headerUser: "X-Remote-User" });
  });
});
