/**
 * The "Confirm it's you" page (an app asks a signed-in person for a fresh sign-in, prompt=login) in Chromium,
 * for each way in it offers: a sign-in at the person's external OpenID provider that fails (they cancel there, or
 * the answer's state is refused) brings them back to the confirm page of the same app's sign-in, with the sign-in
 * page's own message, and a retry gives the app its code; the provider signing in someone else is refused the same
 * way (the app's sign-in and the browser's session stay the person's); once the app's request has expired, the way
 * back is the provider's "expired" page; a directory (LDAP) person's wrong password keeps them there too (the local
 * password's: e2e/oidc.spec.ts); and a local person without a passkey is offered none. The form's fixed identifier
 * changed in the page to someone else's, with their right password, is refused back to the same page (the page's
 * server action; the same post straight to Auth.js: e2e/api/oidc-provider-sign-in-methods.spec.ts; a passkey:
 * e2e/passkeys.spec.ts).
 */
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import * as oidc from "openid-client";
import { bearer, call } from "./support/api";
import { expectToLandOn, signIn, submitSignIn, untilHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { openInstanceDatabase } from "./support/database";
import { OTHER_IDP_USER, startOidcProvider, TEST_IDP_USER, type TestIdpUser, type TestOidcProvider } from "./support/oidc-provider";
import { noteSecret } from "./support/secrets";
import { LDAP_PEOPLE, ldapSettings, SIGN_IN_BY_EMAIL, type Slapd, startSlapd } from "./support/slapd";
import { startAuthorization } from "./support/provider-client";
import { personWithRole, tokenClient } from "./support/users-api";

const instance = useInstance({ PUBLIC_URL: "{baseURL}" });
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

const REDIRECT = "http://127.0.0.1:4999/callback";
const PROVIDER_FAILED = "Sign-in with the identity provider did not complete: the provider may be unavailable or refused the request. Try again, or sign in another way.";

let auth: Record<string, string>;
let app: oidc.Configuration;
let idp: TestOidcProvider | undefined;
let slapd: Slapd | undefined;

test.beforeAll(async () => {
  auth = bearer((await setUpOwner(instance)).personal_access_token);
  const registered = await call<{ client_id: string; client_secret: string }>(instance, "/api/applications", {
    method: "POST",
    headers: auth,
    json: { name: "Gitea", type: "web", redirect_uris: [REDIRECT] },
  });
  expect(registered.status, registered.text).toBe(201);
  noteSecret(registered.body.client_secret);
  const { client_id, client_secret } = registered.body;
  app = await oidc.discovery(new URL(instance.baseURL), client_id, client_secret, oidc.ClientSecretBasic(client_secret), { execute: [oidc.allowInsecureRequests] });
});

test.afterAll(async () => {
  await idp?.stop();
  await slapd?.stop();
});

/** The app's authorization request asking for a fresh sign-in; the browser goes there and lands on the confirm page. */
async function appAsksToConfirm(page: Page) {
  // The request begins in a later second than the browser's sign-in (only a sign-in after it counts, to the second).
  await page.waitForTimeout(1_100);
  const started = await startAuthorization(app, { redirect_uri: REDIRECT, scope: "openid profile email", prompt: "login" });
  await page.goto(started.url.href);
  await expectToLandOn(page, "Confirm it's you", { timeout: 30_000 });
  await expect(page.getByText("Gitea asks you to sign in again.")).toBeVisible();
  const callbackUrl = new URL(page.url()).searchParams.get("callbackUrl");
  expect(callbackUrl).toMatch(/^\/oidc\/interaction\/[A-Za-z0-9_-]+$/);
  /** The app's end: the browser reaches its redirect URI with a code, which gives tokens (maxAge checks auth_time). */
  const appGetsCode = async (act: () => Promise<void>) => {
    const reachedApp = page.waitForRequest((request) => request.url().startsWith(REDIRECT), { timeout: 30_000 });
    await act();
    const tokens = await oidc.authorizationCodeGrant(app, new URL((await reachedApp).url()), { ...started.checks, maxAge: 60 });
    noteSecret(tokens.access_token);
    return tokens.claims()!;
  };
  return { callbackUrl: callbackUrl!, appGetsCode };
}

type ConfirmRequest = Awaited<ReturnType<typeof appAsksToConfirm>>;

/** The external provider's own cookies (its session, named as Latchkey's provider names its own on this host) go. */
async function forgetProviderSession(context: BrowserContext) {
  await context.clearCookies({ name: /^_session/ });
}

async function signInAtProvider(page: Page, who: TestIdpUser = TEST_IDP_USER) {
  await expect(page.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible({ timeout: 30_000 });
  await page.getByLabel("Username").fill(who.login);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in to Test IdP" }).click();
}

/** Back on the confirm page of the same app's request (its callbackUrl), told why. */
async function expectBackOnConfirm(page: Page, callbackUrl: string, message: string) {
  await expectToLandOn(page, "Confirm it's you", { timeout: 30_000 });
  expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(callbackUrl);
  await expect(page.getByText(message)).toBeVisible();
}

/** Pat signs in at the provider as Pat (its session forgotten first): the app gets its code, for Pat. */
async function patConfirmsAtProvider(context: BrowserContext, page: Page, appGetsCode: ConfirmRequest["appGetsCode"]) {
  await forgetProviderSession(context);
  const claims = await appGetsCode(async () => {
    await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
    await signInAtProvider(page);
  });
  expect(claims).toMatchObject({ email: TEST_IDP_USER.email, name: TEST_IDP_USER.name });
}

/** Someone signed in to Latchkey with their password on the sign-in page, in a new browser. */
async function signedInWithPassword(browser: Browser, identifier: string, password: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, instance.baseURL, identifier, password, { timeout: 30_000 });
  return { context, page };
}

/** Pat, signed in to Latchkey through the provider in a new browser (created at the first such sign-in), then forgotten there. */
async function patSignedIn(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(instance.url("/login"));
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await signInAtProvider(page);
  await expect(page).not.toHaveURL(/\/login|127\.0\.0\.1:\d+\/interaction/, { timeout: 30_000 });
  await forgetProviderSession(context);
  return { context, page };
}

test("an external provider's sign-in that fails on the confirm page comes back to it with the reason, and a retry gives the app its code", async ({ browser }) => {
  const body = { type: "oidc", name: "Test IdP", client_id: "latchkey-e2e", client_secret: "e2e-client-secret-7c1f0b", signup_policy: "open", allow_internal_addresses: true };
  const created = await call<{ id: string; redirect_url: string }>(instance, "/api/identity-providers", { method: "POST", headers: auth, json: { ...body, issuer: "http://127.0.0.1:9" } });
  expect(created.status, created.text).toBe(200);
  idp = await startOidcProvider(created.body.redirect_url, [TEST_IDP_USER, OTHER_IDP_USER]);
  const pointed = await call(instance, `/api/identity-providers/${created.body.id}`, { method: "PUT", headers: auth, json: { ...body, issuer: idp.issuer, client_secret: idp.clientSecret } });
  expect(pointed.status, pointed.text).toBe(200);
  noteSecret(TEST_IDP_USER.password);

  // Pat signs in to Latchkey through the provider (and is created).
  const { context, page } = await patSignedIn(browser);

  const { callbackUrl, appGetsCode } = await appAsksToConfirm(page);
  const own = page.getByRole("button", { name: "Sign in with Test IdP" });
  await expect(own).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toHaveCount(0);

  // Pat cancels at the provider: back on the confirm page of the same app's sign-in, told why.
  await own.click();
  await expect(page.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Cancel" }).click();
  await expectBackOnConfirm(page, callbackUrl, PROVIDER_FAILED);
  await expect(page.getByText("Gitea asks you to sign in again.")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("confirm-provider-failed-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("confirm-provider-failed-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // The provider's answer comes back without the browser's state cookie (Auth.js refuses it): the same way back.
  await own.click();
  await expect(page.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible({ timeout: 30_000 });
  await context.clearCookies({ name: "authjs.state" });
  await signInAtProvider(page);
  await expectBackOnConfirm(page, callbackUrl, PROVIDER_FAILED);

  // Then it works: the app gets its code, for Pat.
  await patConfirmsAtProvider(context, page, appGetsCode);
  await context.close();
});

test("someone else signed in at the external provider doesn't confirm it's Pat: back on the confirm page, still Pat, and nobody new", async ({ browser }) => {
  noteSecret(OTHER_IDP_USER.password);
  const { context, page } = await patSignedIn(browser);
  const { callbackUrl, appGetsCode } = await appAsksToConfirm(page);
  const own = page.getByRole("button", { name: "Sign in with Test IdP" });

  // Sam signs in at the provider (a shared computer): refused, back on the confirm page of the same request, told why.
  await own.click();
  await signInAtProvider(page, OTHER_IDP_USER);
  await expectBackOnConfirm(page, callbackUrl, "Test IdP signed you in as someone else, not as the person signed in here.");
  // Still Pat's session (the page names who is signed in), and Sam was not created on the way.
  await expect(page.getByText(TEST_IDP_USER.name)).toBeVisible();
  const sam = await call<unknown[]>(instance, `/api/users?search=${encodeURIComponent(OTHER_IDP_USER.email)}`, { headers: auth });
  expect(sam.status, sam.text).toBe(200);
  expect(sam.body).toEqual([]);

  // Pat signs in there as Pat: the app gets its code, for Pat.
  await patConfirmsAtProvider(context, page, appGetsCode);
  await context.close();
});

test("when the app's request expires while Pat is at the provider, a failed sign-in there ends on the 'expired' page", async ({ browser }) => {
  const { context, page } = await patSignedIn(browser);
  const { callbackUrl } = await appAsksToConfirm(page);
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible({ timeout: 30_000 });
  // The request's time runs out meanwhile: its interaction's expiry, which the store holds, moved into the past (a
  // minute: beyond the provider's clock tolerance of 15 s, within which it would still take the request).
  const database = openInstanceDatabase(instance);
  try {
    expect(database.prepare("UPDATE oidc_models SET expires_at = ? WHERE name = 'Interaction'").run(Date.now() - 60_000).changes).toBeGreaterThan(0);
  } finally {
    database.close();
  }
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("heading", { name: "This sign-in has expired" })).toBeVisible({ timeout: 30_000 });
  expect(new URL(page.url()).pathname).toBe(callbackUrl);
  await expect(page.getByText("Go back to the app and start signing in again.")).toBeVisible();
  await context.close();
});

test("a directory person's wrong password on the confirm page keeps them there; the right one gives the app its code", async ({ browser }) => {
  slapd = await startSlapd();
  const ldap = await call(instance, "/api/settings/ldap", {
    method: "PUT",
    headers: auth,
    json: ldapSettings(slapd, SIGN_IN_BY_EMAIL),
  });
  expect(ldap.status, ldap.text).toBe(200);
  const dora = LDAP_PEOPLE.dora;
  noteSecret(dora.password);
  const { context, page } = await signedInWithPassword(browser, dora.email, dora.password);

  const { callbackUrl, appGetsCode } = await appAsksToConfirm(page);
  await expect(page.getByLabel("Email or username")).toHaveValue(dora.email);
  await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toHaveCount(0);
  await submitSignIn(page, undefined, "not dora's password");
  await expect(page.getByText("Invalid username or password")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(callbackUrl);

  const claims = await appGetsCode(async () => {
    await submitSignIn(page, undefined, dora.password);
  });
  expect(claims).toMatchObject({ email: dora.email, name: dora.name });
  await context.close();
});

test("a local person who has registered no passkey is offered none on the confirm page", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(instance.url("/login"));
  // Passkeys are on for this instance (a public address, password sign-in): the ordinary page offers them to anyone.
  await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toBeVisible();
  await submitSignIn(page, OWNER.email, OWNER.password);
  await expect(page).not.toHaveURL(/\/login/, { timeout: 30_000 });

  const { appGetsCode } = await appAsksToConfirm(page);
  await expect(page.getByLabel("Password")).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toHaveCount(0);
  const claims = await appGetsCode(async () => {
    await submitSignIn(page, undefined, OWNER.password);
  });
  expect(claims).toMatchObject({ email: OWNER.email });
  await context.close();
});

test("the confirm page's form with someone else's right password (its fixed identifier changed in the page) is refused: still the owner, then the owner's own gives the app its code", async ({ browser }) => {
  const sam = await personWithRole(tokenClient(instance, auth.authorization.replace(/^Bearer /, "")), "user", { name: "Sam Someone" });
  const { context, page } = await signedInWithPassword(browser, OWNER.email, OWNER.password);

  const { callbackUrl, appGetsCode } = await appAsksToConfirm(page);
  const identifier = page.getByLabel("Email or username");
  await expect(identifier).toHaveValue(OWNER.email);
  // Changed once the page's script has taken over, so that its hydration can't set the field back.
  await untilHydrated(page.getByLabel("Password", { exact: true }));
  await identifier.evaluate((input: HTMLInputElement) => (input.readOnly = false));
  await submitSignIn(page, sam.email, sam.password);
  await expect(page.getByText("You signed in as someone else, not as the person signed in here.")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(callbackUrl);
  expect((await (await page.request.get(instance.url("/api/users/current"))).json()).email).toBe(OWNER.email);

  const claims = await appGetsCode(async () => {
    await page.reload();
    await expect(page.getByLabel("Email or username")).toHaveValue(OWNER.email);
    await submitSignIn(page, undefined, OWNER.password);
  });
  expect(claims).toMatchObject({ email: OWNER.email });
  await context.close();
});
