/**
 * Settings → LDAP over TLS, as the owner sees it (r55): a directory on ldaps:// whose certificate a private CA
 * issued is refused as not trusted until its CA is pasted into "Trusted CA certificate"; a private key pasted there
 * by mistake is refused at the field; an expired certificate is said to be expired, in English and German, at
 * 390 px too, and a directory sign-in it fails is "unavailable" to the person while Activity tells the owner why, in
 * German. Against one real slapd (e2e/support/slapd.ts) with certificates from openssl.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { bearer, call } from "./support/api";
import { signIn, signInGerman, startSignIn } from "./support/browser";
import { makeTestCertificates, type TestCertificates } from "./support/ldap-certificates";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { LDAP_ADMIN, LDAP_BASE, LDAP_PEOPLE, startSlapd, type TlsSlapd } from "./support/slapd";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let slapd: TlsSlapd | undefined;
let certs: TestCertificates;
let dir: string;
let auth: Record<string, string>;

test.beforeAll(async () => {
  auth = bearer((await setUpOwner(instance)).personal_access_token);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "latchkey-ldap-tls-e2e-"));
  certs = makeTestCertificates(dir);
  slapd = await startSlapd({ tls: certs.server });
});

test.afterAll(async () => {
  await slapd?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function fillDirectory(page: Page) {
  await page.getByLabel("Name", { exact: true }).fill("Corp Directory");
  await page.getByLabel("Server URL").fill(slapd!.ldapsUrl);
  await page.getByLabel("Allow internal addresses").check();
  await page.getByLabel("Bind DN").fill(LDAP_ADMIN.dn);
  await page.getByLabel("Bind password").fill(LDAP_ADMIN.password);
  await page.getByLabel("User search base").fill(`ou=people,${LDAP_BASE}`);
}

test("a directory's private CA: not trusted until pasted; a private key refused at the field; then connected and saved", async ({ page }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/settings/ldap"));
  await fillDirectory(page);
  await page.getByRole("button", { name: "Test connection" }).click();
  const untrusted = page.getByRole("alert").filter({ hasText: `The certificate of ${slapd!.ldapsUrl} is not trusted: no certificate authority this server trusts signed it.` });
  await expect(untrusted).toBeVisible();
  await expect(untrusted).not.toContainText(LDAP_ADMIN.password);

  const caField = page.getByLabel("Trusted CA certificate");
  await caField.fill(`${certs.caPem}\n${fs.readFileSync(path.join(dir, "ca.key"), "utf8")}`);
  await page.getByRole("button", { name: "Save LDAP settings" }).click();
  await expect(caField).toHaveAccessibleDescription(/perhaps a private key, which never belongs here/);

  await page.getByLabel("Bind password").fill(LDAP_ADMIN.password);
  await caField.fill(certs.caPem);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText(`Connected to ${slapd!.ldapsUrl}, bound as ${LDAP_ADMIN.dn}`)).toBeVisible();
  await page.getByLabel("Enabled").check();
  await page.getByRole("button", { name: "Save LDAP settings" }).click();
  await expect(page.getByText("LDAP settings saved. Directory users can sign in on the sign-in form.")).toBeVisible();
  const saved = await call<{ tls_ca_certificate: string | null }>(instance, "/api/settings/ldap", { headers: auth });
  expect(saved.body.tls_ca_certificate).toBe(certs.caPem.trim());
});

test("an expired certificate is said to be expired, in English and in German, at 390 px; a sign-in then says why in Activity", async ({ page, browser }) => {
  await slapd!.serveCertificate(certs.expired);
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
    await page.goto(instance.url("/settings/ldap"));
    // The saved CA, shown as saved (LF, whole) in a field that fits the narrow screen.
    await expect(page.getByLabel("Trusted CA certificate")).toHaveValue(certs.caPem.trim());
    await page.getByLabel("Trusted CA certificate").scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath("ldap-ca-field-390.png") });
    await page.getByRole("button", { name: "Test connection" }).click();
    const expired = page.getByRole("alert").filter({ hasText: `The certificate of ${slapd!.ldapsUrl} has expired: renew it on the directory server` });
    await expect(expired).toBeVisible();
    await expired.scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath("ldap-certificate-expired-390.png") });

    const german = await signInGerman(browser, instance.baseURL, OWNER.email, OWNER.password, { viewport: { width: 390, height: 844 } });
    await german.page.goto(instance.url("/settings/ldap"));
    await german.page.getByRole("button", { name: "Verbindung testen" }).click();
    await expect(german.page.getByRole("alert").filter({ hasText: `Das Zertifikat von ${slapd!.ldapsUrl} ist abgelaufen` })).toBeVisible();

    // Dora signs in meanwhile: she stays on the sign-in page, and the owner reads why in Activity.
    const dora = await browser.newContext();
    const doraPage = await dora.newPage();
    await startSignIn(doraPage, instance.baseURL, LDAP_PEOPLE.dora.uid, LDAP_PEOPLE.dora.password);
    // The person hears only that the directory can't be reached: nothing of certificates, nothing to probe with.
    await expect(doraPage.getByText("The LDAP directory can't be reached right now. Try again in a moment.")).toBeVisible();
    await expect(doraPage).toHaveURL(/\/login/);
    await dora.close();
    await german.page.goto(instance.url("/activity"));
    await expect(german.page.getByText(`Antwort des Verzeichnisses: Das Zertifikat von ${slapd!.ldapsUrl} ist abgelaufen`).first()).toBeVisible();
    await german.page.getByText(`Antwort des Verzeichnisses: Das Zertifikat von ${slapd!.ldapsUrl} ist abgelaufen`).first().scrollIntoViewIfNeeded();
    await german.page.screenshot({ path: test.info().outputPath("activity-certificate-expired-de-390.png") });
    await german.context.close();
  } finally {
    await slapd!.serveCertificate(certs.server);
  }
});
