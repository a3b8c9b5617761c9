/**
 * LDAP over TLS against a real slapd, as someone between Latchkey and the directory would try it (r55): one slapd
 * with ldaps:// and StartTLS, certificates from a test CA made by openssl (e2e/support/ldap-certificates.ts), and
 * the certificate it presents swapped for a self-signed, an expired and a wrong-name one. The directory's CA is
 * trusted through the settings' "Trusted CA certificate"; each refusal says what is wrong, never the bind password.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeTestCertificates, type TestCertificates } from "@/e2e/support/ldap-certificates";
import { LDAP_ADMIN, LDAP_PEOPLE, ldapSettings, startSlapd, type TlsSlapd } from "@/e2e/support/slapd";
import { Invalid } from "@/lib/errors";
import { SignInUnavailable, signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, eventsOf, META, startSession } from "@/test/factories";
import { ldapInputSchema } from "../schemas";
import { saveLdapSource, testLdapSource } from "./source";

let slapd: TlsSlapd;
let certs: TestCertificates;
let dir: string;
let accountId: string;
let owner: Awaited<ReturnType<typeof startSession>>;

/** The directory over ldaps:// (or StartTLS), trusting the test CA unless `more` says otherwise. */
const tlsSettings = (more: Record<string, unknown> = {}) =>
  ldapInputSchema.parse(ldapSettings(slapd, { name: "Corp Directory", url: slapd.ldapsUrl, allow_unencrypted: false, tls_ca_certificate: certs.caPem, ...more }));

const save = (more: Record<string, unknown> = {}) => saveLdapSource(owner, tlsSettings(more), META);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-ldap-tls-"));
  certs = makeTestCertificates(dir);
  slapd = await startSlapd({ tls: certs.server });
  accountId = await createAccount();
  owner = await startSession(await createUser(accountId, { email: "owner@example.com", role: "owner", password: "owner passphrase" }));
}, 30_000);

afterAll(async () => {
  await slapd?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await slapd.serveCertificate(certs.server);
});

/** "Test connection" on the given settings, checked never to show the bind password. */
async function testWith(more: Record<string, unknown> = {}) {
  const result = await testLdapSource(owner, tlsSettings(more));
  expect(result.message).not.toContain(LDAP_ADMIN.password);
  expect(JSON.stringify(result.ref)).not.toContain(LDAP_ADMIN.password);
  return result;
}

describe("LDAP over TLS with the directory's own CA (r55)", () => {
  it("connects over ldaps:// and over StartTLS when the settings trust the directory's CA", async () => {
    expect(await testWith()).toMatchObject({ ok: true, ref: { key: "ldapConnected" } });
    expect(await testWith({ url: slapd.url, start_tls: true })).toMatchObject({ ok: true, ref: { key: "ldapConnected", params: { startTls: "yes" } } });
  });

  it("signs a directory person in over ldaps:// with the CA saved in the settings", async () => {
    await save();
    const signedIn = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META);
    expect(signedIn.userId).toBeTruthy();
  });

  it("says the certificate is not trusted without the directory's CA, on ldaps:// and on StartTLS", async () => {
    for (const more of [{}, { url: slapd.url, start_tls: true }]) {
      const result = await testWith({ ...more, tls_ca_certificate: null });
      expect(result).toMatchObject({ ok: false, ref: { key: "ldapCertificateUntrusted" } });
      expect(result.message).toContain("not trusted");
    }
  });

  it("says a self-signed certificate is not signed by the CA in the settings", async () => {
    await slapd.serveCertificate(certs.selfSigned);
    const result = await testWith();
    expect(result).toMatchObject({ ok: false, ref: { key: "ldapCertificateNotFromCa" } });
    expect(result.message).toMatch(/not signed by the CA certificate/);
  });

  it("says an expired certificate has expired", async () => {
    await slapd.serveCertificate(certs.expired);
    for (const more of [{}, { url: slapd.url, start_tls: true }]) {
      const result = await testWith(more);
      expect(result).toMatchObject({ ok: false, ref: { key: "ldapCertificateExpired" } });
      expect(result.message).toMatch(/has expired/);
    }
  });

  it("says a certificate for another name is not for the server's name, whichever side is wrong", async () => {
    await slapd.serveCertificate(certs.wrongName);
    const wrongCertificate = await testWith();
    expect(wrongCertificate).toMatchObject({ ok: false, ref: { key: "ldapCertificateName", params: { host: "127.0.0.1" } } });
    await slapd.serveCertificate(certs.server);
    // The right certificate, reached by an address it doesn't name (the same slapd on 127.0.0.2).
    const wrongAddress = await testWith({ url: slapd.ldapsUrl.replace("127.0.0.1", "127.0.0.2") });
    expect(wrongAddress).toMatchObject({ ok: false, ref: { key: "ldapCertificateName", params: { host: "127.0.0.2" } } });
    expect(wrongAddress.message).toMatch(/not issued for 127\.0\.0\.2/);
  });

  it("keeps checking the certificate with NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment (no switch turns the checks off)", async () => {
    await slapd.serveCertificate(certs.selfSigned);
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    try {
      for (const more of [{ tls_ca_certificate: null }, { tls_ca_certificate: null, url: slapd.url, start_tls: true }]) {
        expect(await testWith(more)).toMatchObject({ ok: false, ref: { key: "ldapCertificateUntrusted" } });
      }
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
  });

  it("refuses StartTLS with a server that doesn't offer it, and says so (never falls back to plain LDAP)", async () => {
    const plain = await startSlapd();
    try {
      const result = await testWith({ url: plain.url, start_tls: true });
      expect(result).toMatchObject({ ok: false, ref: { key: "ldapStartTlsRefused" } });
    } finally {
      await plain.stop();
    }
  });

  it("at sign-in, a certificate refused is 'unavailable' to the person and its reason is in the activity log for the owner", async () => {
    await save();
    await slapd.serveCertificate(certs.expired);
    const err = await signInWithPassword("dora", LDAP_PEOPLE.dora.password, META).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignInUnavailable);
    const [event] = (await eventsOf(accountId, "user.login.failed")).slice(-1);
    expect(event.details).toMatchObject({ reason: "directory_unavailable", method: "ldap", directory_error_ref: { key: "ldapCertificateExpired" } });
    expect(JSON.stringify(event.details)).toMatch(/certificate of ldaps:\/\/127\.0\.0\.1:\d+ has expired/);
    expect(JSON.stringify(event.details)).not.toContain(LDAP_ADMIN.password);
    expect(JSON.stringify(event.details)).not.toContain(LDAP_PEOPLE.dora.password);
  });
});

describe("the trusted CA certificate field (r55)", () => {
  it("refuses what is not a PEM certificate, and a private key pasted by mistake", () => {
    const parse = (value: string) => ldapInputSchema.safeParse(ldapSettings(slapd, { url: slapd.ldapsUrl, allow_unencrypted: false, tls_ca_certificate: value }));
    for (const value of ["not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", `${certs.caPem}\n${fs.readFileSync(path.join(dir, "ca.key"), "utf8")}`]) {
      const parsed = parse(value);
      expect(parsed.success, value.slice(0, 40)).toBe(false);
      expect(parsed.error!.issues[0].path).toEqual(["tls_ca_certificate"]);
    }
    expect(parse(certs.caPem).success).toBe(true);
    // As a browser posts a textarea: CRLF. Kept as the same text the API's LF gives (else every form save "changed" the CA).
    expect(parse(certs.caPem.replaceAll("\n", "\r\n")).data?.tls_ca_certificate).toBe(certs.caPem.trim());
  });

  it("asks for the bind password again when the trusted CA changes, as for another server (the stored one is only sent where it was entered)", async () => {
    await save();
    const withoutPassword = (ca: string | null) => saveLdapSource(owner, tlsSettings({ bind_password: undefined, tls_ca_certificate: ca }), META);
    // Someone at the owner's session trusting their own CA would next see the stored password at their server.
    const other = fs.readFileSync(certs.selfSigned.certificate, "utf8");
    await expect(withoutPassword(other)).rejects.toThrow(Invalid);
    await expect(withoutPassword(other)).rejects.toThrow(/trusted CA certificate/);
    await expect(withoutPassword(certs.caPem)).resolves.toMatchObject({ tlsCaCertificate: certs.caPem.trim() });
  });

  it("names the CA in the activity log by its fingerprint, not its whole text", async () => {
    await save({ tls_ca_certificate: null });
    await save();
    const [event] = (await eventsOf(accountId, "ldap.updated")).slice(-1);
    expect(event.details).toMatchObject({ changed: expect.arrayContaining(["tls_ca_certificate"]) });
    expect(JSON.stringify(event.details)).not.toContain("BEGIN CERTIFICATE");
    expect(JSON.stringify(event.details)).toMatch(/SHA-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}/);
  });
});
