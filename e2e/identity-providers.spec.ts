/**
 * External identity providers end to end: the owner adds a real OpenID
 * Connect provider (oidc-provider, run locally) in Settings, a new person
 * signs in through it and appears in Team → Users with its badge; a provider
 * that is down gets a clear message while local sign-in keeps working; a
 * directory user signs in on the normal form against a real OpenLDAP; disabling
 * the provider signs out whoever came in through it, and an admin default role
 * for open sign-up (a provider's, the directory's or the proxy header's) needs the owner's confirmation, and
 * Test connection tells a wrong client secret; an
 * admin sees the sign-in settings read-only.
 */
import { expect, test } from "@playwright/test";
import { openAccountMenu, signIn, signOut, submitSignIn, untilDashboardHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { personWithRole, tokenClient } from "./support/users-api";
import { startOidcProvider, TEST_IDP_USER, type TestOidcProvider } from "./support/oidc-provider";
import { LDAP_ADMIN, LDAP_BASE, LDAP_PEOPLE, startSlapd, type Slapd } from "./support/slapd";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let idp: TestOidcProvider | undefined;
let slapd: Slapd | undefined;
let ownerToken: string;

test.afterAll(async () => {
  await idp?.stop();
  await slapd?.stop();
});

test("the owner adds an OIDC provider and a new person signs in through it", async ({ page }) => {
  // A long journey (three connection tests, a sign-in at the provider, two of ours): over a minute on a busy machine.
  test.slow();
  ownerToken = (await setUpOwner(instance)).personal_access_token;
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);

  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "OpenID Connect providers" })).toBeVisible();
  await page.getByRole("link", { name: "Add provider" }).click();

  // Register the redirect URL at the provider first, as the owner would.
  const redirectUrl = await page.getByRole("textbox", { name: "Redirect URL" }).inputValue();
  expect(redirectUrl).toMatch(new RegExp(`^${instance.baseURL}/api/auth/callback/[0-9a-f-]{36}$`));
  idp = await startOidcProvider(redirectUrl);

  await page.getByLabel("Type").selectOption("oidc");
  await page.getByLabel("Display name").fill("Test IdP");
  // The provider runs on this machine: refused until the owner allows internal addresses.
  await page.getByLabel("Issuer URL").fill(idp.issuer);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Allow internal addresses" })).toBeVisible();
  await page.getByLabel("Allow internal addresses").check();
  await page.getByLabel("Issuer URL").fill(`${idp.issuer}/nope`);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "did not answer with an OpenID Connect discovery document" })).toBeVisible();
  await page.getByLabel("Issuer URL").fill(idp.issuer);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText(`Connected: ${idp.issuer} answered`)).toBeVisible();
  await page.getByLabel("Client ID").fill(idp.clientId);
  // A mistyped secret: the provider's token endpoint refuses the client, said at the secret field.
  await page.getByLabel("Client secret").fill(`${idp.clientSecret}-typo`);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The client ID or secret is wrong" })).toBeVisible();
  await expect(page.getByLabel("Client secret")).toHaveAccessibleDescription(/The client ID or secret is wrong/);
  await page.getByLabel("Client secret").fill(idp.clientSecret);
  // The secret is corrected: the result of testing the old one goes, at the field and under the button (it stayed
  // through a save refused for another reason before).
  await expect(page.getByText("The client ID or secret is wrong")).toHaveCount(0);
  await expect(page.getByLabel("Client secret")).not.toHaveAccessibleDescription(/wrong/);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText("The provider accepted the client ID and secret.")).toBeVisible();
  // A new provider lets in only existing users until the owner opens it up.
  await expect(page.getByLabel("Only people an admin created or invited, matched by verified email")).toBeChecked();
  await page.getByLabel("Anyone the provider signs in (a user is created on first sign-in)").check();
  await page.getByRole("button", { name: "Add provider" }).click();
  await expect(page.getByText("Provider added.")).toBeVisible();
  // It answers, so nothing says it can't be reached (owner-journey.spec has the other case).
  await expect(page.getByText("can't reach")).toHaveCount(0);
  // The secret is never shown again.
  expect(await page.content()).not.toContain(idp.clientSecret);
  // Pointing the provider elsewhere needs the secret again: the stored one only goes where it was entered.
  await page.getByLabel("Issuer URL").fill("https://elsewhere.example.net");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Enter the client secret again").first()).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Issuer URL")).toHaveValue(idp.issuer);
  await signOut(page, OWNER.name);

  // A new person signs in through the provider.
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible();
  await page.getByLabel("Username").fill(TEST_IDP_USER.login);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in to Test IdP" }).click();
  await expect(page.getByText("Wrong username or password")).toBeVisible();
  await page.getByLabel("Username").fill(TEST_IDP_USER.login);
  await page.getByLabel("Password").fill(TEST_IDP_USER.password);
  await page.getByRole("button", { name: "Sign in to Test IdP" }).click();
  await expect(page).toHaveURL(/\/team\/users/);
  // Signed in as Pat, who has no password here: no Change password.
  await openAccountMenu(page, TEST_IDP_USER.name);
  await expect(page.getByRole("menuitem", { name: "Sign out" })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "Change password" })).toHaveCount(0);
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  // The owner sees Pat as a user with the provider's badge.
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  const row = page.getByRole("row", { name: new RegExp(TEST_IDP_USER.name) });
  await expect(row).toContainText(TEST_IDP_USER.email);
  await expect(row).toContainText("Test IdP");
  await expect(page.getByRole("row", { name: new RegExp(OWNER.name) })).toContainText("Local");
  await page.screenshot({ path: test.info().outputPath("users-with-idp-badge.png"), fullPage: true });
});

test("disabling a provider signs out whoever came in through it; an admin default role for open sign-up must be confirmed", async ({ page, browser }) => {
  test.slow();
  // Pat signs in through the provider in a browser of their own.
  const pats = await browser.newContext();
  const pat = await pats.newPage();
  await pat.goto(instance.url("/login"));
  await pat.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(pat.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible();
  await pat.getByLabel("Username").fill(TEST_IDP_USER.login);
  await pat.getByLabel("Password").fill(TEST_IDP_USER.password);
  await pat.getByRole("button", { name: "Sign in to Test IdP" }).click();
  await expect(pat).toHaveURL(/\/team\/users/);

  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/settings/identity-providers"));
  // Disable opens its dialog through the page's script.
  await untilDashboardHydrated(page);
  // The list's confirmation reads left to right like every dialog, though it opens from the table's right-aligned
  // actions cell (the walk of round 15 found it right-aligned), at 390 px too.
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 844 });
    await page.getByRole("button", { name: "Disable Test IdP" }).click();
    const listDialog = page.getByRole("dialog", { name: "Disable Test IdP?" });
    await expect(listDialog).toBeVisible();
    for (const part of [listDialog.getByRole("heading"), listDialog.getByText("Everyone signed in through it is signed out now", { exact: false })]) {
      expect(await part.evaluate((el) => getComputedStyle(el).textAlign), `${width} px`).toMatch(/^(left|start)$/);
    }
    await listDialog.getByRole("button", { name: "Cancel" }).click();
    await expect(listDialog).toBeHidden();
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole("link", { name: "Test IdP" }).first().click();
  // The list has a "Disable Test IdP" of its own: on the provider's page first, or the list's dialog is the one
  // opened and then thrown away by the arriving page.
  await expect(page).toHaveURL(/\/settings\/identity-providers\/[0-9a-f-]{36}$/);
  await page.getByRole("button", { name: "Disable Test IdP" }).click();
  // The confirmation says so before the owner confirms.
  await expect(page.getByRole("dialog")).toContainText("Everyone signed in through it is signed out now");
  await page.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
  await expect(page.getByText("Test IdP disabled")).toBeVisible();
  await pat.reload();
  await expect(pat).toHaveURL(/\/login/);
  await pats.close();
  await page.getByRole("button", { name: "Enable Test IdP" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Enable" }).click();
  await expect(page.getByText("Test IdP enabled")).toBeVisible();

  // Anyone the provider signs in would become an admin: refused with a warning that names the role, the choice kept.
  await page.getByLabel("Default role").selectOption("admin");
  await page.getByRole("button", { name: "Save changes" }).click();
  const confirm = page.getByRole("checkbox", { name: "I understand: everyone this provider lets in gets this role's powers" });
  await expect(confirm).toBeVisible();
  await expect(page.getByText('New accounts get the role "admin"').first()).toBeVisible();
  await expect(page.getByLabel("Default role")).toHaveValue("admin");
  await confirm.check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Test IdP saved.")).toBeVisible();
  await expect(page.getByLabel("Default role")).toHaveValue("admin");
  // Back to a plain user role for the tests that follow.
  await page.getByLabel("Default role").selectOption("user");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Test IdP saved.")).toBeVisible();
});

test("a provider that is down gets a clear message and never blocks local sign-in", async ({ page }) => {
  await idp!.stop();
  // Discovery is cached (anonymous clicks must not make Latchkey call out at will), so a provider
  // that was never reachable stands in for one that is down.
  const down = await tokenClient(instance, ownerToken).post("/api/identity-providers", {
    type: "oidc",
    name: "Down IdP",
    issuer: "http://127.0.0.1:9",
    client_id: "latchkey",
    client_secret: "down-idp-secret",
    allow_internal_addresses: true,
  });
  expect(down.status, down.text).toBe(200);
  await page.goto(instance.url("/login"));
  await page.getByRole("button", { name: "Sign in with Down IdP" }).click();
  await expect(page.getByText("Down IdP is unavailable right now")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await page.screenshot({ path: test.info().outputPath("provider-down.png"), fullPage: true });
  await submitSignIn(page, OWNER.email, OWNER.password);
  await expect(page).toHaveURL(/\/team\/users/);
});

test("the owner connects LDAP and a directory user signs in on the form and is created", async ({ page }) => {
  slapd = await startSlapd();
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/settings/ldap"));
  await page.getByLabel("Name", { exact: true }).fill("Corp Directory");
  await page.getByLabel("Server URL").fill(slapd.url);
  await page.getByLabel("Bind DN").fill(LDAP_ADMIN.dn);
  await page.getByLabel("Bind password").fill(LDAP_ADMIN.password);
  await page.getByLabel("User search base").fill(`ou=people,${LDAP_BASE}`);
  // slapd runs on this machine without TLS: both take the owner's explicit choice.
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "ldap:// without StartTLS" })).toBeVisible();
  await page.getByLabel("Allow unencrypted connections").check();
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Allow internal addresses" })).toBeVisible();
  await page.getByLabel("Allow internal addresses").check();
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText(`Connected to ${slapd.url}`)).toBeVisible();
  await page.getByLabel("Enabled").check();
  // Creating anyone the directory vouches for as an admin is refused with a warning and a box; what was typed stays.
  await page.getByLabel("Default role", { exact: true }).selectOption("admin");
  await page.getByRole("button", { name: "Save LDAP settings" }).click();
  const confirm = page.getByRole("checkbox", { name: "I understand: everyone the directory lets in gets the default role's and the mapped groups' powers" });
  await expect(confirm).toBeVisible();
  await expect(page.getByText('New accounts get the role "admin"').first()).toBeVisible();
  await expect(page.getByLabel("Default role", { exact: true })).toHaveValue("admin");
  await expect(page.getByLabel("Server URL")).toHaveValue(slapd.url);
  await page.getByLabel("Default role", { exact: true }).selectOption("user");
  await page.getByRole("button", { name: "Save LDAP settings" }).click();
  await expect(page.getByText("LDAP settings saved. Directory users can sign in")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("ldap-settings.png"), fullPage: true });
  // Another server with the stored password left empty: it must be typed again, even just to test.
  await page.getByLabel("Server URL").fill("ldap://127.0.0.1:9");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText("Enter the bind password again").first()).toBeVisible();
  await page.reload();
  await signOut(page, OWNER.name);

  await submitSignIn(page, "dora", "wrong password");
  await expect(page.getByText("Invalid username or password")).toBeVisible();
  await submitSignIn(page, "dora", LDAP_PEOPLE.dora.password);
  await expect(page).toHaveURL(/\/team\/users/);
  await expect(page.getByRole("button", { name: LDAP_PEOPLE.dora.name })).toBeVisible();
  await signOut(page, LDAP_PEOPLE.dora.name);

  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  const row = page.getByRole("row", { name: new RegExp(LDAP_PEOPLE.dora.name) });
  await expect(row).toContainText(LDAP_PEOPLE.dora.email);
  await expect(row).toContainText("Corp Directory");
});

test("the proxy header creating admins needs the owner's confirmation, and keeps what was typed", async ({ page }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/settings/proxy-header"));
  await page.getByLabel("Trusted proxy addresses").fill("10.0.0.0/8");
  await page.getByLabel("Create users the proxy vouches for").check();
  await page.getByLabel("Default role", { exact: true }).selectOption("admin");
  await page.getByRole("button", { name: "Save proxy header settings" }).click();
  const confirm = page.getByRole("checkbox", { name: "I understand: everyone the proxy names gets the default role's powers" });
  await expect(confirm).toBeVisible();
  await expect(page.getByText('New accounts get the role "admin"').first()).toBeVisible();
  await expect(page.getByLabel("Trusted proxy addresses")).toHaveValue("10.0.0.0/8");
  await expect(page.getByLabel("Default role", { exact: true })).toHaveValue("admin");
  await confirm.check();
  await page.getByRole("button", { name: "Save proxy header settings" }).click();
  await expect(page.getByText("Saved. Header sign-in is off.").first()).toBeVisible();
  await expect(page.getByLabel("Default role", { exact: true })).toHaveValue("admin");
  // Back to a plain user role for the tests that follow.
  await page.getByLabel("Default role", { exact: true }).selectOption("user");
  await page.getByRole("button", { name: "Save proxy header settings" }).click();
  // The same message as the save before: what is stored tells this save apart.
  const stored = async () => (await tokenClient(instance, ownerToken).get("/api/settings/trusted-header")).body as { default_role: string; trusted_ranges: string[] };
  await expect.poll(async () => (await stored()).default_role).toBe("user");

  // "Test" reads the owner's own request: this browser is not a trusted proxy yet.
  await page.getByRole("button", { name: "Test with this request" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /came from (127\.0\.0\.1|::1), which is not in the trusted ranges/ })).toBeVisible();
  await page.getByLabel("Trusted proxy addresses").fill("127.0.0.1\n::1");
  await page.getByRole("button", { name: "Save proxy header settings" }).click();
  await expect.poll(async () => (await stored()).trusted_ranges).toEqual(["127.0.0.1", "::1"]);
  // As a proxy in front would: the header names someone new. Nobody is signed in or created by the test.
  await page.setExtraHTTPHeaders({ "Remote-User": "proxied.newcomer@example.com" });
  await page.getByRole("button", { name: "Test with this request" }).click();
  const said = page.getByRole("status").filter({ hasText: "a trusted proxy address" });
  await expect(said).toContainText("It carries the Remote-User header.");
  await expect(said).toContainText("It would create a new user");
  // A header sent twice (its values joined by a comma) names nobody, and Test says why (review 45 left it saying
  // only that the header was there).
  await page.setExtraHTTPHeaders({ "Remote-User": "alice, mallory" });
  await page.getByRole("button", { name: "Test with this request" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "a trusted proxy address" })).toContainText("It carries the Remote-User header, but its value names nobody");
  await page.setExtraHTTPHeaders({});
});

test("an admin sees the sign-in settings read-only, with no buttons that would be refused", async ({ page }) => {
  const admin = await personWithRole(tokenClient(instance, ownerToken), "admin");
  await signIn(page, instance.baseURL, admin.email, admin.password);
  await page.goto(instance.url("/settings/identity-providers"));
  await expect(page.getByText("Read-only: only the owner can change how people sign in.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Test IdP" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Add provider" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Turn (off|on) email and password/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Disable Test IdP" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete Test IdP" })).toHaveCount(0);

  await page.getByRole("link", { name: "Test IdP" }).click();
  await expect(page.getByLabel("Issuer URL")).toBeDisabled();
  await expect(page.getByLabel("Client secret")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save changes" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Test connection" })).toHaveCount(0);

  await page.goto(instance.url("/settings/identity-providers/new"));
  await expect(page).toHaveURL(/\/settings\/identity-providers$/);

  await page.goto(instance.url("/settings/ldap"));
  await expect(page.getByLabel("Server URL")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save LDAP settings" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Test connection" })).toHaveCount(0);

  await page.goto(instance.url("/settings/proxy-header"));
  await expect(page.getByLabel("Trusted proxy addresses")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save proxy header settings" })).toHaveCount(0);
});
