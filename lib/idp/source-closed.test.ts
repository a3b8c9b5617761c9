/**
 * A way in switched off or deleted leaves nobody signed in through it (lib/idp/source-closed.ts): the
 * sessions made through it end, with the app grants of the people signed out, and the change's event says
 * how many sessions ended. Sessions made another way stay, and so do other people's grants.
 */
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LDAP_PEOPLE, ldapSettings, startSlapd, type Slapd } from "@/e2e/support/slapd";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { ldapSources, oidcModels, sessions, users } from "@/lib/db/schema";
import { PEER_HEADER } from "@/lib/http/request-meta";
import { OidcAdapter } from "@/lib/oidc/adapter";
import { resolveSession } from "@/lib/sessions/sessions";
import { confirmTotpSetup, startTotpSetup } from "@/lib/mfa/factors";
import { completeSecondStep, SecondStepExpired, SecondStepRequired } from "@/lib/mfa/second-step";
import { totpCode } from "@/lib/mfa/totp";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, lastEvent, META, startSession, updateUserRow } from "@/test/factories";
import { refusal } from "@/test/refusal";
import { ExternalSignInRefused, signInExternal, type ExternalPolicy } from "./external-sign-in";
import { signInWithDirectory } from "./ldap/sign-in";
import { saveLdapSource } from "./ldap/source";
import { HEADER_IDP_ID, loadSignInSettings } from "./records";
import { handleOidcSignIn } from "./oidc";
import { createProvider, deleteProvider, setProviderEnabled, updateProvider } from "./providers";
import { ldapInputSchema, providerInputSchema } from "./schemas";
import { updateTrustedHeader } from "./sign-in-settings";
import { headerPolicy, signInWithTrustedHeader } from "./trusted-header";

let accountId: string;
let owner: Awaited<ReturnType<typeof startSession>>;
let slapd: Slapd;

const provider = (name: string) =>
  createProvider(owner, providerInputSchema.parse({ type: "oidc", name, issuer: "https://idp.example.com", client_id: "latchkey", client_secret: "s3cret-client-secret", signup_policy: "open" }), META);

async function grantFor(userId: string): Promise<void> {
  const grantId = crypto.randomUUID();
  await new OidcAdapter("Grant").upsert(grantId, { accountId: userId, clientId: "lka_wiki" } as never, 3600);
  await new OidcAdapter("RefreshToken").upsert(crypto.randomUUID(), { accountId: userId, clientId: "lka_wiki", grantId } as never, 3600);
}
const appRows = (userId: string) => db().select({ name: oidcModels.name }).from(oidcModels).where(eq(oidcModels.userId, userId));
const alive = async (sessionId: string) => (await resolveSession(sessionId)) !== null;

beforeAll(async () => {
  slapd = await startSlapd();
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
});
afterAll(async () => {
  await slapd?.stop();
});

describe("switching a way in off", () => {
  it("disabling an identity provider ends the sessions made through it and their people's app grants, nothing else", async () => {
    const closing = await provider("Closing IdP");
    const staying = await provider("Staying IdP");
    const viaClosing = await handleOidcSignIn(closing.id, { sub: "c-1", email: "c1@corp.example", email_verified: true }, META);
    const viaStaying = await handleOidcSignIn(staying.id, { sub: "s-1", email: "s1@corp.example", email_verified: true }, META);
    const local = await startSession(await createUser(accountId, { password: "local passphrase" }));
    await grantFor(viaClosing.userId);
    await grantFor(viaStaying.userId);
    await grantFor(local.userId);

    const disabled = await setProviderEnabled(owner, closing.id, false, META);
    expect(disabled.enabled).toBe(false);
    expect(await lastEvent()).toMatchObject({ action: "identity_provider.disabled", details: expect.objectContaining({ sessions_ended: 1 }) });
    expect(await alive(viaClosing.sessionId)).toBe(false);
    expect(await appRows(viaClosing.userId)).toEqual([]);
    // Another provider's sessions, password sessions and their grants stay; so does the owner's.
    expect([await alive(viaStaying.sessionId), await alive(local.sessionId), await alive(owner.sessionId)]).toEqual([true, true, true]);
    expect(await appRows(viaStaying.userId)).toHaveLength(2);
    expect(await appRows(local.userId)).toHaveLength(2);
  });

  it("ends the sessions from before the method was recorded of the people who belong to the provider", async () => {
    const p = await provider("Old sessions IdP");
    const person = await handleOidcSignIn(p.id, { sub: "o-1", email: "o1@corp.example", email_verified: true }, META);
    const other = await startSession(await createUser(accountId, { password: "other passphrase" }));
    // As a row written before the column existed: no method.
    await writeSystem((tx) => tx.update(sessions).set({ signInMethod: null }).where(eq(sessions.id, person.sessionId)));
    await writeSystem((tx) => tx.update(sessions).set({ signInMethod: null }).where(eq(sessions.id, other.sessionId)));
    await updateProvider(owner, p.id, { enabled: false, name: "Old sessions IdP (retired)" }, META);
    expect(await lastEvent()).toMatchObject({ action: "identity_provider.updated", details: expect.objectContaining({ sessions_ended: 1 }) });
    expect(await alive(person.sessionId)).toBe(false);
    expect(await alive(other.sessionId)).toBe(true);
  });

  it("deleting a provider ends sessions still made through it (its person since moved elsewhere)", async () => {
    const p = await provider("Deleted IdP");
    const person = await handleOidcSignIn(p.id, { sub: "d-1", email: "d1@corp.example", email_verified: true }, META);
    await grantFor(person.userId);
    // The person no longer belongs to it (deleting a provider with people is refused), but their session was made through it.
    await updateUserRow(person.userId, { idpId: null, idpSubjectIndex: null, idpSubjectCiphertext: null, idpSubjectPlaintext: null });
    await deleteProvider(owner, p.id, META);
    expect(await lastEvent()).toMatchObject({ action: "identity_provider.deleted", details: expect.objectContaining({ sessions_ended: 1 }) });
    expect(await alive(person.sessionId)).toBe(false);
    expect(await appRows(person.userId)).toEqual([]);
  });

  it("turning the proxy header off ends the sessions it made", async () => {
    await createUser(accountId, { email: "proxied@example.com", username: "proxied", password: "proxied passphrase" });
    await updateTrustedHeader(owner, { enabled: true, trusted_ranges: ["10.1.0.0/16"], user_header: "Remote-User", email_header: "Remote-Email", auto_create: false, default_role: "user" }, META);
    const signed = await signInWithTrustedHeader(new Headers({ [PEER_HEADER]: "10.1.0.9", "remote-user": "proxied", "remote-email": "proxied@example.com" }), META);
    const local = await startSession({ id: signed.userId, accountId });
    await updateTrustedHeader(owner, { enabled: false }, META);
    expect(await lastEvent()).toMatchObject({ action: "sign_in.trusted_header.updated", details: expect.objectContaining({ sessions_ended: 1 }) });
    expect(await alive(signed.sessionId)).toBe(false);
    // The same person's password session was not made by the proxy.
    expect(await alive(local.sessionId)).toBe(true);
  });

  it("narrowing the proxy header's trust (a range taken out, another user header) ends the sessions it made; widening doesn't", async () => {
    await createUser(accountId, { email: "narrowed@example.com", username: "narrowed", password: "narrowed passphrase" });
    const header = (user: string) => new Headers({ [PEER_HEADER]: "10.2.0.9", [user]: "narrowed", "remote-email": "narrowed@example.com" });
    await updateTrustedHeader(owner, { enabled: true, trusted_ranges: ["10.2.0.0/16", "10.3.0.0/16"], user_header: "Remote-User", email_header: "Remote-Email", auto_create: false, default_role: "user" }, META);
    const first = await signInWithTrustedHeader(header("remote-user"), META);
    // Widened (a range added) or another setting: its sessions stay.
    await updateTrustedHeader(owner, { trusted_ranges: ["10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16"], auto_create: true }, META);
    expect((await lastEvent()).details).not.toHaveProperty("sessions_ended");
    expect(await alive(first.sessionId)).toBe(true);
    // A range taken out (before: the session went on through a proxy no longer trusted).
    await updateTrustedHeader(owner, { trusted_ranges: ["10.2.0.0/16", "10.4.0.0/16"] }, META);
    expect(await lastEvent()).toMatchObject({ action: "sign_in.trusted_header.updated", details: expect.objectContaining({ sessions_ended: 1 }) });
    expect(await alive(first.sessionId)).toBe(false);
    // The user read from another header.
    const second = await signInWithTrustedHeader(header("remote-user"), META);
    await updateTrustedHeader(owner, { user_header: "X-Forwarded-User" }, META);
    expect(await lastEvent()).toMatchObject({ details: expect.objectContaining({ sessions_ended: 1 }) });
    expect(await alive(second.sessionId)).toBe(false);
    await updateTrustedHeader(owner, { enabled: false }, META);
  });

  it("switching the LDAP directory off ends the sessions it made", async () => {
    await saveLdapSource(owner, ldapInputSchema.parse(ldapSettings(slapd, { name: "Corp Directory", auto_create: true })), META);
    const signed = await signInWithPassword(LDAP_PEOPLE.dora.uid, LDAP_PEOPLE.dora.password, META);
    await grantFor(signed.userId);
    await saveLdapSource(owner, { enabled: false }, META);
    expect(await lastEvent()).toMatchObject({ action: "ldap.updated", details: expect.objectContaining({ sessions_ended: 1 }) });
    expect(await alive(signed.sessionId)).toBe(false);
    expect(await appRows(signed.userId)).toEqual([]);
  });

  it("switching the LDAP directory off ends a second step begun through it: the code no longer makes a session", async () => {
    await saveLdapSource(owner, ldapInputSchema.parse(ldapSettings(slapd, { name: "Corp Directory", auto_create: true })), META);
    const eve = await startSession({ id: (await signInWithPassword(LDAP_PEOPLE.eve.uid, LDAP_PEOPLE.eve.password, META)).userId, accountId });
    const earlier = new Date(Date.now() - 30_000);
    const { secret } = await startTotpSetup(eve, {}, META);
    await confirmTotpSetup(eve, { code: totpCode(secret, earlier) }, META, earlier);
    // A local person half way through their own second step, at the same time.
    const local = await createUser(accountId, { password: "local second-step passphrase" });
    const localSecret = (await startTotpSetup(await startSession(local), { password: "local second-step passphrase" }, META)).secret;
    await confirmTotpSetup(await startSession(local), { code: totpCode(localSecret, earlier) }, META, earlier);
    const eveStep = await signInWithPassword(LDAP_PEOPLE.eve.uid, LDAP_PEOPLE.eve.password, META).catch((e: unknown) => e);
    const localStep = await signInWithPassword(local.email, "local second-step passphrase", META).catch((e: unknown) => e);
    expect([eveStep, localStep].map((e) => e instanceof SecondStepRequired)).toEqual([true, true]);

    await saveLdapSource(owner, { enabled: false }, META);
    await expect(completeSecondStep((eveStep as SecondStepRequired).token, totpCode(secret, new Date()), META)).rejects.toThrow(SecondStepExpired);
    // The local person's step was not made through the directory.
    expect((await completeSecondStep((localStep as SecondStepRequired).token, totpCode(localSecret, new Date()), META)).userId).toBe(local.id);
  });
});

/**
 * A sign-in checks its source outside the write lock (the directory's bind, the provider's token exchange, the
 * header's settings) and makes its session under it. A switch-off committing in between ends what was made through
 * the source, so the sign-in's write asks again (wayInStillOpen, lib/idp/way-in.ts): before, its session (or its
 * second step) was made after the switch-off and stayed.
 */
describe("a sign-in whose source is switched off while it runs", () => {
  const sessionsOf = async (userId: string) => (await db().select().from(sessions).where(eq(sessions.userId, userId))).length;

  it("a directory sign-in whose bind passed before LDAP was switched off makes no session and no second step", async () => {
    await saveLdapSource(owner, ldapInputSchema.parse(ldapSettings(slapd, { name: "Corp Directory", auto_create: true })), META);
    const first = await signInWithPassword(LDAP_PEOPLE.dora.uid, LDAP_PEOPLE.dora.password, META);
    // The sign-in read the source while it was on; the switch-off commits before its write.
    const [read] = await db().select().from(ldapSources).where(eq(ldapSources.accountId, accountId));
    await saveLdapSource(owner, { enabled: false }, META);
    const before = await sessionsOf(first.userId);
    let askedSecondStep = false;
    const beforeSession = async () => {
      askedSecondStep = true;
      return null;
    };
    const lookup = { typed: LDAP_PEOPLE.dora.uid, boundTo: null };
    const err = await refusal(ExternalSignInRefused, () => signInWithDirectory(read, lookup, LDAP_PEOPLE.dora.password, META, { beforeSession }));
    expect(err.reason).toBe("source_closed");
    expect(err.message).toBe("Corp Directory was switched off as a way to sign in just now. Sign in another way, or ask an admin.");
    expect(askedSecondStep).toBe(false);
    expect(await sessionsOf(first.userId)).toBe(before);
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", details: expect.objectContaining({ reason: "source_closed" }) });
  });

  it("an identity provider's callback finishing after it was disabled makes no session", async () => {
    const closing = await provider("Closed Meanwhile IdP");
    const first = await handleOidcSignIn(closing.id, { sub: "m-1", email: "m1@corp.example", email_verified: true }, META);
    await setProviderEnabled(owner, closing.id, false, META);
    const before = await sessionsOf(first.userId);
    const who = { idpId: closing.id, subject: "m-1", email: "m1@corp.example", emailVerified: true, name: null };
    const policy: ExternalPolicy = { method: "oidc", sourceName: closing.name, signup: "open", allowedDomains: [], allowLinking: false, matchByEmail: false, defaultRole: "user", defaultGroups: [] };
    expect((await refusal(ExternalSignInRefused, () => signInExternal(accountId, who, policy, META))).reason).toBe("source_closed");
    expect(await sessionsOf(first.userId)).toBe(before);
  });

  it("a proxy header sign-in finishing after the header was turned off makes no session", async () => {
    await updateTrustedHeader(owner, { enabled: true, trusted_ranges: ["10.1.0.0/16"], user_header: "Remote-User", email_header: "Remote-Email", auto_create: true, default_role: "user" }, META);
    const settings = await loadSignInSettings(db(), accountId);
    await updateTrustedHeader(owner, { enabled: false }, META);
    const who = { idpId: HEADER_IDP_ID, subject: "late-proxied", email: "late-proxied@example.com", emailVerified: false, name: null };
    expect((await refusal(ExternalSignInRefused, () => signInExternal(accountId, who, headerPolicy(settings), META))).reason).toBe("source_closed");
    expect(await db().select().from(users).where(eq(users.accountId, accountId))).not.toContainEqual(expect.objectContaining({ idpId: HEADER_IDP_ID }));
  });
});
