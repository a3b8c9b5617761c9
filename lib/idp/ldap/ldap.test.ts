/**
 * LDAP against a real OpenLDAP server (Debian's slapd, started here on a
 * loopback port with a small fixture directory). Without slapd installed
 * these tests fail and say what to install.
 */
import net from "node:net";
import { openIdpSubject } from "@/lib/db/idp-subject";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LDAP_ADMIN, LDAP_BASE, LDAP_PEOPLE, startSlapd, type Slapd } from "@/e2e/support/slapd";
import { CredentialsMissing, SignInFailed, SignInRefused, SignInUnavailable, signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { confirmTotpSetup, startTotpSetup } from "@/lib/mfa/factors";
import { completeSecondStep, SecondStepRequired } from "@/lib/mfa/second-step";
import { totpCode } from "@/lib/mfa/totp";
import { db } from "@/lib/db/database";
import { createGroup } from "@/lib/groups/groups";
import { groupIdsOfUser } from "@/lib/groups/membership";
import { NotThePerson } from "@/lib/sessions/only-person";
import { resolveSession } from "@/lib/sessions/sessions";
import { sessions } from "@/lib/db/schema";
import { createAccount, createUser, lastEvent, META, startSession, userRow } from "@/test/factories";
import { ldapInputSchema } from "../schemas";
import { saveLdapSource, testLdapSource } from "./source";

let slapd: Slapd;
let accountId: string;
let owner: Awaited<ReturnType<typeof startSession>>;

const settings = (over: Record<string, unknown> = {}) =>
  ldapInputSchema.parse({
    name: "Corp Directory",
    enabled: true,
    url: slapd.url,
    // slapd runs on loopback without TLS in tests: both are the owner's explicit choices.
    allow_unencrypted: true,
    allow_internal_addresses: true,
    bind_dn: LDAP_ADMIN.dn,
    bind_password: LDAP_ADMIN.password,
    search_base: `ou=people,${LDAP_BASE}`,
    ...over,
  });

beforeAll(async () => {
  slapd = await startSlapd();
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
}, 30_000);

afterAll(async () => {
  await slapd?.stop();
});

async function refused(identifier: string, password: string): Promise<SignInFailed> {
  const err = await signInWithPassword(identifier, password, META).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SignInFailed);
  return err as SignInFailed;
}

describe("LDAP source", () => {
  it("tests the connection with a clear message either way", async () => {
    expect(await testLdapSource(owner, settings())).toMatchObject({ ok: true, message: expect.stringContaining("finds 3 users") });
    const wrong = await testLdapSource(owner, settings({ bind_password: "not the password" }));
    expect(wrong).toMatchObject({ ok: false, message: expect.stringContaining("refused the bind DN") });
    const down = await testLdapSource(owner, settings({ url: "ldap://127.0.0.1:1" }));
    // Refused, timed out or not LDAP all read the same: the test is no port scanner.
    expect(down).toMatchObject({ ok: false, message: expect.stringContaining("Could not connect") });
    // A port where something else answers reads like a closed one, and none of its answer is shown.
    const other = net.createServer((socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\ninternal-service-banner"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const otherUrl = `ldap://127.0.0.1:${(other.address() as net.AddressInfo).port}`;
    const answered = await testLdapSource(owner, settings({ url: otherUrl })).finally(() => other.close());
    expect(answered.ok).toBe(false);
    expect(answered.message).toBe(down.message.replace("ldap://127.0.0.1:1", otherUrl));
  });

  it("connects to loopback only when internal addresses are allowed, and never to link-local or metadata addresses", async () => {
    const loopback = await testLdapSource(owner, settings({ allow_internal_addresses: false }));
    expect(loopback).toMatchObject({ ok: false, message: expect.stringContaining("Allow internal addresses") });
    for (const url of ["ldap://169.254.169.254:389", "ldap://[fd00:ec2::254]:389", "ldap://100.100.100.200:389"]) {
      expect(await testLdapSource(owner, settings({ url }))).toMatchObject({ ok: false, message: expect.stringContaining("never contacts") });
    }
  });

  it("needs an explicit choice for ldap:// without StartTLS", async () => {
    const parsed = ldapInputSchema.safeParse({ url: slapd.url, bind_dn: LDAP_ADMIN.dn, bind_password: "x", search_base: LDAP_BASE });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ["allow_unencrypted"] });
    expect(ldapInputSchema.safeParse({ url: slapd.url, start_tls: true, bind_dn: LDAP_ADMIN.dn, search_base: LDAP_BASE }).success).toBe(true);
    expect(ldapInputSchema.safeParse({ url: "ldaps://ldap.example.com", bind_dn: LDAP_ADMIN.dn, search_base: LDAP_BASE }).success).toBe(true);
  });

  it("stores the bind password sealed and keeps it when left empty", async () => {
    const saved = await saveLdapSource(owner, settings({ enabled: false }), META);
    expect(saved).toMatchObject({ bindPasswordSet: true });
    expect(JSON.stringify(saved)).not.toContain(LDAP_ADMIN.password);
    expect(JSON.stringify(await lastEvent())).not.toContain(LDAP_ADMIN.password);
    await saveLdapSource(owner, settings({ enabled: false, bind_password: undefined }), META);
    expect(await lastEvent()).toMatchObject({ action: "ldap.created" }); // nothing changed: no new event
  });
});

describe("directory sign-in on the normal form", () => {
  it("creates a directory user at the first sign-in, with no local password, and signs them in again", async () => {
    await saveLdapSource(owner, settings(), META);
    const first = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META);
    const row = (await userRow(first.userId))!;
    expect(row).toMatchObject({ passwordHash: null, role: "user" });
    // Bound by the entry's own id (OpenLDAP's entryUUID), not the username that a new person could be given later.
    expect(openIdpSubject(row!)).toMatch(/^entryuuid:[0-9a-f-]{36}$/);
    expect(await resolveSession(first.sessionId)).toMatchObject({ userId: first.userId });
    expect(await lastEvent()).toMatchObject({ action: "user.login", details: expect.objectContaining({ method: "ldap" }) });
    // Again by username, and by email.
    expect((await signInWithPassword("Dora", LDAP_PEOPLE.dora.password, META)).userId).toBe(first.userId);
    expect((await signInWithPassword(LDAP_PEOPLE.dora.email, LDAP_PEOPLE.dora.password, META)).userId).toBe(first.userId);
  });

  it("sends a directory user with an authenticator app to the same second step as a local user: no session on the password alone", async () => {
    await saveLdapSource(owner, settings(), META);
    const first = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META);
    const dora = await startSession({ id: first.userId, accountId });
    // A directory account has no local password: its sign-in a moment ago is the proof (lib/mfa/proof.ts).
    const { secret } = await startTotpSetup(dora, {}, META);
    await confirmTotpSetup(dora, { code: totpCode(secret, new Date(Date.now() - 30_000)) }, META, new Date(Date.now() - 30_000));
    const step = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META).catch((e: unknown) => e);
    expect(step).toBeInstanceOf(SecondStepRequired);
    expect(await lastEvent()).not.toMatchObject({ action: "user.login" });
    const signedIn = await completeSecondStep((step as SecondStepRequired).token, totpCode(secret, new Date()), META);
    expect(signedIn.userId).toBe(first.userId);
    expect(await lastEvent()).toMatchObject({ action: "user.login", details: expect.objectContaining({ method: "ldap", second_factor: "totp" }) });
  });

  it("reads filter characters in the username as text, and never binds with an empty password (review 11)", async () => {
    await saveLdapSource(owner, settings(), META);
    // With dora's own password: a wildcard or an injected clause must not find her (or anyone).
    for (const typed of ["*", "d*", "dora*", "dora)(uid=*", "*)(|(uid=*", "dora\\", "dora\u0000"]) await refused(typed, LDAP_PEOPLE.dora.password);
    // An empty password would be an anonymous bind, which servers accept: it never gets as far as the directory
    // (no attempt at all: lib/sign-in/password-sign-in.ts), and one of spaces reaches it and is refused.
    await expect(signInWithPassword("dora", "", META)).rejects.toBeInstanceOf(CredentialsMissing);
    await refused("dora", "   ");
  });

  it("gives a wrong directory password, an unknown name and a wrong local password the same message", async () => {
    await createUser(accountId, { email: "local@example.com", password: "local user passphrase" });
    const wrong = await refused("dora", "not dora's password");
    const unknown = await refused("nobody-here", "whatever password");
    const local = await refused("local@example.com", "wrong local password");
    expect(wrong.message).toBe(unknown.message);
    expect(local.message).toBe(unknown.message);
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", details: expect.objectContaining({ reason: "wrong_password" }) });
    // Local users still sign in with LDAP on.
    await expect(signInWithPassword("local@example.com", "local user passphrase", META)).resolves.toMatchObject({ mustChangePassword: false });
  });

  it("maps directory groups and refuses new people when auto-create is off", async () => {
    const engineering = await createGroup(owner, { name: "Engineering" }, META);
    await saveLdapSource(owner, settings({ group_search_base: `ou=groups,${LDAP_BASE}`, group_mapping: [{ ldap_group: "engineers", group_id: engineering.id }] }), META);
    const eve = await signInWithPassword("eve", LDAP_PEOPLE.eve.password, META);
    expect(await groupIdsOfUser(db(), accountId, eve.userId)).toEqual([engineering.id]);

    await saveLdapSource(owner, settings({ auto_create: false }), META);
    const err = await refused("nomail", LDAP_PEOPLE.nomail.password);
    expect(err).toBeInstanceOf(SignInRefused);
    expect((err as SignInRefused).reason).toBe("no_email");
  });

  it("refuses a right directory password for someone else than the person an app asked to confirm it's them", async () => {
    await saveLdapSource(owner, settings(), META);
    const pat = await createUser(accountId, { email: "pat.confirm@example.com", password: "pat's own passphrase" });
    const sessionCount = async () => (await db().select().from(sessions)).length;
    const before = await sessionCount();
    const err = await signInWithPassword("eve", LDAP_PEOPLE.eve.password, META, undefined, undefined, pat.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotThePerson);
    expect(await sessionCount()).toBe(before);
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", targetId: pat.id, details: expect.objectContaining({ reason: "not_the_person", method: "ldap" }) });
    // A wrong directory password there reads as any wrong password.
    const wrong = await signInWithPassword("eve", "not eve's password", META, undefined, undefined, pat.id).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(SignInFailed);
    expect(wrong).not.toBeInstanceOf(NotThePerson);
    expect((wrong as Error).message).toBe((await refused("nobody-here", "whatever password")).message);
  });

  it("keeps local sign-in working while the directory is down", async () => {
    await saveLdapSource(owner, settings({ url: "ldap://127.0.0.1:1" }), META);
    await expect(signInWithPassword("local@example.com", "local user passphrase", META)).resolves.toBeTruthy();
    expect(await refused("dora", LDAP_PEOPLE.dora.password)).toBeInstanceOf(SignInUnavailable);
  });
});
