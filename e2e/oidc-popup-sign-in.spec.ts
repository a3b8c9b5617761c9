/**
 * An app that opens its sign-in in a popup (oidc-client-ts's signinPopup, MSAL's loginPopup) and hears the
 * answer through window.opener, in Chromium, for a person who isn't signed in yet: the popup goes through
 * Latchkey's own sign-in pages (/login, the two-factor set-up and step, /change-password) and the app must still
 * get the callback address with a code. A page on the way that sent Cross-Origin-Opener-Policy: same-origin would
 * put the popup in another browsing context group, and window.opener would be gone for good
 * (lib/http/security-headers.ts, docs/security.md).
 */
import http from "node:http";
import { expect, test, type Browser, type Page } from "@playwright/test";
import * as oidc from "openid-client";
import { Secret, TOTP } from "otpauth";
import { bearer, call } from "./support/api";
import { submitSignIn, untilHydrated } from "./support/browser";
import { setUpOwner, useInstance } from "./support/instance";
import { registerApp, startAuthorization, type RegisteredApp } from "./support/provider-client";
import { noteSecret } from "./support/secrets";
import { tokenClient, uniqueEmail } from "./support/users-api";

const instance = useInstance({ PUBLIC_URL: "{baseURL}" });
test.describe.configure({ mode: "serial" });

/**
 * The app, on an origin of its own (another port): `/` opens the sign-in in a popup when asked and shows what the
 * popup told it; `/callback` is the redirect URI, which tells its opener where it is.
 */
const APP_PAGE = `<!doctype html><title>The app</title>
<output id="heard">nothing yet</output>
<script>
  window.addEventListener("message", (e) => { document.getElementById("heard").textContent = String(e.data); });
  window.signIn = (url) => window.open(url, "latchkey-sign-in", "popup,width=480,height=720");
</script>`;
const CALLBACK_PAGE = `<!doctype html><title>Signing in</title>
<p id="status"></p>
<script>
  if (window.opener) { window.opener.postMessage(location.href, "*"); document.getElementById("status").textContent = "told the app"; }
  else document.getElementById("status").textContent = "no opener";
</script>`;

let appServer: http.Server;
let APP = "";
let REDIRECT = "";
let auth: Record<string, string>;
let app: RegisteredApp;
let person: { id: string; email: string; password: string; secret: string };

const totp = (secret: string, stepsAhead = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + stepsAhead * 30_000 });

async function relyingParty() {
  return oidc.discovery(new URL(instance.baseURL), app.client_id, app.client_secret, oidc.ClientSecretBasic(app.client_secret!), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** A fresh browser at the app's page, and the popup it opens for `url`. */
async function openSignInPopup(browser: Browser, url: URL): Promise<{ close: () => Promise<void>; appPage: Page; popup: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const appPage = await context.newPage();
  await appPage.goto(APP);
  const popupOpened = appPage.waitForEvent("popup");
  await appPage.evaluate((href) => (window as unknown as { signIn: (u: string) => void }).signIn(href), url.href);
  const popup = await popupOpened;
  return { close: () => context.close(), appPage, popup };
}

async function passwordStep(popup: Page, email: string, password: string) {
  await expect(popup).toHaveURL(/\/login\?callbackUrl=%2Foidc%2Finteraction%2F/, { timeout: 30_000 });
  await submitSignIn(popup, email, password);
}

/** What the app heard from its popup: the callback address, with the code for its token request. */
async function heardCallback(appPage: Page): Promise<URL> {
  await expect(appPage.locator("#heard")).toHaveText(/\/callback\?.*code=/, { timeout: 30_000 });
  return new URL((await appPage.locator("#heard").textContent())!);
}

test.beforeAll(async () => {
  appServer = http.createServer((req, res) => {
    const body = req.url?.startsWith("/callback") ? CALLBACK_PAGE : APP_PAGE;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body);
  });
  await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve));
  APP = `http://127.0.0.1:${(appServer.address() as { port: number }).port}/`;
  REDIRECT = `${APP}callback`;
  const owner = await setUpOwner(instance);
  auth = bearer(owner.personal_access_token);
  app = await registerApp(instance, auth, { name: "Popup app", type: "web", redirect_uris: [REDIRECT] });
  // Settings → Security requires two-factor for this group: its member sets it up right after the password.
  const group = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Operators" } });
  expect(group.status, group.text).toBe(200);
  const policy = await call(instance, "/api/settings/security", { method: "PUT", headers: auth, json: { require_for: "groups", group_ids: [group.body.id], grace_days: 0 } });
  expect(policy.status, policy.text).toBe(200);
  const email = uniqueEmail("pia");
  // An admin set the password: the person must choose their own before any app gets them.
  const user = await tokenClient(instance, owner.personal_access_token).createUser({ email, name: "Pia Popup", role: "user", auto_groups: [group.body.id] });
  person = { id: user.id, email, password: user.password!, secret: "" };
});

test.afterAll(async () => {
  await new Promise((resolve) => appServer?.close(resolve));
});

test("a person not signed in signs in in the app's popup (password, two-factor set-up, own password) and the app hears the code", async ({ browser }) => {
  test.slow(); // argon2 twice and a two-factor set-up on a busy machine
  const config = await relyingParty();
  const started = await startAuthorization(config, { redirect_uri: REDIRECT, scope: "openid email" });
  const { close, appPage, popup } = await openSignInPopup(browser, started.url);

  await passwordStep(popup, person.email, person.password);
  await expect(popup.getByRole("heading", { name: "Set up two-factor authentication" })).toBeVisible({ timeout: 30_000 });
  person.secret = await popup.getByLabel("Secret key").inputValue();
  noteSecret(person.secret);
  await popup.getByLabel("Code from the app").fill(totp(person.secret));
  await popup.getByRole("button", { name: "Turn on" }).click();
  await expect(popup.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  (await popup.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").allTextContents()).forEach((c) => noteSecret(c.trim()));
  await popup.getByRole("button", { name: "Continue" }).click();
  await expect(popup).toHaveURL(/\/change-password\?callbackUrl=%2Foidc%2Finteraction%2F/, { timeout: 30_000 });
  // A reload on the way, as a person might: the page is a document load of its own then.
  await popup.reload();
  const chosen = "Pia's own popup passphrase 77";
  noteSecret(chosen);
  await untilHydrated(popup.getByLabel("Current password"));
  await popup.getByLabel("Current password").fill(person.password);
  await popup.getByLabel("New password", { exact: true }).fill(chosen);
  await popup.getByLabel("Confirm new password").fill(chosen);
  await popup.getByRole("button", { name: "Change password" }).click();

  const callback = await heardCallback(appPage);
  await expect(popup.locator("#status")).toHaveText("told the app");
  const tokens = await oidc.authorizationCodeGrant(config, callback, started.checks);
  noteSecret(tokens.access_token);
  expect(tokens.claims()).toMatchObject({ sub: person.id, email: person.email });
  person.password = chosen;
  await close();
});

test("next time, in another browser: password and authenticator code in the popup, and the app hears the code", async ({ browser }) => {
  test.slow();
  const config = await relyingParty();
  const started = await startAuthorization(config, { redirect_uri: REDIRECT, scope: "openid email" });
  const { close, appPage, popup } = await openSignInPopup(browser, started.url);
  await passwordStep(popup, person.email, person.password);
  await expect(popup.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible({ timeout: 30_000 });
  await expect(popup).toHaveURL(/\/login\/two-factor\?callbackUrl=%2Foidc%2Finteraction%2F/);
  await popup.reload(); // the second step's page as a document of its own
  // The set-up used this step's code: the next step's (accepted one step early) signs in.
  await popup.getByLabel("Authentication code").fill(totp(person.secret, 1));
  await popup.getByRole("button", { name: "Verify" }).click();

  const callback = await heardCallback(appPage);
  const tokens = await oidc.authorizationCodeGrant(config, callback, started.checks);
  noteSecret(tokens.access_token);
  expect(tokens.claims()?.sub).toBe(person.id);
  await close();
});

test("the sign-in pages keep Cross-Origin-Opener-Policy off, the dashboard keeps it on", async () => {
  for (const path of ["/login?callbackUrl=%2Foidc%2Finteraction%2Fx", "/login", "/login/two-factor", "/change-password", "/auth/proxy", "/api/auth/signin"]) {
    const res = await fetch(instance.url(path), { redirect: "manual" });
    expect(res.headers.get("cross-origin-opener-policy"), path).toBeNull();
  }
  for (const path of ["/", "/profile", "/team/users", "/setup", "/api/users"]) {
    const res = await fetch(instance.url(path), { redirect: "manual" });
    expect(res.headers.get("cross-origin-opener-policy"), path).toBe("same-origin");
  }
});
