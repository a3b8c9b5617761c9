/**
 * The rule every external source obeys (OIDC, LDAP, the proxy header): an
 * owner or admin (any privileged account: lib/auth/privileged.ts) is reached
 * only through an identity already bound to them, never by matching an email;
 * linking a regular user keeps their password (unless nobody had proven their
 * address: ./link-unproven-email.test.ts).
 */
import { openIdpSubject, sealIdpSubject } from "@/lib/db/idp-subject";
import { beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { db } from "@/lib/db/database";
import { activityEvents, sessions } from "@/lib/db/schema";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { createAccount, createUser, lastEvent, META, openWayIn, startSession, type TestUser, updateUserRow, userRow } from "@/test/factories";
import { ExternalSignInRefused, signInExternal, type ExternalPolicy } from "./external-sign-in";
import { handleOidcSignIn } from "./oidc";
import { createProvider } from "./providers";
import { providerInputSchema } from "./schemas";
import { updateTrustedHeader } from "./sign-in-settings";
import { signInWithTrustedHeader } from "./trusted-header";
import { refusal } from "@/test/refusal";

let accountId: string;
let owner: TestUser;
let admin: TestUser;
let ownerActor: Awaited<ReturnType<typeof startSession>>;

beforeAll(async () => {
  accountId = await createAccount();
  owner = await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" });
  admin = await createUser(accountId, { email: "admin@example.com", role: "admin", password: "admin passphrase" });
  ownerActor = await startSession(owner);
});

const sessionsOf = async (userId: string) => (await db().select().from(sessions)).filter((s) => s.userId === userId).length;

const linkingProvider = (name: string) =>
  createProvider(
    ownerActor,
    providerInputSchema.parse({ type: "oidc", name, issuer: "https://idp.example.com", client_id: "c", client_secret: "s", signup_policy: "existing", allow_linking: true }),
    META,
  );

describe("owners and admins are never claimed by email", () => {
  it("an OIDC provider that links by verified email refuses the owner and admins, and leaves their accounts alone", async () => {
    const p = await linkingProvider("Linking IdP");
    for (const who of [owner, admin]) {
      const before = (await userRow(who.id))!;
      const sessionsBefore = await sessionsOf(who.id);
      const err = await refusal(ExternalSignInRefused, () => handleOidcSignIn(p.id, { sub: `attacker-${who.role}`, email: who.email, email_verified: true }, META));
      expect(err.reason).toBe("privileged_account");
      expect(await lastEvent()).toMatchObject({ action: "user.login.failed", details: expect.objectContaining({ reason: "privileged_account" }) });
      expect(await userRow(who.id)).toEqual(before);
      expect((await userRow(who.id))!.passwordHash).not.toBeNull();
      expect(await sessionsOf(who.id)).toBe(sessionsBefore);
    }
  });

  it("the proxy header refuses the owner and admins by email, and still signs in users and auditors", async () => {
    const member = await createUser(accountId, { email: "member@example.com" });
    const auditor = await createUser(accountId, { email: "auditor@example.com", role: "auditor" });
    await updateTrustedHeader(
      ownerActor,
      { enabled: true, trusted_ranges: ["10.1.0.0/16"], user_header: "Remote-User", email_header: "Remote-Email", name_header: null, auto_create: false, default_role: "user" },
      META,
    );
    const asProxy = (user: string, email: string) => new Headers({ [PEER_HEADER]: "10.1.0.9", "remote-user": user, "remote-email": email });
    for (const who of [owner, admin]) {
      const sessionsBefore = await sessionsOf(who.id);
      expect((await refusal(ExternalSignInRefused, () => signInWithTrustedHeader(asProxy("mallory", who.email), META))).reason).toBe("privileged_account");
      // Nor with the email in the user header itself.
      expect((await refusal(ExternalSignInRefused, () => signInWithTrustedHeader(asProxy(who.email, who.email), META))).reason).toBe("privileged_account");
      expect(await sessionsOf(who.id)).toBe(sessionsBefore);
      expect(await userRow(who.id)).toMatchObject({ idpId: null });
      expect(openIdpSubject((await userRow(who.id))!)).toBe(null);
    }
    expect((await signInWithTrustedHeader(asProxy("mem", member.email), META)).userId).toBe(member.id);
    expect((await signInWithTrustedHeader(asProxy("aud", auditor.email), META)).userId).toBe(auditor.id);
  });

  it("no source claims an admin set up ahead of time for it by email", async () => {
    const waiting = await createUser(accountId, { email: "waiting-admin@example.com", role: "admin" });
    await updateUserRow(waiting.id, { idpId: "ldap-source-id", idpSubjectCiphertext: null, idpSubjectIndex: null });
    const policy: ExternalPolicy = {
      method: "ldap",
      sourceName: "Corp Directory",
      signup: "open",
      allowedDomains: [],
      allowLinking: false,
      matchByEmail: false,
      defaultRole: "user",
      defaultGroups: [],
    };
    await openWayIn(accountId, "ldap", "ldap-source-id");
    const who = { idpId: "ldap-source-id", subject: "wadmin", email: waiting.email, emailVerified: true, name: null };
    expect((await refusal(ExternalSignInRefused, () => signInExternal(accountId, who, policy, META))).reason).toBe("privileged_account");
    expect(await userRow(waiting.id)).toMatchObject({ idpId: "ldap-source-id" });
    expect(openIdpSubject((await userRow(waiting.id))!)).toBe(null);
  });

  it("an owner or admin already bound to a source signs in through it", async () => {
    const p = await linkingProvider("Bound IdP");
    await updateUserRow(admin.id, { ...sealIdpSubject(admin.id, p.id, "admin-at-idp") });
    const signed = await handleOidcSignIn(p.id, { sub: "admin-at-idp", email: "whatever@example.net", email_verified: true }, META);
    expect(signed).toMatchObject({ userId: admin.id, created: false, linked: false });
    await updateUserRow(admin.id, { idpId: null, idpSubjectCiphertext: null, idpSubjectIndex: null });
  });
});

describe("linking a regular user", () => {
  it("keeps their own password, so local sign-in keeps working", async () => {
    const p = await linkingProvider("Keeps Passwords");
    const local = await createUser(accountId, { email: "keeper@example.com", password: "keeper passphrase" });
    const hash = (await userRow(local.id))!.passwordHash;
    const signed = await handleOidcSignIn(p.id, { sub: "K1", email: local.email, email_verified: true }, META);
    expect(signed).toMatchObject({ userId: local.id, linked: true });
    expect(await userRow(local.id)).toMatchObject({ idpId: p.id, passwordHash: hash });
    expect(openIdpSubject((await userRow(local.id))!)).toBe("K1");
    const linked = (await db()
      .select()
      .from(activityEvents))
      .find((e) => e.action === "user.idp.linked" && e.targetId === local.id);
    expect(linked?.details).toMatchObject({ had_local_password: true, kept_local_password: true });
    await expect(signInWithPassword(local.email, "keeper passphrase", META)).resolves.toMatchObject({ userId: local.id });
  });

  it("proves an address nobody had proven: the provider vouched for this very address (email_verified)", async () => {
    const p = await linkingProvider("Proves Addresses");
    const unproven = await createUser(accountId, { email: "unproven-linked@example.com", emailVerified: false });
    expect((await userRow(unproven.id))!.emailVerifiedAt).toBeNull();
    await handleOidcSignIn(p.id, { sub: "P1", email: unproven.email, email_verified: true }, META);
    expect((await userRow(unproven.id))!.emailVerifiedAt).toBeInstanceOf(Date);
  });

  it("drops a temporary password an admin set (never chosen by the person), with its forced change", async () => {
    const p = await linkingProvider("Drops Temporary");
    const temp = await createUser(accountId, { email: "temp@example.com", password: "generated by an admin" });
    await updateUserRow(temp.id, { mustChangePassword: true });
    await handleOidcSignIn(p.id, { sub: "T1", email: temp.email, email_verified: true }, META);
    expect(await userRow(temp.id)).toMatchObject({ idpId: p.id, passwordHash: null, mustChangePassword: false });
  });
});
