import fs from "node:fs";
import { openIdpSubject } from "@/lib/db/idp-subject";
import { beforeAll, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { db } from "@/lib/db/database";
import { activityEvents, identityProviders, invites } from "@/lib/db/schema";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { Forbidden, Invalid, PreconditionFailed } from "@/lib/errors";
import { createGroup } from "@/lib/groups/groups";
import { groupIdsOfUser } from "@/lib/groups/membership";
import { resolveSession } from "@/lib/sessions/sessions";
import { openIdentity } from "@/lib/users/records";
import { createAccount, createUser, lastEvent, META, sqlite, startSession, updateUserRow, userRow } from "@/test/factories";
import { onSqlite } from "@/test/test-database";
import { toApiProvider } from "./api-shape";
import { ExternalSignInRefused } from "./external-sign-in";
import { handleOidcSignIn } from "./oidc";
import { createProvider, deleteProvider, listProviders, updateProvider } from "./providers";
import { openProviderSecret } from "./records";
import { providerInputSchema } from "./schemas";
import { refusal } from "@/test/refusal";

const SECRET = "very-secret-client-secret-9f3c1a";

let accountId: string;
let owner: Awaited<Awaited<ReturnType<typeof startSession>>>;
let member: Awaited<Awaited<ReturnType<typeof startSession>>>;

function input(overrides: Record<string, unknown> = {}) {
  return providerInputSchema.parse({
    type: "oidc",
    name: "Test IdP",
    issuer: "https://idp.example.com",
    client_id: "latchkey",
    client_secret: SECRET,
    ...overrides,
  });
}

beforeAll(async () => {
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
  member = await startSession(await createUser(accountId, { email: "member@example.com", role: "user" }));
});

describe("identity provider configuration", () => {
  it("stores the client secret sealed, never returns it and never logs it", async () => {
    const created = await createProvider(owner, input({ name: "Sealed" }), META);
    const row = (await db().select().from(identityProviders)).find((r) => r.id === created.id)!;
    expect(row.clientSecretCiphertext).not.toContain(SECRET);
    expect(openProviderSecret(row)).toBe(SECRET);
    expect(JSON.stringify(toApiProvider(created, "http://x"))).not.toContain(SECRET);
    expect(toApiProvider(created, "http://x").redirect_url).toBe(`http://x/api/auth/callback/${created.id}`);

    await updateProvider(owner, created.id, input({ name: "Sealed", client_secret: "a-brand-new-secret-value" }), META);
    expect(await lastEvent()).toMatchObject({ action: "identity_provider.updated" });
    expect(((await lastEvent())!.details as { changed: string[] }).changed).toContain("client_secret");
    const events = JSON.stringify((await db().select().from(activityEvents)));
    expect(events).not.toContain(SECRET);
    expect(events).not.toContain("a-brand-new-secret-value");
    if (onSqlite) {
      // The file at rest (PostgreSQL's columns at rest: lib/users/at-scale.test.ts dumps every text column).
      sqlite().pragma("wal_checkpoint(TRUNCATE)");
      const file = fs.readFileSync(config().databaseFile);
      expect(file.includes(Buffer.from(SECRET))).toBe(false);
    }

    // Leaving the secret out keeps the stored one.
    await updateProvider(owner, created.id, input({ name: "Sealed", client_secret: undefined, scopes: "openid email" }), META);
    const after = (await db().select().from(identityProviders)).find((r) => r.id === created.id)!;
    expect(openProviderSecret(after)).toBe("a-brand-new-secret-value");
  });

  it("lets a new provider in only people an admin created or invited, unless the owner chooses otherwise", async () => {
    const p = await createProvider(owner, input({ name: "Default policy" }), META);
    expect(p).toMatchObject({ signupPolicy: "existing", allowLinking: true, allowInternalAddresses: false });
    expect((await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, { sub: "s1", email: "stranger@corp.example", email_verified: true }, META))).reason).toBe("not_invited");
    // Open sign-up is an explicit choice, and then linking stays off unless asked for.
    expect(await createProvider(owner, input({ name: "Chosen open", signup_policy: "open" }), META)).toMatchObject({ signupPolicy: "open", allowLinking: false });
  });

  it("refuses members, a missing secret, a taken name and bad input", async () => {
    await expect(createProvider(member, input({ name: "Nope" }), META)).rejects.toThrow(Forbidden);
    await expect(listProviders(member)).rejects.toThrow(Forbidden);
    await expect(createProvider(owner, input({ name: "No secret", client_secret: undefined }), META)).rejects.toThrow(Invalid);
    await createProvider(owner, input({ name: "Unique" }), META);
    await expect(createProvider(owner, input({ name: "unique" }), META)).rejects.toThrow(Invalid);
    expect(providerInputSchema.safeParse({ type: "oidc", name: "x", issuer: "http://idp.example.com", client_id: "c" }).success).toBe(false);
    expect(providerInputSchema.safeParse({ type: "oidc", name: "x", issuer: "https://i.example", client_id: "c", scopes: "email" }).success).toBe(false);
    expect(providerInputSchema.safeParse({ type: "oidc", name: "x", issuer: "https://i.example", client_id: "c", signup_policy: "domains" }).success).toBe(false);
  });
});

describe("OIDC sign-in (just in time)", () => {
  it("creates a user with the provider's default role and groups, with no password, and a session", async () => {
    const group = await createGroup(owner, { name: "From IdP" }, META);
    const p = await createProvider(owner, input({ name: "Open IdP", signup_policy: "open", default_role: "auditor", auto_groups: [group.id] }), META);
    const signed = await handleOidcSignIn(p.id, { sub: "abc-1", email: "new@corp.example", email_verified: true, name: "New Person" }, META);
    expect(signed.created).toBe(true);
    const row = (await userRow(signed.userId))!;
    expect(row).toMatchObject({ role: "auditor", idpId: p.id, passwordHash: null });
    expect(openIdpSubject(row!)).toBe("abc-1");
    // The provider said email_verified (required to come in by email): the address is vouched for, as before.
    expect(row.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await groupIdsOfUser(db(), accountId, signed.userId)).toEqual([group.id]);
    expect(await resolveSession(signed.sessionId)).toMatchObject({ userId: signed.userId });
    expect(await lastEvent()).toMatchObject({ action: "user.login", actorId: signed.userId });

    // The same subject signs in as the same user next time.
    const again = await handleOidcSignIn(p.id, { sub: "abc-1", email: "new@corp.example", email_verified: true }, META);
    expect(again).toMatchObject({ userId: signed.userId, created: false });

    // Blocked users are refused, and no session is created.
    await updateUserRow(signed.userId, { isBlocked: true });
    expect((await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, { sub: "abc-1", email: "new@corp.example", email_verified: true }, META))).reason).toBe("blocked_user");
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", details: expect.objectContaining({ reason: "blocked_user" }) });
  });

  it("applies the allowed domains, needs a verified email, and never links without permission", async () => {
    const p = await createProvider(owner, input({ name: "Domains IdP", signup_policy: "domains", allowed_domains: ["corp.example"] }), META);
    expect((await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, { sub: "d1", email: "x@other.example", email_verified: true }, META))).reason).toBe("domain_not_allowed");
    expect((await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, { sub: "d2", email: "y@corp.example", email_verified: false }, META))).reason).toBe("email_not_verified");

    const local = await createUser(accountId, { email: "local@corp.example", password: "local passphrase" });
    expect((await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, { sub: "d3", email: "local@corp.example", email_verified: true }, META))).reason).toBe("email_taken");
    expect(await userRow(local.id)).toMatchObject({ idpId: null });
    expect((await userRow(local.id))!.passwordHash).not.toBeNull();
  });

  it("links an existing local user by verified email only where linking is allowed, and lets only existing users in", async () => {
    const p = await createProvider(owner, input({ name: "Linking IdP", signup_policy: "existing", allow_linking: true }), META);
    const local = await createUser(accountId, { email: "linkme@example.com", password: "local passphrase" });
    const signed = await handleOidcSignIn(p.id, { sub: "L1", email: "LinkMe@example.com", email_verified: true }, META);
    expect(signed).toMatchObject({ userId: local.id, linked: true, created: false });
    // Linked, and still with their own password.
    expect(await userRow(local.id)).toMatchObject({ idpId: p.id });
    expect(openIdpSubject((await userRow(local.id))!)).toBe("L1");
    expect((await userRow(local.id))!.passwordHash).not.toBeNull();
    expect((await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, { sub: "L2", email: "stranger@example.com", email_verified: true }, META))).reason).toBe("not_invited");
  });

  it("gives someone with an account at a linking provider nobody else's account (review 12, checked safe)", async () => {
    const p = await createProvider(owner, input({ name: "Permissive IdP", signup_policy: "open", allow_linking: true }), META);
    const victim = await createUser(accountId, { email: "victim@example.com", password: "victim passphrase" });
    // The victim's address, not vouched for: absent, false, or any other spelling of "not verified".
    for (const [sub, verified] of [["m1", undefined], ["m2", false], ["m3", "false"], ["m4", 1], ["m5", "yes"]] as const) {
      const claims = { sub, email: victim.email, ...(verified === undefined ? {} : { email_verified: verified }) };
      expect((await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, claims, META))).reason).toBe("email_not_verified");
    }
    // Microsoft's own "the domain's owner verified it" counts only for a Microsoft provider.
    expect((await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, { sub: "m6", email: victim.email, xms_edov: true }, META))).reason).toBe("email_not_verified");
    // A verified address that folds to the victim's (dotless ı; fullwidth letters, NFKC): no such address is an email here.
    for (const email of ["vıctim@example.com", "\uFF56ictim@example.com", "victim@\uFF45xample.com"]) {
      const refused = await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, { sub: `fold-${email}`, email, email_verified: true }, META));
      expect(refused.reason).toBe("no_email");
    }
    expect(await userRow(victim.id)).toMatchObject({ idpId: null });
    // Once linked, another subject at the same provider with the same verified address is not the person.
    await handleOidcSignIn(p.id, { sub: "victim-sub", email: victim.email, email_verified: true }, META);
    expect((await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, { sub: "attacker-sub", email: victim.email, email_verified: true }, META))).reason).toBe("email_taken");
    expect(openIdpSubject((await userRow(victim.id))!)).toBe("victim-sub");
  });

  it("lets an invited person in through an existing-users-only provider, with the invite's role and groups", async () => {
    const group = await createGroup(owner, { name: "Invited group" }, META);
    // An auditor's invite: one with admin powers is accepted through its link only (privileged-rule.test.ts).
    await createInvite(owner, createInviteSchema.parse({ email: "invited@example.com", username: "ivy.named", name: "Ivy Invited", role: "auditor", auto_groups: [group.id] }), META);
    const p = await createProvider(owner, input({ name: "Invite IdP", signup_policy: "existing", allow_linking: true }), META);
    const signed = await handleOidcSignIn(p.id, { sub: "inv-1", email: "invited@example.com", email_verified: true, preferred_username: "other" }, META);
    expect(await userRow(signed.userId)).toMatchObject({ role: "auditor", idpId: p.id, passwordHash: null });
    // usernames: the username the admin named on the invite, not the provider's.
    expect(openIdentity((await userRow(signed.userId))!).username).toBe("ivy.named");
    expect(await groupIdsOfUser(db(), accountId, signed.userId)).toEqual([group.id]);
    expect((await db().select().from(invites)).length).toBe(0);
  });

  it("refuses deleting a provider people sign in with", async () => {
    const p = await createProvider(owner, input({ name: "Has users", signup_policy: "open" }), META);
    await handleOidcSignIn(p.id, { sub: "u1", email: "hasusers@example.com", email_verified: true }, META);
    await expect(deleteProvider(owner, p.id, META)).rejects.toThrow(PreconditionFailed);
    const empty = await createProvider(owner, input({ name: "Empty" }), META);
    await deleteProvider(owner, empty.id, META);
    expect(await lastEvent()).toMatchObject({ action: "identity_provider.deleted", targetId: empty.id });
  });
});
