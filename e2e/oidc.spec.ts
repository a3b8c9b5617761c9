/**
 * Signing in to other apps through Latchkey, in Chromium (issue 15): a CLI
 * (openid-client) starts the device flow and polls while the person enters
 * the code on /device, sees which app asks, approves, and signs in on
 * Latchkey's own sign-in page on the way; and a web app's code flow where the
 * person isn't signed in yet lands back in the app after the sign-in page.
 */
import { expect, test, type Page } from "@playwright/test";
import * as oidc from "openid-client";
import { bearer, call } from "./support/api";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { noteSecret } from "./support/secrets";
import { expectAxeClean } from "./support/axe";
import { expectToLandOn } from "./support/browser";

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
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
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
  await page.getByLabel("Code").fill(started.user_code);
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByRole("heading", { name: "Approve the device?" })).toBeVisible();
  await expect(page.getByText("NetBird CLI")).toBeVisible();
  await expect(page.getByText(started.user_code)).toBeVisible();
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
  await apps.screenshot({ path: test.info().outputPath("profile-apps-desktop.png") });
  await apps.getByRole("button", { name: "Revoke access" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke access" }).click();
  await expect(apps.getByText("You haven't signed in to any app through Latchkey.")).toBeVisible();
  const refused = await oidc.refreshTokenGrant(cli, tokens.refresh_token!).catch((err: unknown) => err);
  expect((refused as { error?: string }).error).toBe("invalid_grant");
  await context.close();
});

test("code flow: someone not signed in signs in on Latchkey's page, allows the app, and lands back in it", async ({ browser }) => {
  const app = await relyingParty(await register({ name: "Grafana", type: "web", redirect_uris: [REDIRECT], require_consent: true }));
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(app, {
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  // The app: nothing listens at its redirect URI; the browser's request to it is what the app would receive.
  const reachedApp = page.waitForRequest((request) => request.url().startsWith(REDIRECT));
  await page.goto(url.href);
  // This app requires consent: Latchkey's page says what it will see.
  await signInOnLatchkey(page, "Allow Grafana?");
  await expect(page.getByText("Your email address")).toBeVisible();
  await expectAxeClean(page);
  await page.getByRole("button", { name: "Allow" }).click();
  const callback = new URL((await reachedApp).url());
  const tokens = await oidc.authorizationCodeGrant(app, callback, { pkceCodeVerifier: verifier, expectedState: state });
  noteSecret(tokens.access_token);
  expect(tokens.claims()).toMatchObject({ sub: ownerId, email: OWNER.email, name: OWNER.name });
  await context.close();
});
