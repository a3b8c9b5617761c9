/**
 * Review 47, through the real server and a real OpenID provider (oidc-provider, run locally): a provider that links
 * existing users by verified email doesn't link an account that set up an authenticator app here, since the provider
 * signs in with no second step here. Pat has a local account with Pat's address and an authenticator app; whoever
 * signs in at the provider as pat@idp.example (the mailbox is all it takes there) is refused on the sign-in page, in
 * English and in German, and Pat's own way in still asks for the code.
 */
import { expect, test } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { signOut, startSignIn, untilDashboardHydrated } from "./support/browser";
import { setUpOwner, useInstance } from "./support/instance";
import { startOidcProvider, TEST_IDP_USER, type TestOidcProvider } from "./support/oidc-provider";
import { personWithRole, tokenClient } from "./support/users-api";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let idp: TestOidcProvider | undefined;

test.afterAll(async () => {
  await idp?.stop();
});

async function signInAtProvider(page: import("@playwright/test").Page, button: string, submit: string) {
  await page.getByRole("button", { name: button }).click();
  await expect(page.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible();
  await page.getByLabel("Username").fill(TEST_IDP_USER.login);
  await page.getByLabel("Password").fill(TEST_IDP_USER.password);
  await page.getByRole("button", { name: submit }).click();
}

test("a provider doesn't link an account with an authenticator app by its email", async ({ browser }) => {
  test.slow();
  const owner = await setUpOwner(instance);
  const api = tokenClient(instance, owner.personal_access_token);
  // The provider first with a stand-in issuer: its redirect URL names its id, which the test provider must know.
  const created = await api.post<{ id: string }>("/api/identity-providers", {
    type: "oidc",
    name: "Test IdP",
    issuer: "https://stand-in.example.net",
    client_id: "latchkey-e2e",
    client_secret: "stand-in",
    signup_policy: "open",
    allow_linking: true,
    allow_internal_addresses: true,
  });
  expect(created.status, created.text).toBe(200);
  const providerId = (created.body as { id: string }).id;
  idp = await startOidcProvider(instance.url(`/api/auth/callback/${providerId}`));
  const updated = await api.put(`/api/identity-providers/${providerId}`, { issuer: idp.issuer, client_id: idp.clientId, client_secret: idp.clientSecret });
  expect(updated.status, updated.text).toBe(200);

  // Pat, a local member with the provider account's address, sets up an authenticator app in Profile.
  const pat = await personWithRole(api, "user", { email: TEST_IDP_USER.email, name: "Pat Local" });
  const context = await browser.newContext();
  const page = await context.newPage();
  await startSignIn(page, instance.baseURL, pat.email, pat.password);
  await expect(page).toHaveURL(/\/$|\/team/);
  await page.goto(instance.url("/profile"));
  await untilDashboardHydrated(page);
  const section = page.getByRole("region", { name: "Two-factor authentication" });
  await section.getByRole("button", { name: "Set up authenticator app" }).click();
  await section.getByLabel("Your password").fill(pat.password);
  await section.getByRole("button", { name: "Continue" }).click();
  const secret = await section.getByLabel("Secret key").inputValue();
  await section.getByLabel("Code from the app").fill(TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() }));
  await section.getByRole("button", { name: "Turn on" }).click();
  await section.getByRole("button", { name: "Done" }).click();
  await signOut(page, "Pat Local");

  // Someone signs in at the provider as pat@idp.example: refused, with why and what to do.
  await signInAtProvider(page, "Sign in with Test IdP", "Sign in to Test IdP");
  await expect(page).toHaveURL(/\/login\?/);
  await expect(page.getByRole("alert").filter({ hasText: "two-factor" })).toContainText("Test IdP can't sign you in: your email belongs to an account protected by two-factor authentication here");
  await page.screenshot({ path: test.info().outputPath("link-refused-second-factor.png"), fullPage: true });
  await context.close();

  // In German too.
  const german = await browser.newContext({ locale: "de-DE" });
  await german.addCookies([{ name: "locale", value: "de", url: instance.baseURL }]);
  const dePage = await german.newPage();
  await dePage.goto(instance.url("/login"));
  await signInAtProvider(dePage, "Mit Test IdP anmelden", "Sign in to Test IdP");
  await expect(dePage.getByRole("alert").filter({ hasText: "Zwei-Faktor" })).toContainText("Test IdP kann Sie nicht anmelden: Ihre E-Mail-Adresse gehört hier zu einem Konto, das mit Zwei-Faktor-Anmeldung geschützt ist");
  await german.close();

  // Pat's account is not linked: the API shows no provider.
  const user = await api.get<{ idp_id: string }>(`/api/users/${pat.user.id}`);
  expect(user.status, user.text).toBe(200);
  expect((user.body as { idp_id: string }).idp_id).toBe("");
});
