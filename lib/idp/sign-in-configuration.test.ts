/**
 * Who may configure sign-in (only the owner; admins and auditors read), that
 * the check is made on the caller as they are when the change commits, and
 * that a stored secret is never sent to an endpoint it wasn't saved for.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/policy";
import { db } from "@/lib/db/database";
import { activityEvents, identityProviders } from "@/lib/db/schema";
import { Forbidden, Invalid } from "@/lib/errors";
import { createAccount, createUser, META, startSession, updateUserRow } from "@/test/factories";
import { getLdapSource, saveLdapSource, testLdapSource } from "./ldap/source";
import { createProvider, deleteProvider, getProvider, listProviders, setProviderEnabled, updateProvider } from "./providers";
import { openProviderSecret } from "./records";
import { ldapInputSchema, providerInputSchema } from "./schemas";
import { getSignInSettings, setLocalSignIn, updateTrustedHeader } from "./sign-in-settings";

const BIND_PASSWORD = "stored-bind-password-7c1e";
const CLIENT_SECRET = "stored-client-secret-4b9d";

let owner: Actor;
let admin: Actor;
let auditor: Actor;

const provider = (over: Record<string, unknown> = {}) =>
  providerInputSchema.parse({ type: "oidc", name: "Corp SSO", issuer: "https://idp.example.com", client_id: "latchkey", client_secret: CLIENT_SECRET, ...over });

const ldap = (over: Record<string, unknown> = {}) =>
  ldapInputSchema.parse({
    enabled: false,
    url: "ldap://ldap.example.com:389",
    allow_unencrypted: true,
    bind_dn: "cn=latchkey,dc=example,dc=com",
    bind_password: BIND_PASSWORD,
    search_base: "ou=people,dc=example,dc=com",
    ...over,
  });

const header = { enabled: true, trusted_ranges: ["10.0.0.7"], user_header: "X-Who", email_header: null, name_header: null, auto_create: false, default_role: "user" as const };

/** A plain TCP server that records whatever a client sends it and hangs up. */
let catcher: net.Server;
let caught = "";
let catcherUrl: string;

beforeAll(async () => {
  const accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
  admin = await startSession(await createUser(accountId, { email: "admin@example.com", role: "admin", password: "admin passphrase" }));
  auditor = await startSession(await createUser(accountId, { email: "auditor@example.com", role: "auditor" }));
  catcher = net.createServer((socket) => {
    socket.on("data", (chunk) => {
      caught += chunk.toString("latin1");
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => catcher.listen(0, "127.0.0.1", resolve));
  catcherUrl = `ldap://127.0.0.1:${(catcher.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  catcher?.close();
});

const events = async () => (await db().select().from(activityEvents)).length;

describe("only the owner configures sign-in", () => {
  it("lets admins and auditors read the configuration but change nothing", async () => {
    const p = await createProvider(owner, provider(), META);
    await saveLdapSource(owner, ldap(), META);
    expect(can(owner, "settings:sign_in")).toBe(true);
    for (const reader of [admin, auditor]) {
      expect(can(reader, "settings:sign_in")).toBe(false);
      expect((await listProviders(reader)).map((x) => x.id)).toContain(p.id);
      expect((await getProvider(reader, p.id)).name).toBe("Corp SSO");
      expect((await getSignInSettings(reader)).headerEnabled).toBe(false);
      expect(await getLdapSource(reader)).toMatchObject({ url: "ldap://ldap.example.com:389", bindPasswordSet: true });
    }

    const before = await events();
    await expect(createProvider(admin, provider({ name: "Admin's SSO" }), META)).rejects.toThrow(Forbidden);
    await expect(updateProvider(admin, p.id, provider({ client_secret: undefined, default_role: "admin" }), META)).rejects.toThrow(Forbidden);
    await expect(setProviderEnabled(admin, p.id, false, META)).rejects.toThrow(Forbidden);
    await expect(deleteProvider(admin, p.id, META)).rejects.toThrow(Forbidden);
    await expect(setLocalSignIn(admin, { local_login_enabled: false }, META)).rejects.toThrow(Forbidden);
    // The attack this stops: an admin trusting their own address and naming the header.
    await expect(updateTrustedHeader(admin, header, META)).rejects.toThrow(Forbidden);
    await expect(saveLdapSource(admin, ldap({ url: catcherUrl }), META)).rejects.toThrow(Forbidden);
    await expect(testLdapSource(admin)).rejects.toThrow(Forbidden);
    await expect(testLdapSource(admin, ldap({ url: catcherUrl, bind_password: undefined }))).rejects.toThrow(Forbidden);
    expect(caught).toBe("");
    expect(await events()).toBe(before);
    expect((await getSignInSettings(owner)).headerEnabled).toBe(false);
    expect(await getProvider(owner, p.id)).toMatchObject({ enabled: true, defaultRole: "user" });
  });

  it("checks the caller as they are when the change commits, not as they were when the request came in", async () => {
    const otherAccount = await createAccount();
    const former = await createUser(otherAccount, { email: "former-owner@example.com", role: "owner" });
    const stale = await startSession(former);
    // Ownership moved on while the request was in flight.
    await updateUserRow(former.id, { role: "admin" });
    expect(stale.role).toBe("owner");

    const before = await events();
    await expect(createProvider(stale, provider({ name: "Late SSO" }), META)).rejects.toThrow(Forbidden);
    await expect(setLocalSignIn(stale, { local_login_enabled: false }, META)).rejects.toThrow(Forbidden);
    await expect(updateTrustedHeader(stale, header, META)).rejects.toThrow(Forbidden);
    await expect(saveLdapSource(stale, ldap(), META)).rejects.toThrow(Forbidden);
    await expect(testLdapSource(stale, ldap({ url: catcherUrl }))).rejects.toThrow(Forbidden);
    expect(caught).toBe("");
    expect(await events()).toBe(before);
    expect((await db().select().from(identityProviders)).filter((r) => r.accountId === otherAccount)).toEqual([]);
  });
});

async function invalid(fn: () => unknown): Promise<Invalid> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Invalid);
    return err as Invalid;
  }
  throw new Error("expected Invalid");
}

describe("a stored secret only goes where it was saved for", () => {
  it("asks for the bind password again when the LDAP server, StartTLS, bind DN, search bases or filters change, to save or to test", async () => {
    await saveLdapSource(owner, ldap(), META);
    const changes = [
      { url: catcherUrl, allow_internal_addresses: true },
      { start_tls: true },
      { bind_dn: "cn=someone-else,dc=example,dc=com" },
      // Other searches would let the editor run blind queries as the service account through "Test connection".
      { search_base: "ou=staff,dc=example,dc=com" },
      { user_filter: "(&(uid={username})(userPassword=a*))" },
      { group_search_base: "ou=groups,dc=example,dc=com" },
      { group_filter: "(&(member={dn})(description=secret*))" },
    ];
    for (const change of changes) {
      const err = await invalid(() => saveLdapSource(owner, ldap({ ...change, bind_password: undefined }), META));
      expect(err.fieldErrors.bind_password?.[0]).toContain("again");
      const tested = await testLdapSource(owner, ldap({ ...change, bind_password: undefined })).catch((e: unknown) => e);
      expect(tested).toBeInstanceOf(Invalid);
      expect((tested as Invalid).fieldErrors.bind_password?.[0]).toContain("again");
    }
    expect(caught).not.toContain(BIND_PASSWORD);
    expect(caught).toBe("");
    expect(await getLdapSource(owner)).toMatchObject({ url: "ldap://ldap.example.com:389", startTls: false });

    // Other fields can change without it, and a new password with the new server is fine.
    expect(await saveLdapSource(owner, ldap({ bind_password: undefined, name: "Staff directory", email_attribute: "email" }), META)).toMatchObject({ bindPasswordSet: true });
    expect(await saveLdapSource(owner, ldap({ url: "ldaps://ldap2.example.com:636", bind_password: "the new one" }), META)).toMatchObject({ url: "ldaps://ldap2.example.com:636" });
  });

  it("asks for the client secret again when the issuer or client ID changes", async () => {
    const p = await createProvider(owner, provider({ name: "Moving SSO" }), META);
    for (const change of [{ issuer: "https://evil.example.net" }, { client_id: "someone-else" }]) {
      const err = await invalid(() => updateProvider(owner, p.id, provider({ name: "Moving SSO", ...change, client_secret: undefined }), META));
      expect(err.fieldErrors.client_secret?.[0]).toContain("again");
    }
    expect(await getProvider(owner, p.id)).toMatchObject({ issuer: "https://idp.example.com", clientId: "latchkey" });

    // Unchanged endpoint: the stored secret stays; a moved one takes a new secret.
    await updateProvider(owner, p.id, provider({ name: "Moving SSO", client_secret: undefined, scopes: "openid email" }), META);
    const moved = await updateProvider(owner, p.id, provider({ name: "Moving SSO", issuer: "https://idp2.example.com", client_secret: "the new secret" }), META);
    expect(moved.issuer).toBe("https://idp2.example.com");
    const row = (await db().select().from(identityProviders)).find((r) => r.id === p.id)!;
    expect(openProviderSecret(row)).toBe("the new secret");
  });
});
