/**
 * Passkeys in the browser (issue 14) with Chromium's virtual authenticator
 * (DevTools protocol: WebAuthn.addVirtualAuthenticator, a platform
 * authenticator with resident keys and user verification): register one
 * from Profile, sign out and in without a password, use it as the second
 * step after the password, rename and remove it. A person who must use
 * two-factor and has none chooses a passkey in the set-up forced after the
 * password, and the next sign-in asks for it. Then an LDAP user with an
 * authenticator app gets the same second step as a local user. And an app's
 * "confirm it's you" for one person refuses another person's passkey.
 *
 * WebAuthn needs a name, not an IP address, for its relying party: the
 * server's PUBLIC_URL is http://localhost:<port>, and the pages are opened there.
 */
import { expect, test, type Page } from "@playwright/test";
import * as oidc from "openid-client";
import { Secret, TOTP } from "otpauth";
import { openAccountMenu, signOut, startSignIn, submitSignIn, untilDashboardHydrated, untilHydrated } from "./support/browser";
import { setUpOwner, useInstance } from "./support/instance";
import { ldapSettings, LDAP_PEOPLE, startSlapd, type Slapd } from "./support/slapd";
import { personWithRole, tokenClient, uniqueEmail, type Client } from "./support/users-api";
import { expectAxeClean } from "./support/axe";
import { startAuthorization } from "./support/provider-client";
import { noteSecret } from "./support/secrets";

const instance = useInstance({ PUBLIC_URL: "http://localhost:{port}" });
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

let api: Client;
let person: { email: string; password: string; name: string; id: string };
let slapd: Slapd | undefined;

const site = (path: string) => instance.url(path).replace("//127.0.0.1:", "//localhost:");

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  api = tokenClient(instance, owner.personal_access_token);
  const p = await personWithRole(api, "user", { name: "Pat Passkey" });
  person = { email: p.email, password: p.password, name: p.user.name, id: p.user.id };
});

test.afterAll(async () => {
  await slapd?.stop();
});

async function withAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

/** Signs in with a password (no second step yet) and opens Profile once its script runs: its two-factor section. */
async function twoFactorOnProfile(page: Page, identifier: string, password: string) {
  await startSignIn(page, site(""), identifier, password);
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(site("/profile"));
  // Its buttons open their steps only through the page's script.
  await untilDashboardHydrated(page);
  return page.getByRole("region", { name: "Two-factor authentication" });
}

/** Counts the server actions the page posts to `path` from now on (the passkey options and answers are server actions). */
function serverActionPosts(page: Page, path: string) {
  let count = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === path && request.headers()["next-action"]) count++;
  });
  return { count: () => count };
}

/** A new person in a new group that Settings → Security requires two-factor sign-in for, with no grace period. */
async function mustUseTwoFactor(groupName: string, person: { name: string; email: string }) {
  const group = await api.post<{ id: string }>("/api/groups", { name: groupName });
  expect(group.status, group.text).toBe(200);
  const p = await personWithRole(api, "user", { ...person, auto_groups: [group.body.id] });
  const policy = await api.put("/api/settings/security", { require_for: "groups", group_ids: [group.body.id], grace_days: 0 });
  expect(policy.status, policy.text).toBe(200);
  return p;
}

test("register a passkey from Profile, sign in with it alone and as the second step, rename and remove it", async ({ page }) => {
  const { cdp, authenticatorId } = await withAuthenticator(page);
  const presence = (enabled: boolean) => cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled });
  const section = await twoFactorOnProfile(page, person.email, person.password);
  await section.getByRole("button", { name: "Add a passkey" }).click();
  // No name: said at the field before the password is tried or the browser asked (nothing made on the device).
  await section.getByLabel("Your password").fill(person.password);
  await section.getByRole("button", { name: "Continue" }).click();
  const newName = section.getByLabel("Passkey name");
  await expect(newName).toHaveAccessibleDescription(/Name the passkey \(for example, the device it is on\)/);
  await expect(newName).toHaveAttribute("aria-invalid", "true");
  await expect(newName).toBeFocused();
  await expect(section.getByLabel("Your password")).toHaveValue("");
  expect((await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials).toHaveLength(0);
  // The name and the password (a session alone can't add a passkey); after a refusal the name stays.
  await section.getByLabel("Passkey name").fill("Work laptop");
  await section.getByLabel("Your password").fill("not the password");
  await section.getByRole("button", { name: "Continue" }).click();
  await expect(section.getByText("Current password is incorrect").first()).toBeVisible();
  expect((await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials).toHaveLength(0);
  await expect(section.getByLabel("Passkey name")).toHaveValue("Work laptop");
  await section.getByLabel("Your password").fill(person.password);
  await section.getByRole("button", { name: "Continue" }).click();
  // The first factor: ten recovery codes, shown once.
  const codes = section.getByRole("list", { name: "Recovery codes" });
  await expect(codes.getByRole("listitem")).toHaveCount(10);
  await section.getByRole("button", { name: "Done" }).click();
  const passkeys = section.getByRole("list", { name: "Passkeys" });
  await expect(passkeys.getByRole("listitem")).toHaveCount(1);
  await expect(passkeys.getByText("Work laptop")).toBeVisible();
  await expect(passkeys.getByText(/last used never/)).toBeVisible();
  expect((await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials).toHaveLength(1);
  const viaApi = await api.get<{ mfa: { passkeys: number; totp: boolean } }>(`/api/users/${person.id}`);
  expect(viaApi.body.mfa).toMatchObject({ passkeys: 1, totp: false });
  await page.screenshot({ path: test.info().outputPath("profile-passkeys.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("profile-passkeys-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await expectAxeClean(page, { include: "main", what: "Profile with a passkey (light)", settle: true });
  await page.context().addCookies([{ name: "theme", value: "dark", url: site("/") }]);
  await page.reload();
  await expect(passkeys.getByText("Work laptop")).toBeVisible();
  await expectAxeClean(page, { include: "main", what: "Profile with a passkey (dark)", settle: true });
  await page.screenshot({ path: test.info().outputPath("profile-passkeys-dark.png"), fullPage: true });

  // Passwordless from the browser's autofill (conditional mediation): the virtual authenticator, which
  // stands for a person picking the passkey from the list, answers as soon as the sign-in page asks.
  await openAccountMenu(page, person.name);
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/team\/users/);
  await expect(page.getByRole("button", { name: person.name })).toBeVisible();
  await page.goto(site("/profile"));
  await expect(passkeys.getByText(/last used never/)).toHaveCount(0);

  // Passwordless: nobody answers while the sign-in page loads (no presence), so the page's autofill request
  // stays open. It is made once: the challenge it posts for sets a cookie, which refreshes the page, and a
  // request made again on each refresh (a translator with a new identity re-ran its effect) aborted the
  // list's request and posted for another challenge, again and again, while the page was open.
  await presence(false);
  const challengePosts = serverActionPosts(page, "/login");
  await signOut(page, person.name);
  await expect(page.getByLabel("Email or username")).toHaveAttribute("autocomplete", "username webauthn");
  await expect(page.locator('[data-passkey-autofill="open"]')).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toBeEnabled();
  await page.waitForTimeout(2_000);
  await expect(page.locator('[data-passkey-autofill="open"]')).toHaveCount(1);
  expect(challengePosts.count(), "server actions posted by /login while its autofill request waits").toBe(1);
  // Chromium's virtual authenticator answers only requests made while presence is on (an open request stays
  // unanswered when it comes on), so the person uses the button: its request replaces the open autofill one.
  await presence(true);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).not.toHaveURL(/\/login/);

  // As the second step after the password (no presence while on the sign-in page: its autofill request waits).
  await presence(false);
  await signOut(page, person.name);
  await startSignIn(page, site(""), person.email, person.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await presence(true);
  await page.screenshot({ path: test.info().outputPath("second-step-passkey.png"), fullPage: true });
  await expectAxeClean(page, { include: "body", what: "the second step with a passkey (dark)", settle: true });
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).not.toHaveURL(/\/login/);

  // Rename, then remove (the password again: a wrong one is refused).
  await page.goto(site("/profile"));
  await untilDashboardHydrated(page);
  await passkeys.getByRole("button", { name: "Rename Work laptop" }).click();
  // An empty name is said at the field, which gets the focus; nothing is renamed.
  await passkeys.getByLabel("New name").fill("  ");
  await passkeys.getByRole("button", { name: "Save name" }).click();
  await expect(passkeys.getByLabel("New name")).toHaveAccessibleDescription(/Name the passkey \(for example, the device it is on\)/);
  await expect(passkeys.getByLabel("New name")).toBeFocused();
  await passkeys.getByLabel("New name").fill("Home laptop");
  await passkeys.getByRole("button", { name: "Save name" }).click();
  await expect(passkeys.getByText("Home laptop")).toBeVisible();
  await page.reload();
  await expect(passkeys.getByText("Home laptop")).toBeVisible();
  await passkeys.getByRole("button", { name: "Remove Home laptop" }).click();
  await passkeys.getByRole("button", { name: "Remove passkey" }).click();
  await expect(passkeys.getByLabel("Your password")).toHaveAccessibleDescription(/Current password is required/);
  await expect(passkeys.getByLabel("Your password")).toBeFocused();
  await passkeys.getByLabel("Your password").fill("not the password");
  await passkeys.getByRole("button", { name: "Remove passkey" }).click();
  await expect(passkeys.getByText("Current password is incorrect").first()).toBeVisible();
  await passkeys.getByLabel("Your password").fill(person.password);
  await passkeys.getByRole("button", { name: "Remove passkey" }).click();
  await expect(section.getByRole("list", { name: "Passkeys" })).toBeHidden();
  const after = await api.get<{ mfa: { passkeys: number; recovery_codes_left: number } }>(`/api/users/${person.id}`);
  expect(after.body.mfa).toMatchObject({ passkeys: 0, recovery_codes_left: 0 });

  // The authenticator still holds the credential, but the server no longer knows it.
  await presence(false);
  await signOut(page, person.name);
  await expect(page.locator('[data-passkey-autofill="open"]')).toHaveCount(1);
  // The button, as above: the open autofill request would not be answered when presence comes on.
  await presence(true);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "That passkey could not sign you in" })).toBeVisible();
  // The autofill list is offered again after a refusal; with presence on, the authenticator would answer it at once.
  await presence(false);
  await expect(page).toHaveURL(/\/login/);

  // A German browser gets the button in German.
  const german = await page.context().browser()!.newContext({ locale: "de-DE" });
  const germanPage = await german.newPage();
  await germanPage.goto(page.url());
  await expect(germanPage.getByRole("button", { name: "Mit einem Passkey anmelden" })).toBeVisible();
  await german.close();
});

test("two-factor required and no factor yet: a passkey set up right after the password, then it is the second step", async ({ page }) => {
  const p = await mustUseTwoFactor("Passkey people", { name: "Fay Forced", email: uniqueEmail("forced") });

  const { cdp, authenticatorId } = await withAuthenticator(page);
  const presence = (enabled: boolean) => cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled });
  // Started from a page the person was headed for: the set-up keeps that destination.
  await page.goto(site(`/login?${new URLSearchParams({ callbackUrl: "/profile" })}`));
  await submitSignIn(page, p.email, p.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await expect(page.getByRole("heading", { name: "Set up two-factor authentication" })).toBeVisible();
  // The password alone reaches nothing.
  await page.goto(site("/profile"));
  await expect(page).toHaveURL(/\/login/);
  await page.goto(site(`/login/two-factor?${new URLSearchParams({ callbackUrl: "/profile" })}`));
  const choice = page.getByRole("group", { name: "How do you want to confirm your sign-ins?" });
  await expect(choice.getByRole("radio", { name: "Authenticator app" })).toBeChecked();
  await expect(page.getByLabel("Secret key")).toBeVisible();
  await expectAxeClean(page, { include: "body", what: "the forced set-up's choice (light)", settle: true });
  await page.screenshot({ path: test.info().outputPath("forced-setup-choice.png"), fullPage: true });

  await page.context().addCookies([{ name: "theme", value: "dark", url: site("/") }]);
  await page.setViewportSize({ width: 360, height: 780 });
  await page.reload();
  // The whole card chooses (its label stretches over it), as a tap on a phone would.
  await choice.getByText("Passkey", { exact: true }).click();
  await expect(choice.getByRole("radio", { name: "Passkey" })).toBeChecked();
  await expect(page.getByLabel("Secret key")).toBeHidden();
  // The name to start with: the browser and system it is made on.
  await expect(page.getByLabel("Passkey name")).toHaveValue("Chrome on Linux");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await expectAxeClean(page, { include: "body", what: "the forced set-up with Passkey chosen (dark, 360 px)", settle: true });
  await page.screenshot({ path: test.info().outputPath("forced-setup-passkey-phone-dark.png"), fullPage: true });
  await page.getByLabel("Passkey name").fill("Fay's laptop");
  await page.getByRole("button", { name: "Create passkey" }).click();
  // The first factor: ten recovery codes, shown once, before the session.
  await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  expect((await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials).toHaveLength(1);
  await expectAxeClean(page, { include: "body", what: "the forced set-up's recovery codes (dark, 360 px)", settle: true });
  await page.screenshot({ path: test.info().outputPath("forced-setup-codes-phone-dark.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  const passkeys = page.getByRole("region", { name: "Two-factor authentication" }).getByRole("list", { name: "Passkeys" });
  await expect(passkeys.getByText("Fay's laptop")).toBeVisible();
  const viaApi = await api.get<{ mfa: { passkeys: number; totp: boolean; recovery_codes_left: number } }>(`/api/users/${p.user.id}`);
  expect(viaApi.body.mfa).toMatchObject({ passkeys: 1, totp: false, recovery_codes_left: 10 });

  // The next sign-in: the password, then the passkey (no presence on the sign-in page: its autofill request waits).
  await presence(false);
  await signOut(page, "Fay Forced");
  await startSignIn(page, site(""), p.email, p.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await expect(page.getByRole("button", { name: "Use a passkey" })).toBeVisible();
  await presence(true);
  await page.getByRole("button", { name: "Use a passkey" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: "Fay Forced" })).toBeVisible();

  const off = await api.put("/api/settings/security", { require_for: "nobody", grace_days: 0 });
  expect(off.status, off.text).toBe(200);
});

test("the forced set-up says an empty passkey name at the field, in German on a phone, before the browser is asked", async ({ page }) => {
  const p = await mustUseTwoFactor("Passkey people (empty name)", { name: "Nele Nameless", email: uniqueEmail("nameless") });
  try {
    const { cdp, authenticatorId } = await withAuthenticator(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await startSignIn(page, site(""), p.email, p.password);
    await expect(page).toHaveURL(/\/login\/two-factor/);
    await page.context().addCookies([{ name: "locale", value: "de", url: site("/") }]);
    await page.reload();
    const choice = page.getByRole("group", { name: "Wie möchten Sie Ihre Anmeldungen bestätigen?" });
    await choice.getByText("Passkey", { exact: true }).click();
    const name = page.getByLabel("Name des Passkeys");
    await expect(name).not.toHaveValue("");
    await name.fill("");
    await page.getByRole("button", { name: "Passkey erstellen" }).click();
    await expect(name).toHaveAccessibleDescription(/Geben Sie dem Passkey einen Namen \(höchstens 64 Zeichen\)/);
    await expect(name).toHaveAttribute("aria-invalid", "true");
    await expect(name).toBeFocused();
    expect((await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials).toHaveLength(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // A name, and the passkey is made.
    await name.fill("Neles Telefon");
    await page.getByRole("button", { name: "Passkey erstellen" }).click();
    await expect(page.getByRole("list", { name: "Wiederherstellungscodes" }).getByRole("listitem")).toHaveCount(10);
    expect((await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials).toHaveLength(1);
  } finally {
    const off = await api.put("/api/settings/security", { require_for: "nobody", grace_days: 0 });
    expect(off.status, off.text).toBe(200);
  }
});

test("an LDAP user with an authenticator app gets the second step after the directory password", async ({ page }) => {
  slapd = await startSlapd();
  const saved = await api.put("/api/settings/ldap", ldapSettings(slapd, { name: "Corp Directory" }));
  expect(saved.status, saved.text).toBe(200);

  const section = await twoFactorOnProfile(page, "dora", LDAP_PEOPLE.dora.password);
  await section.getByRole("button", { name: "Set up authenticator app" }).click();
  // No local password and no factor yet: the directory sign-in a moment ago is the proof.
  await expect(section.getByText("You signed in a few minutes ago, which confirms it's you.")).toBeVisible();
  await section.getByRole("button", { name: "Continue" }).click();
  const secret = await section.getByLabel("Secret key").inputValue();
  const code = (stepsAhead = 0) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() + stepsAhead * 30_000 });
  await section.getByLabel("Code from the app").fill(code());
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await signOut(page, LDAP_PEOPLE.dora.name);

  await startSignIn(page, site(""), "dora", LDAP_PEOPLE.dora.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  // The directory password alone reaches nothing.
  await page.goto(site("/profile"));
  await expect(page).toHaveURL(/\/login/);
  await page.goto(site("/login/two-factor"));
  await page.getByLabel("Authentication code").fill(code(1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await expect(page.getByRole("button", { name: LDAP_PEOPLE.dora.name })).toBeVisible();
});

test("an app's 'confirm it's you' for Pat refuses Sam's passkey: Pat stays signed in, on the same page, told why; Pat's password gives the app Pat's code", async ({ page }) => {
  const REDIRECT = "http://127.0.0.1:4999/callback";
  const registered = await api.post<{ client_id: string; client_secret: string }>("/api/applications", { name: "Gitea", type: "web", redirect_uris: [REDIRECT] });
  expect(registered.status, registered.text).toBe(201);
  const { client_id, client_secret } = registered.body;
  noteSecret(client_secret);
  const app = await oidc.discovery(new URL(site("/")), client_id, client_secret, oidc.ClientSecretBasic(client_secret), { execute: [oidc.allowInsecureRequests] });
  const pat = await personWithRole(api, "user", { name: "Pat Confirming" });
  const sam = await personWithRole(api, "user", { name: "Sam Someone" });
  const { cdp, authenticatorId } = await withAuthenticator(page);
  const presence = (enabled: boolean) => cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled });

  /** `who`, signed in with their password, registers a passkey from Profile in this browser's authenticator: their recovery codes. */
  const registerPasskey = async (who: typeof pat) => {
    // No presence on the sign-in page: its autofill request would be answered with a passkey already held.
    await presence(false);
    const section = await twoFactorOnProfile(page, who.email, who.password);
    await presence(true);
    await section.getByRole("button", { name: "Add a passkey" }).click();
    await section.getByLabel("Passkey name").fill("Laptop");
    await section.getByLabel("Your password").fill(who.password);
    await section.getByRole("button", { name: "Continue" }).click();
    const list = section.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
    await expect(list).toHaveCount(10);
    const codes = (await list.allTextContents()).map((c) => c.trim());
    await section.getByRole("button", { name: "Done" }).click();
    await expect(section.getByRole("list", { name: "Passkeys" }).getByRole("listitem")).toHaveCount(1);
    return codes;
  };
  const heldCredentials = async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
  await registerPasskey(sam);
  await presence(false);
  await signOut(page, sam.user.name);
  const samsCredential = (await heldCredentials())[0].credentialId;
  // Pat has a passkey too (the confirm page offers passkeys for it), held elsewhere: this browser keeps only Sam's.
  const patsCodes = await registerPasskey(pat);
  for (const held of await heldCredentials()) {
    if (held.credentialId !== samsCredential) await cdp.send("WebAuthn.removeCredential", { authenticatorId, credentialId: held.credentialId });
  }
  expect((await heldCredentials()).map((c) => c.credentialId)).toEqual([samsCredential]);
  await presence(false);

  // The app asks for a fresh sign-in, in a later second than Pat's.
  await page.waitForTimeout(1_100);
  const started = await startAuthorization(app, { redirect_uri: REDIRECT, scope: "openid email profile", prompt: "login" });
  let reachedApp: string | null = null;
  page.on("request", (request) => {
    if (request.url().startsWith(REDIRECT)) reachedApp = request.url();
  });
  await page.goto(started.url.href);
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible({ timeout: 30_000 });
  const callbackUrl = new URL(page.url()).searchParams.get("callbackUrl");
  expect(callbackUrl).toMatch(/^\/oidc\/interaction\/[A-Za-z0-9_-]+$/);

  // As on the sign-in page: the button's request (the open autofill one would not be answered when presence comes on).
  await presence(true);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "You signed in as someone else, not as the person signed in here." })).toBeVisible();
  await presence(false);
  await expect(page.getByRole("heading", { name: "Confirm it's you" })).toBeVisible();
  expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(callbackUrl);
  expect(reachedApp).toBeNull();
  expect((await (await page.request.get(site("/api/users/current"))).json()).email).toBe(pat.email);
  const failures = await api.get<{ target_id: string; meta: { reason: string; method?: string } }[]>("/api/events?action=user.login.failed&limit=100");
  // On record as Pat's failed sign-in (the autofill may have asked once more before presence went off).
  const refusals = failures.body.filter((e) => e.target_id === pat.user.id).map((e) => e.meta);
  expect(refusals.length).toBeGreaterThan(0);
  for (const refusal of refusals) expect(refusal).toMatchObject({ reason: "not_the_person", method: "passkey" });

  // Pat's own password, and their second step (a recovery code: their passkey is elsewhere), answer the app.
  const reached = page.waitForRequest((request) => request.url().startsWith(REDIRECT), { timeout: 30_000 });
  await submitSignIn(page, undefined, pat.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await page.getByLabel("Authentication code").fill(patsCodes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  const tokens = await oidc.authorizationCodeGrant(app, new URL((await reached).url()), { ...started.checks, maxAge: 60 });
  noteSecret(tokens.access_token);
  expect(tokens.claims()).toMatchObject({ email: pat.email, sub: pat.user.id });
});

test("'Sign in with a passkey' that gets no answer (a proxy's 429) says so on the sign-in page, which stays", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(site("/login"));
    // The passkey button does nothing until the page's script has taken over.
    await untilHydrated(page.getByLabel("Password", { exact: true }));
    // What nginx's documented limit answers (docs/operations.md): not the action's answer (lib/forms/unanswered-submission.ts).
    await page.route("**/*", (route) =>
      route.request().method() === "POST" && route.request().headers()["next-action"]
        ? route.fulfill({ status: 429, contentType: "text/html", body: "<html><body><h1>429 Too Many Requests</h1></body></html>" })
        : route.fallback(),
    );
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "The server couldn't be reached, or was too busy to answer. Try again in a moment." })).toBeVisible();
    await expect(page.getByLabel("Password")).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  } finally {
    await context.close();
  }
});
