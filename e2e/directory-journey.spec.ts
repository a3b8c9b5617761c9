/**
 * The other ways in, as the owner who sets them up (review 21): what no other spec covered. LDAP saved with
 * settings its own Test connection refuses says so instead of "directory users can sign in", in English and
 * German; a group mapping is kept after the save; a provider added with a client secret the provider refuses says
 * so on its page, where before it said only that its button was on the sign-in page (and every sign-in then
 * ended in an error); someone who comes by the proxy header isn't told on Profile that they sign in with a
 * username they never type. Against a real OpenLDAP and a real OpenID provider on loopback.
 */
import { expect, test, type Page } from "@playwright/test";
import { bearer, call } from "./support/api";
import { signIn, signInGerman } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { startOidcProvider, type TestOidcProvider } from "./support/oidc-provider";
import { LDAP_ADMIN, LDAP_BASE, startSlapd, type Slapd } from "./support/slapd";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let slapd: Slapd | undefined;
let idp: TestOidcProvider | undefined;
let auth: Record<string, string>;

test.beforeAll(async () => {
  auth = bearer((await setUpOwner(instance)).personal_access_token);
  slapd = await startSlapd();
});

test.afterAll(async () => {
  await idp?.stop();
  await slapd?.stop();
});

/** Settings → LDAP's connection part, with the bind password (it must be typed again whenever the connection changes). */
async function fillDirectory(page: Page, s: Slapd, searchBase: string, bindPassword = LDAP_ADMIN.password) {
  await page.getByLabel("Server URL").fill(s.url);
  await page.getByLabel("Bind DN").fill(LDAP_ADMIN.dn);
  await page.getByLabel("Bind password").fill(bindPassword);
  await page.getByLabel("User search base").fill(searchBase);
}

test("LDAP saved on with settings Test connection refuses says so; saved right, it says directory users can sign in", async ({ page }) => {
  const group = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Engineering" } });
  expect(group.status, group.text).toBeLessThan(300);
  // The page's clock, so a toast's time on screen is played without waiting it out.
  await page.clock.install();
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/settings/ldap"));
  await page.getByLabel("Name", { exact: true }).fill("Corp Directory");
  await page.getByLabel("Allow unencrypted connections").check();
  await page.getByLabel("Allow internal addresses").check();
  await fillDirectory(page, slapd!, `ou=people,${LDAP_BASE}`, "not the bind password");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The server refused the bind DN cn=admin,dc=example,dc=org with this password." })).toBeVisible();

  // A search base that isn't there, saved on: before, "Directory users can sign in on the sign-in form."
  await fillDirectory(page, slapd!, `ou=nobody,${LDAP_BASE}`);
  await page.getByLabel("Enabled").check();
  await page.getByRole("button", { name: "Save LDAP settings" }).click();
  const failing = page.getByText(`LDAP settings saved, but Test connection fails on them: The search base ou=nobody,${LDAP_BASE} does not exist on the server.`);
  await expect(failing).toBeVisible();
  await expect(page.getByText("Directory users can sign in on the sign-in form")).toHaveCount(0);
  // A warning, not a success: it stays until dismissed (a success leaves after 8 s; below).
  await page.clock.fastForward(20_000);
  await expect(failing).toBeVisible();
  await page.getByRole("button", { name: "Dismiss" }).click();

  // Put right, with a group mapping: the right message, and the page shows what the server holds.
  await fillDirectory(page, slapd!, `ou=people,${LDAP_BASE}`);
  await page.getByLabel("Group search base").fill(`ou=groups,${LDAP_BASE}`);
  await page.getByRole("button", { name: "Add mapping" }).click();
  await page.getByLabel("Directory group 1").fill("engineers");
  await page.getByLabel("Latchkey group 1").selectOption({ label: "Engineering" });
  await page.getByRole("button", { name: "Save LDAP settings" }).click();
  const saved = page.getByText("LDAP settings saved. Directory users can sign in on the sign-in form.");
  await expect(saved).toBeVisible();
  await page.clock.fastForward(20_000);
  await expect(saved).toBeHidden();
  await page.reload();
  await expect(page.getByLabel("User search base")).toHaveValue(`ou=people,${LDAP_BASE}`);
  await expect(page.getByLabel("Directory group 1")).toHaveValue("engineers");
  await expect(page.getByLabel("Latchkey group 1")).toHaveValue(group.body.id);
});

test("in German, the same save says it in German", async ({ browser }) => {
  const { context, page } = await signInGerman(browser, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/settings/ldap"));
  await page.getByLabel("Server-URL").fill("ldap://127.0.0.1:9");
  await page.getByLabel("Bind-Passwort").fill(LDAP_ADMIN.password);
  await page.getByRole("button", { name: "LDAP-Einstellungen speichern" }).click();
  await expect(page.getByText("LDAP-Einstellungen gespeichert, aber „Verbindung testen“ schlägt damit fehl:")).toBeVisible();
  await context.close();
});

test("a provider added with a client secret it refuses says so on its page", async ({ page }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/settings/identity-providers/new"));
  idp = await startOidcProvider(await page.getByRole("textbox", { name: "Redirect URL" }).inputValue());
  await page.getByLabel("Type").selectOption("oidc");
  await page.getByLabel("Display name").fill("Test IdP");
  await page.getByLabel("Allow internal addresses").check();
  await page.getByLabel("Issuer URL").fill(idp.issuer);
  await page.getByLabel("Client ID").fill(idp.clientId);
  await page.getByLabel("Client secret").fill(`${idp.clientSecret}-typo`);
  await page.getByRole("button", { name: "Add provider" }).click();
  await expect(page.getByText("Provider added.")).toBeVisible();
  // Before: nothing more, and everyone who then signed in with it read "Sign-in with the identity provider did not complete".
  await expect(page.getByRole("alert").filter({ hasText: "The client ID or secret is wrong: the provider's token endpoint refused them." })).toContainText(
    "Until they are right, everyone who signs in with Test IdP gets an error.",
  );

  // Put right: saved, nothing more. Then a later save with a wrong secret (before: "Test IdP saved." alone).
  const secret = page.getByLabel("Client secret");
  await secret.fill(idp.clientSecret);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Test IdP saved.", { exact: true })).toBeVisible();
  await secret.fill(`${idp.clientSecret}-typo-again`);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Test IdP saved, but Test connection fails on it: The client ID or secret is wrong")).toBeVisible();
});

test("someone who comes by the proxy header isn't told on Profile that they sign in with their username", async ({ browser }) => {
  const put = await call(instance, "/api/settings/trusted-header", {
    method: "PUT",
    headers: auth,
    json: { enabled: true, trusted_ranges: ["127.0.0.1", "::1"], user_header: "Remote-User", email_header: "Remote-Email", name_header: "Remote-Name", auto_create: true },
  });
  expect(put.status, put.text).toBe(200);
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    extraHTTPHeaders: { "Remote-User": "pia", "Remote-Email": "pia@example.com", "Remote-Name": "Pia Proxy" },
  });
  const page = await context.newPage();
  // The header signs her in on her first page (she lands on Team → Users), no form.
  await page.goto(instance.url("/"));
  await expect(page.getByRole("button", { name: "Pia Proxy" })).toBeVisible();
  await page.goto(instance.url("/profile"));
  const username = page.getByRole("region", { name: "Username" });
  // Before: "You sign in with “pia” or with your email." She has no password here and types nothing.
  await expect(username).toContainText("You sign in through Proxy header, so you never type it.");
  await expect(username).not.toContainText("You sign in with");
  await context.close();
});
