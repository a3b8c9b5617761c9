/**
 * Signing in to other apps through Latchkey, in Chromium (issue 15): a CLI
 * (openid-client) starts the device flow and polls while the person enters
 * the code on /device, sees which app asks, approves, and signs in on
 * Latchkey's own sign-in page on the way; a web app's code flow where the
 * person isn't signed in yet lands back in the app after the sign-in page; and
 * an app asking for a fresh sign-in (prompt=login) of someone signed in.
 */
import { expect, test, type Page } from "@playwright/test";
import * as oidc from "openid-client";
import { bearer, call } from "./support/api";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { noteSecret } from "./support/secrets";
import { expectAxeClean } from "./support/axe";
import { enterDeviceCode, expectToLandOn, signIn, signInForApp, signOut, submitSignIn } from "./support/browser";
import { startAuthorization } from "./support/provider-client";

const instance = useInstance({ PUBLIC_URL: "{baseURL}" });
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

const REDIRECT = "http://127.0.0.1:4999/callback";
type Registered = { client_id: string; client_secret?: string };
let auth: Record<string, string>;
let ownerId: string;

async function register(json: Record<string, unknown>): Promise<Registered> {
  const res = await call<Registered>(instance, "/api/applications", { method: "POST", headers: auth, json });
  expect(res.status, res.text).toBe(201);
  noteSecret(res.body.client_secret);
  return res.body;
}

async function relyingParty(app: Registered) {
  const secret = app.client_secret;
  return oidc.discovery(new URL(instance.baseURL), app.client_id, secret, secret ? oidc.ClientSecretBasic(secret) : oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

/**
 * On Latchkey's sign-in page in the middle of an app's sign-in: sign in, and land on `next`. The wait is
 * oidc-sign-in-steps.spec.ts's: this is the instance's first sign-in through the form (Auth.js and the
 * interaction load on first use), on a CI host where two workers share two cores.
 */
async function signInOnLatchkey(page: Page, next: string) {
  await signInForApp(page, instance.baseURL, OWNER.email, OWNER.password);
  await expectToLandOn(page, next, { timeout: 30_000 });
}

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  auth = bearer(owner.personal_access_token);
  ownerId = owner.user_id;
});

test("device flow: the CLI polls while the person enters its code on /device, sees the app and approves", async ({ browser }) => {
  const cli = await relyingParty(await register({ name: "NetBird CLI", type: "device", redirect_uris: [] }));
  const started = await oidc.initiateDeviceAuthorization(cli, { scope: "openid profile email offline_access" });
  noteSecret(started.device_code);
  const polling = oidc.pollDeviceAuthorizationGrant(cli, started);

  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(started.verification_uri);
  await expect(page.getByRole("heading", { name: "Connect a device" })).toBeVisible();
  await expectAxeClean(page);
  await page.screenshot({ path: test.info().outputPath("device-390.png"), fullPage: true });
  await enterDeviceCode(page, started.user_code);

  await expect(page.getByRole("heading", { name: "Approve the device?" })).toBeVisible();
  await expect(page.getByText("NetBird CLI asks to sign in as you")).toBeVisible();
  await expect(page.getByText(started.user_code)).toBeVisible();
  // What approving gives the device, in the consent page's words, before Approve (review 46).
  await expect(page.getByText("Approving gives NetBird CLI:")).toBeVisible();
  await expect(page.getByRole("listitem")).toHaveText(["Know who you are (your user ID in Latchkey)", "Your name and username", "Your email address", "Stay signed in when you are away"]);
  await expectAxeClean(page);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: test.info().outputPath("device-confirm-dark-390.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  await page.getByRole("button", { name: "Approve" }).click();

  // Not signed in yet: Latchkey's own sign-in page, then straight back to finish the device's sign-in.
  await signInOnLatchkey(page, "Device connected");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: test.info().outputPath("device-done-desktop.png"), fullPage: true });

  const tokens = await polling;
  noteSecret(tokens.access_token);
  noteSecret(tokens.refresh_token);
  expect(tokens.claims()?.sub).toBe(ownerId);
  expect(tokens.refresh_token).toBeTruthy();

  // Profile lists the app, and revoking its access ends the CLI's refresh token.
  await page.goto(instance.url("/profile"));
  const apps = page.getByRole("region", { name: "Apps you signed in to" });
  await expect(apps.getByText("NetBird CLI")).toBeVisible();
  // What it can see, in the consent page's words (review 19: it said "email, offline_access, openid, profile").
  const canSee = apps.getByRole("row").filter({ hasText: "NetBird CLI" }).getByRole("listitem");
  await expect(canSee).toHaveText(["Know who you are (your user ID in Latchkey)", "Your name and username", "Your email address", "Stay signed in when you are away"]);
  await apps.screenshot({ path: test.info().outputPath("profile-apps-desktop.png") });
  await apps.getByRole("button", { name: "Revoke access" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke access" }).click();
  await expect(apps.getByText("You haven't signed in to any app through Latchkey.")).toBeVisible();
  const refused = await oidc.refreshTokenGrant(cli, tokens.refresh_token!).catch((err: unknown) => err);
  expect((refused as { error?: string }).error).toBe("invalid_grant");
  await context.close();
});

test("device flow: Approve pressed after signing out in another tab approves nothing; shown again, the person signs in and it connects", async ({ browser }) => {
  const cli = await relyingParty(await register({ name: "Backup CLI", type: "device", redirect_uris: [] }));
  const started = await oidc.initiateDeviceAuthorization(cli, { scope: "openid" });
  noteSecret(started.device_code);
  const polling = oidc.pollDeviceAuthorizationGrant(cli, started);

  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(started.verification_uri);
  await enterDeviceCode(page, started.user_code);
  await expect(page.getByText(`signed in to Latchkey as ${OWNER.name} (${OWNER.email})`)).toBeVisible();

  const otherTab = await context.newPage();
  await otherTab.goto(instance.url("/"));
  await signOut(otherTab, OWNER.name);
  await otherTab.close();

  // The page named Olive; nobody is signed in now: nothing approved, and the page says so.
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("heading", { name: "Check who is signed in" })).toBeVisible();
  await expect(page.getByRole("alert")).toHaveText("You were signed out of Latchkey after the page was shown.");
  await expectAxeClean(page);
  await page.screenshot({ path: test.info().outputPath("device-viewer-changed-390.png"), fullPage: true });
  await page.getByRole("link", { name: "Show the request again" }).click();

  // The same code's confirmation, naming nobody now (the sign-in comes after Approve).
  await expect(page.getByRole("heading", { name: "Approve the device?" })).toBeVisible();
  await expect(page.getByText(started.user_code)).toBeVisible();
  await expect(page.getByText("signed in to Latchkey as")).toHaveCount(0);
  await page.getByRole("button", { name: "Approve" }).click();
  await signInOnLatchkey(page, "Device connected");
  const tokens = await polling;
  noteSecret(tokens.access_token);
  expect(tokens.claims()?.sub).toBe(ownerId);
  await context.close();
});

test("code flow: someone not signed in signs in on Latchkey's page, allows the app, and lands back in it", async ({ browser }) => {
  const app = await relyingParty(await register({ name: "Grafana", type: "web", redirect_uris: [REDIRECT], require_consent: true }));
  const started = await startAuthorization(app, { redirect_uri: REDIRECT, scope: "openid profile email" });
  const context = await browser.newContext();
  const page = await context.newPage();
  // The app: nothing listens at its redirect URI; the browser's request to it is what the app would receive.
  const reachedApp = page.waitForRequest((request) => request.url().startsWith(REDIRECT));
  await page.goto(started.url.href);
  // This app requires consent: Latchkey's page says what it will see.
  await signInOnLatchkey(page, "Allow Grafana?");
  await expect(page.getByText("Your email address")).toBeVisible();
  await expectAxeClean(page);
  await page.getByRole("button", { name: "Allow" }).click();
  const callback = new URL((await reachedApp).url());
  const tokens = await oidc.authorizationCodeGrant(app, callback, started.checks);
  noteSecret(tokens.access_token);
  expect(tokens.claims()).toMatchObject({ sub: ownerId, email: OWNER.email, name: OWNER.name });
  await context.close();
});

test("prompt=login: the signed-in person confirms it's them (a wrong password is refused), the app gets a fresh auth_time, and the old session ends", async ({ browser }) => {
  const app = await relyingParty(await register({ name: "Gitea", type: "web", redirect_uris: [REDIRECT] }));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  const oldCookies = await context.cookies();
  // The app's request begins in a later second than that sign-in (only a sign-in after the request counts, to the second).
  await page.waitForTimeout(1_100);

  const asking = () => startAuthorization(app, { redirect_uri: REDIRECT, scope: "openid profile email", prompt: "login" });
  const started = await asking();
  const askedAt = Math.floor(Date.now() / 1000);
  await page.goto(started.url.href);
  await expectToLandOn(page, "Confirm it's you", { timeout: 30_000 });
  await expect(page.getByText("Gitea asks you to sign in again.")).toBeVisible();
  await expect(page.getByText(OWNER.name)).toBeVisible();
  await expect(page.getByLabel("Email or username")).toHaveValue(OWNER.email);
  await expect(page.getByLabel("Email or username")).toHaveJSProperty("readOnly", true);
  await expect(page.getByRole("button", { name: "Use another account" })).toBeVisible();
  await expectAxeClean(page);
  await page.screenshot({ path: test.info().outputPath("confirm-sign-in-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("confirm-sign-in-390.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });

  // A wrong password: the sign-in form's own refusal, still on the confirm page, and nothing reaches the app.
  await submitSignIn(page, undefined, "not the password at all");
  await expect(page.getByText("Invalid email or password")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();

  const reachedApp = page.waitForRequest((request) => request.url().startsWith(REDIRECT));
  await submitSignIn(page, undefined, OWNER.password);
  const callback = new URL((await reachedApp).url());
  const tokens = await oidc.authorizationCodeGrant(app, callback, { ...started.checks, maxAge: 60 });
  noteSecret(tokens.access_token);
  const claims = tokens.claims()!;
  expect(claims.sub).toBe(ownerId);
  expect(Number(claims.auth_time)).toBeGreaterThanOrEqual(askedAt);

  // The confirmation was a new session: the browser's old cookie signs nobody in any more.
  const stale = await browser.newContext();
  await stale.addCookies(oldCookies);
  const stalePage = await stale.newPage();
  await stalePage.goto(instance.url("/"));
  await expect(stalePage).toHaveURL(/\/login/);
  await stale.close();

  // "Use another account": signed out, the ordinary sign-in page, still on its way back to the app.
  await page.waitForTimeout(1_100);
  await page.goto((await asking()).url.href);
  await expectToLandOn(page, "Confirm it's you");
  await page.getByRole("button", { name: "Use another account" }).click();
  await expectToLandOn(page, "Sign in");
  await expect(page).toHaveURL(/callbackUrl=%2Foidc%2Finteraction%2F/);
  await expect(page.getByLabel("Email or username")).toHaveValue("");
  await context.close();
});

test("prompt=select_account: the signed-in person is asked which account, Continue goes on as them, on a phone too", async ({ browser }) => {
  const app = await relyingParty(await register({ name: "Portainer", type: "web", redirect_uris: [REDIRECT] }));
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  // The app's request begins in a later second than that sign-in (a sign-in after the request is itself the choice).
  await page.waitForTimeout(1_100);
  const started = await startAuthorization(app, { redirect_uri: REDIRECT, scope: "openid profile", prompt: "select_account" });
  await page.goto(started.url.href);
  await expect(page.getByRole("heading", { name: "Sign in to Portainer" })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(`You're signed in to Latchkey as ${OWNER.name} (${OWNER.email}).`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Use another account" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Continue" })).toBeFocused();
  await expectAxeClean(page);
  await page.screenshot({ path: test.info().outputPath("select-account-390.png"), fullPage: true });

  const reachedApp = page.waitForRequest((request) => request.url().startsWith(REDIRECT));
  await page.getByRole("button", { name: "Continue" }).click();
  const tokens = await oidc.authorizationCodeGrant(app, new URL((await reachedApp).url()), started.checks);
  noteSecret(tokens.access_token);
  expect(tokens.claims()).toMatchObject({ sub: ownerId });
  await context.close();
});
