/**
 * An app's sign-in through Latchkey in Chromium, with the steps that come
 * between the password and the app: a person who must set up two-factor
 * (Settings → Security requires it for their group) and must choose their own
 * password (an admin set it) does both and lands back at the app; next time
 * the password and an authenticator code take them there, and when the app asks
 * for a fresh sign-in (prompt=login), both again on the confirm page. The ID
 * token says how (amr, acr: one factor for the sign-in that set the factor up,
 * two after), and an app asking for two factors (acr_values) steps the person up. Then the provider's
 * own pages (device code, consent) in the dashboard's themes and in German,
 * with axe and screenshots. Other ways in (LDAP, external provider, proxy
 * header): e2e/api/oidc-provider-sign-in-methods.spec.ts.
 */
import http from "node:http";
import { expect, test, type Browser, type Page } from "@playwright/test";
import * as oidc from "openid-client";
import { Secret, TOTP } from "otpauth";
import { bearer, call } from "./support/api";
import { submitSignIn, untilHydrated } from "./support/browser";
import { setUpOwner, useInstance } from "./support/instance";
import { noteSecret } from "./support/secrets";
import { tokenClient, uniqueEmail } from "./support/users-api";
import { expectAxeClean } from "./support/axe";
import { startAuthorization } from "./support/provider-client";

/** Latchkey's acr values (lib/oidc/authentication-context.ts), as an app configures them. */
const ONE_FACTOR = "urn:latchkey:acr:one-factor";
const TWO_FACTORS = "urn:latchkey:acr:two-factor";

const instance = useInstance({ PUBLIC_URL: "{baseURL}" });
test.describe.configure({ mode: "serial" });

// The app's end: a small server of the test's own (Chromium won't go to port 9, and routing doesn't see redirects).
let appServer: http.Server;
let REDIRECT = "";
type Registered = { id: string; client_id: string; client_secret: string };

let auth: Record<string, string>;
let ownerToken: string;
let person: { id: string; email: string; password: string; secret: string; recoveryCodes: string[] };
/** The person's next unused recovery code (each works once: the tests that sign in with one take their own). */
const spendRecoveryCode = () => {
  const code = person.recoveryCodes.shift();
  if (!code) throw new Error("No recovery code left");
  return code;
};

function code(base32: string, stepsAhead = 0): string {
  return TOTP.generate({ secret: Secret.fromBase32(base32), timestamp: Date.now() + stepsAhead * 30_000 });
}

async function register(json: Record<string, unknown>): Promise<Registered> {
  const res = await call<Registered>(instance, "/api/applications", { method: "POST", headers: auth, json });
  expect(res.status, res.text).toBe(201);
  noteSecret(res.body.client_secret);
  return res.body;
}

async function relyingParty(app: Registered) {
  return oidc.discovery(new URL(instance.baseURL), app.client_id, app.client_secret, oidc.ClientSecretBasic(app.client_secret), { execute: [oidc.allowInsecureRequests] });
}

function startSignIn(config: oidc.Configuration, scope = "openid email", extra: Record<string, string> = {}) {
  return startAuthorization(config, { redirect_uri: REDIRECT, scope, ...extra });
}

/** A fresh browser (context) with the given cookies. */
async function browserFor(browser: Browser, cookies: Array<{ name: string; value: string }> = [], viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  if (cookies.length > 0) await context.addCookies(cookies.map((c) => ({ ...c, url: instance.baseURL })));
  return { context, page: await context.newPage() };
}

/** `javaScript` false: the no-JavaScript test's browser, whose forms post themselves (no script to wait for). */
async function passwordStep(page: Page, email: string, password: string, javaScript = true) {
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Foidc%2Finteraction%2F/, { timeout: 30_000 });
  await submitSignIn(page, email, password, { javaScript });
}

/** The required password change inside an app's sign-in: the form keeps the way back to the app; `chosen` replaces `current`. */
async function forcedPasswordChangeStep(page: Page, current: string, chosen: string, javaScript = true) {
  await expect(page).toHaveURL(/\/change-password\?callbackUrl=%2Foidc%2Finteraction%2F/, { timeout: 30_000 });
  noteSecret(chosen);
  if (javaScript) await untilHydrated(page.getByLabel("Current password"));
  await page.getByLabel("Current password").fill(current);
  await page.getByLabel("New password", { exact: true }).fill(chosen);
  await page.getByLabel("Confirm new password").fill(chosen);
  await page.getByRole("button", { name: "Change password" }).click();
}

/**
 * Waits until the browser is back at the app with its code. If it isn't within a minute, the error says where the
 * browser is and what the page says (stop 49 and 50: a full run's first try waited out the test at the forced
 * password change, and its screenshot was gone by the end of the run).
 */
async function backAtTheApp(page: Page) {
  try {
    await page.waitForURL((url) => url.href.startsWith(REDIRECT), { timeout: 60_000 });
  } catch (err) {
    const text = await page.locator("body").innerText({ timeout: 2_000 }).catch(() => "(no page text)");
    throw new Error(`Not back at the app: the browser is at ${page.url()}, showing: ${text.replace(/\s+/g, " ").slice(0, 400)}`, { cause: err });
  }
}

test.beforeAll(async () => {
  appServer = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("The app"));
  await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve));
  REDIRECT = `http://127.0.0.1:${(appServer.address() as { port: number }).port}/callback`;
  const owner = await setUpOwner(instance);
  ownerToken = owner.personal_access_token;
  auth = bearer(ownerToken);
  const group = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Operators" } });
  expect(group.status, group.text).toBe(200);
  const policy = await call(instance, "/api/settings/security", { method: "PUT", headers: auth, json: { require_for: "groups", group_ids: [group.body.id], grace_days: 0 } });
  expect(policy.status, policy.text).toBe(200);
  const email = uniqueEmail("ola");
  const user = await tokenClient(instance, ownerToken).createUser({ email, name: "Ola Operator", role: "user", auto_groups: [group.body.id] });
  person = { id: user.id, email, password: user.password!, secret: "", recoveryCodes: [] };
});

test.afterAll(async () => {
  await new Promise((resolve) => appServer?.close(resolve));
});

test("forced two-factor set-up and a forced password change in an app's sign-in both lead back to the app; next time password and code", async ({ browser }) => {
  test.slow(); // two sign-ins with argon2 and a set-up on a busy machine
  const app = await register({ name: "Grafana", type: "web", redirect_uris: [REDIRECT] });
  const config = await relyingParty(app);

  const first = await startSignIn(config);
  const { context, page } = await browserFor(browser);
  await page.goto(first.url.href);
  await passwordStep(page, person.email, person.password);
  await expect(page.getByRole("heading", { name: "Set up two-factor authentication" })).toBeVisible({ timeout: 30_000 });
  person.secret = await page.getByLabel("Secret key").inputValue();
  await page.getByLabel("Code from the app").fill(code(person.secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  person.recoveryCodes = (await page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem").allTextContents()).map((c) => c.trim());
  person.recoveryCodes.forEach(noteSecret);
  await page.getByRole("button", { name: "Continue" }).click();
  // The password someone else set is replaced before the app gets anything, and the way back is kept.
  const chosen = "Ola's own operator passphrase 42";
  await forcedPasswordChangeStep(page, person.password, chosen);
  await backAtTheApp(page);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), first.checks);
  noteSecret(tokens.access_token);
  // A factor set up during the sign-in proves no more than the password that opened it: one factor.
  expect(tokens.claims()).toMatchObject({ sub: person.id, email: person.email, amr: ["pwd"], acr: ONE_FACTOR });
  person.password = chosen;

  // An app asking for two factors (acr_values) steps this one-factor session up: the confirm page, the password, the
  // person's second factor (a recovery code: the set-up spent this step's code, the next one is the next sign-in's).
  await page.waitForTimeout(1_100);
  const stepUp = await startSignIn(config, "openid email", { acr_values: TWO_FACTORS });
  await page.goto(stepUp.url.href);
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible({ timeout: 30_000 });
  await submitSignIn(page, undefined, person.password);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible({ timeout: 30_000 });
  await page.getByLabel("Authentication code").fill(spendRecoveryCode());
  await page.getByRole("button", { name: "Verify" }).click();
  await backAtTheApp(page);
  const steppedUp = await oidc.authorizationCodeGrant(config, new URL(page.url()), stepUp.checks);
  noteSecret(steppedUp.access_token);
  expect(steppedUp.claims()).toMatchObject({ sub: person.id, amr: ["pwd", "otp", "mfa"], acr: TWO_FACTORS });
  await context.close();

  // Another browser: the password, then the authenticator's code, then the app.
  const second = await startSignIn(config);
  const next = await browserFor(browser);
  await next.page.goto(second.url.href);
  await passwordStep(next.page, person.email, person.password);
  await expect(next.page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible({ timeout: 30_000 });
  // The set-up used this step's code: the next step's (accepted one step early) signs in.
  await next.page.getByLabel("Authentication code").fill(code(person.secret, 1));
  await next.page.getByRole("button", { name: "Verify" }).click();
  await backAtTheApp(next.page);
  const again = await oidc.authorizationCodeGrant(config, new URL(next.page.url()), second.checks);
  noteSecret(again.access_token);
  expect(again.claims()).toMatchObject({ sub: person.id, amr: ["pwd", "otp", "mfa"], acr: TWO_FACTORS });

  // The app asks this signed-in person for a fresh sign-in (prompt=login): the confirm page, the password, the second
  // step again (though a session lives), then the app. A recovery code: both TOTP steps near now are spent.
  await next.page.waitForTimeout(1_100);
  const fresh = await startSignIn(config, "openid email", { prompt: "login" });
  await next.page.goto(fresh.url.href);
  await expect(next.page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible({ timeout: 30_000 });
  await submitSignIn(next.page, undefined, person.password);
  await expect(next.page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible({ timeout: 30_000 });
  await next.page.getByLabel("Authentication code").fill(spendRecoveryCode());
  await next.page.getByRole("button", { name: "Verify" }).click();
  await backAtTheApp(next.page);
  const confirmed = await oidc.authorizationCodeGrant(config, new URL(next.page.url()), fresh.checks);
  noteSecret(confirmed.access_token);
  expect(confirmed.claims()).toMatchObject({ sub: person.id, amr: ["pwd", "otp", "mfa"], acr: TWO_FACTORS });
  await next.context.close();
});

test("without JavaScript (a form sent before its page has hydrated), the password and a forced password change lead back to the app", async ({ browser }) => {
  test.slow(); // two argon2 checks and a hash on a busy machine
  const app = await register({ name: "Plain Wiki", type: "web", redirect_uris: [REDIRECT] });
  const config = await relyingParty(app);
  const email = uniqueEmail("nora");
  const user = await tokenClient(instance, ownerToken).createUser({ email, name: "Nora Noscript", role: "user" });
  const started = await startSignIn(config);
  // Each form posts itself and the server answers with redirects; the last one, to the app, ended the form's
  // navigation under the sign-in pages' old form-action 'self' (the browser stayed on /change-password).
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(started.url.href);
  // JavaScript off on purpose: the forms post themselves, the path under test (no hydration to wait for).
  await passwordStep(page, email, user.password!, false);
  await forcedPasswordChangeStep(page, user.password!, "Nora's own passphrase, typed without scripts", false);
  await backAtTheApp(page);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), started.checks);
  noteSecret(tokens.access_token);
  expect(tokens.claims()).toMatchObject({ sub: user.id, email });
  await context.close();
});

test("the device and consent pages follow the dashboard's theme and language, carry the instance's name, and pass axe", async ({ browser }) => {
  test.slow(); // axe on six pages
  const wiki = await register({ name: "Team Wiki", type: "web", redirect_uris: [REDIRECT], require_consent: true });
  const config = await relyingParty(wiki);
  // Signed in (password and a recovery code), the app that requires consent asks on Latchkey's page.
  const { context, page } = await browserFor(browser);
  const started = await startSignIn(config, "openid email groups");
  await page.goto(started.url.href);
  await passwordStep(page, person.email, person.password);
  await page.getByLabel("Authentication code").fill(spendRecoveryCode());
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Allow Team Wiki?" })).toBeVisible({ timeout: 30_000 });
  const consentUrl = page.url();
  expect(consentUrl).toMatch(/\/oidc\/interaction\//);

  const cases = [
    { theme: "light", locale: "en", heading: "Connect a device", consent: "Allow Team Wiki?", scope: "Your email address" },
    { theme: "dark", locale: "en", heading: "Connect a device", consent: "Allow Team Wiki?", scope: "Your email address" },
    { theme: "dark", locale: "de", heading: "Gerät verbinden", consent: "Team Wiki erlauben?", scope: "Ihre E-Mail-Adresse" },
    { theme: "light", locale: "de", heading: "Gerät verbinden", consent: "Team Wiki erlauben?", scope: "Ihre E-Mail-Adresse" },
  ];
  for (const { theme, locale, heading, consent, scope } of cases) {
    await context.addCookies([{ name: "theme", value: theme, url: instance.baseURL }, { name: "locale", value: locale, url: instance.baseURL }]);
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(viewport);
      const where = `${theme}-${locale}-${viewport.width}`;
      await page.goto(instance.url("/device"));
      await expect(page.getByRole("heading", { name: heading })).toBeVisible();
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expect(page.locator("html")).toHaveClass(theme);
      await expect(page.getByText("Latchkey", { exact: true })).toBeVisible();
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background, `${where} background`).toBe(theme === "dark" ? "rgb(2, 6, 23)" : "rgb(248, 250, 252)");
      await page.screenshot({ path: test.info().outputPath(`device-${where}.png`), fullPage: true });
      if (viewport.width === 1280) await expectAxeClean(page, { what: `/device (${theme}, ${locale})`, soft: true });

      await page.goto(consentUrl);
      await expect(page.getByRole("heading", { name: consent })).toBeVisible();
      await expect(page.getByRole("listitem").filter({ hasText: scope })).toBeVisible();
      await expect(page.locator("html")).toHaveClass(theme);
      await page.screenshot({ path: test.info().outputPath(`consent-${where}.png`), fullPage: true });
      if (viewport.width === 1280) await expectAxeClean(page, { what: `consent (${theme}, ${locale})`, soft: true });
    }
  }
  // The system's preference, with no theme chosen: dark when the system is dark.
  await context.clearCookies({ name: "theme" });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto(instance.url("/device"));
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(2, 6, 23)");
  await context.close();
});
