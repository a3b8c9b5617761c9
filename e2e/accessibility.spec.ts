/**
 * Accessibility as a test: axe runs on every page and the main dialogs, in
 * the light and the dark theme, and any violation fails (WCAG 2.x A and AA,
 * colour contrast included); every page a person reaches again in German on a
 * phone (390 px). Then what a screen reader is told (review 23): titles and
 * language per page, errors at their fields, row buttons that name their row,
 * the current page in the navigation; and the keyboard in a dialog. Each page is loaded once: every rule runs in the
 * light theme, then the colour rules in the dark one (a theme changes colours
 * only; see expectAxeCleanInBothThemes). Loading and checking every page
 * again in dark made this file 6.7 minutes alone on a busy two-core host
 * (6.6 in the full suite, its slowest file); now 3.7 on a busier one.
 */
import { expect, test, type Browser, type Page } from "@playwright/test";
import * as oidc from "openid-client";
import { dashboardPages, ownerPage, post, seedDashboard, type Seeded } from "./support/dashboard";
import { OWNER, useInstance } from "./support/instance";
import { enterDeviceCode, openAccountMenu, signIn, startSignIn, untilDashboardHydrated } from "./support/browser";
import { expectAxeClean, expectAxeCleanInBothThemes } from "./support/axe";
import { startAuthorization } from "./support/provider-client";

// PUBLIC_URL: the device flow's verification address is this server's.
const instance = useInstance({ PUBLIC_URL: "{baseURL}" });
test.describe.configure({ mode: "serial" });
// axe takes seconds per page on a busy machine, and each test walks many pages.
test.setTimeout(300_000);
let seeded: Seeded | undefined;

/** The populated instance, made on first use (after the setup page was checked, when that test runs). */
async function ensureSeeded(): Promise<Seeded> {
  seeded ??= await seedDashboard(instance);
  return seeded;
}

/** A German browser on a phone (390 px), light theme, signed out. */
async function germanPhone(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "de-DE" });
  await context.addCookies([
    { name: "theme", value: "light", url: instance.baseURL },
    { name: "locale", value: "de", url: instance.baseURL },
  ]);
  return { context, page: await context.newPage() };
}

/** The page is in German (what a screen reader reads it in) and axe finds nothing on it at this width. */
async function germanPageClean(page: Page, what: string) {
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expectAxeClean(page, { what: `${what} (German, 390 px)`, settle: true, soft: true });
}

/** A device app and a web app that asks for consent, as openid-client sees them. */
async function appsSigningIn(seeded: Seeded) {
  const register = async (json: Record<string, unknown>) => {
    const app = await post<{ client_id: string; client_secret?: string }>(instance, seeded.ownerToken, "/api/applications", json, 201);
    const secret = app.client_secret;
    return oidc.discovery(new URL(instance.baseURL), app.client_id, secret, secret ? oidc.ClientSecretBasic(secret) : oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
  };
  return {
    device: await register({ name: "NetBird CLI", type: "device", redirect_uris: [] }),
    web: await register({ name: "Wiki", type: "web", redirect_uris: [REDIRECT], require_consent: true }),
  };
}
let apps: Awaited<ReturnType<typeof appsSigningIn>> | undefined;
const REDIRECT = "http://127.0.0.1:4999/callback";

/** A signed-out page in the light theme (expectAxeCleanInBothThemes starts from light). */
async function lightPage(browser: Browser) {
  const context = await browser.newContext();
  await context.addCookies([{ name: "theme", value: "light", url: instance.baseURL }]);
  return { context, page: await context.newPage() };
}

test("the setup page has no violations in either theme", async ({ browser }) => {
  // Setup exists only before the owner does.
  const { context, page } = await lightPage(browser);
  await page.goto(instance.url("/setup"));
  await expectAxeCleanInBothThemes(page, { what: "/setup", settle: true, soft: true });
  await context.close();
  const german = await germanPhone(browser);
  await german.page.goto(instance.url("/setup"));
  await germanPageClean(german.page, "/setup");
  await german.context.close();
});

test("the signed-out pages have no violations in either theme", async ({ browser }) => {
  const seeded = await ensureSeeded();
  const { context, page } = await lightPage(browser);
  await page.goto(instance.url("/login"));
  await expectAxeCleanInBothThemes(page, { what: "/login", settle: true, soft: true });
  await page.goto(instance.url(`/invite?token=${seeded.inviteToken}`));
  await expectAxeCleanInBothThemes(page, { what: "/invite", settle: true, soft: true });
  await page.goto(instance.url("/no/such/page"));
  await expectAxeCleanInBothThemes(page, { what: "not found", settle: true, soft: true });
  await signIn(page, instance.baseURL, seeded.newcomer.email, seeded.newcomer.password);
  await expect(page).toHaveURL(/\/change-password$/);
  await expectAxeCleanInBothThemes(page, { what: "/change-password", settle: true, soft: true });
  await context.close();
});

test("every dashboard page has no violations in either theme", async ({ browser }) => {
  const seeded = await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { theme: "light" });
  for (const [, pagePath] of dashboardPages(seeded)) {
    await page.goto(instance.url(pagePath));
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await expectAxeCleanInBothThemes(page, { what: pagePath, settle: true, soft: true });
  }
  await page.goto(instance.url("/team/users/00000000-0000-4000-8000-000000000000"));
  await expectAxeCleanInBothThemes(page, { what: "user not found", settle: true, soft: true });
  await context.close();
});

test("the main dialogs and menus have no violations in either theme", async ({ browser }) => {
  const seeded = await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { theme: "light" });
  await page.goto(instance.url("/team/users"));
await untilDashboardHydrated(page);

  await page.getByRole("button", { name: "Add user" }).click();
  let dialog = page.getByRole("dialog", { name: "Add user" });
  await expectAxeCleanInBothThemes(page, { what: "Add user: Invite", settle: true, soft: true });
  await dialog.getByRole("tab", { name: "Create user" }).click();
  await expectAxeCleanInBothThemes(page, { what: "Add user: Create", settle: true, soft: true });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  await openAccountMenu(page, OWNER.name);
  await expect(page.getByRole("menu")).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "avatar menu", settle: true, soft: true });
  await page.getByRole("menuitem", { name: "Change password" }).click();
  await expect(page.getByRole("dialog", { name: "Change password" })).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "Change password", settle: true, soft: true });
  await page.keyboard.press("Escape");

  const dialogs: [string, string, string][] = [
    ["/team/groups", "Create group", "Create group"],
    ["/team/service-users", "Create service user", "Create service user"],
    ["/profile", "Create token", "Create token"],
    [`/team/users/${seeded.userId}`, "Reset password", "Reset password"],
    [`/team/users/${seeded.userId}`, "Block", "Block"],
    ["/settings/applications", "New application", "New application"],
    [`/settings/applications/${seeded.applicationId}`, "Rotate secret", "Rotate the secret"],
  ];
  for (const [where, button, title] of dialogs) {
    await page.goto(instance.url(where));
    await untilDashboardHydrated(page);
    await page.getByRole("button", { name: button, exact: true }).click();
    dialog = page.getByRole("dialog", { name: new RegExp(title) });
    await expect(dialog).toBeVisible();
    await expectAxeCleanInBothThemes(page, { what: `${title} dialog on ${where}`, settle: true, soft: true });
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
  }

  // The phone's navigation drawer.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(instance.url("/team/users"));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Open navigation" }).click();
  await expect(page.getByRole("dialog", { name: "Navigation" })).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "navigation drawer", settle: true, soft: true });
  await page.keyboard.press("Escape");
  // The settings tabs as one scrolling row, with its fade and chevron.
  await page.goto(instance.url("/settings/appearance"));
  await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Appearance" })).toHaveAttribute("aria-current", "page");
  await expectAxeCleanInBothThemes(page, { what: "settings tabs on a phone", settle: true, soft: true });
  await context.close();
});

test("every page a person reaches has no violations in German on a phone", async ({ browser }) => {
  const seeded = await ensureSeeded();
  apps ??= await appsSigningIn(seeded);
  const { context, page } = await germanPhone(browser);
  // Signed out: a refused sign-in, a session that ended, an invite, an address that isn't a page.
  await startSignIn(page, instance.baseURL, OWNER.email, "not the password", "de");
  await expect(page.locator("main").getByRole("alert")).toHaveText("E-Mail oder Passwort ist falsch. Prüfen Sie beides, oder bitten Sie einen Administrator, Ihr Passwort zurückzusetzen.");
  await germanPageClean(page, "/login with an error");
  await page.goto(instance.url("/login?ended=1"));
  await germanPageClean(page, "session ended");
  await page.goto(instance.url(`/invite?token=${seeded.inviteToken}`));
  await germanPageClean(page, "/invite");
  await page.goto(instance.url("/no/such/page"));
  await germanPageClean(page, "not found");
  // An app's sign-in: the device code (a wrong one first), the device's approval, consent.
  const started = await oidc.initiateDeviceAuthorization(apps.device, { scope: "openid profile" });
  await page.goto(started.verification_uri);
  await enterDeviceCode(page, "BCDF-GHJK", "Weiter");
  await expect(page.getByRole("alert")).toBeVisible();
  await germanPageClean(page, "/device with a wrong code");
  await enterDeviceCode(page, started.user_code, "Weiter");
  await expect(page.getByRole("button", { name: "Bestätigen" })).toBeVisible();
  await germanPageClean(page, "the device's approval");
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password, { language: "de" });
  await page.goto((await startAuthorization(apps.web, { redirect_uri: REDIRECT, scope: "openid profile email" })).url.href);
  await expect(page.getByRole("button", { name: "Erlauben" })).toBeVisible();
  await germanPageClean(page, "consent");
  // Every dashboard page, and the parts opened on them.
  for (const [, pagePath] of [...dashboardPages(seeded), ["appearance", "/settings/appearance"]]) {
    await page.goto(instance.url(pagePath));
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await germanPageClean(page, pagePath);
  }
  await page.goto(instance.url("/team/users"));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Benutzer hinzufügen" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await germanPageClean(page, "Add user");
  await context.close();
});

test("the parts opened on a page have no violations in either theme: a sign-in error, app sign-ins, a new token, two-factor set-up", async ({ browser }) => {
  const seeded = await ensureSeeded();
  apps ??= await appsSigningIn(seeded);
  const { context, page } = await lightPage(browser);
  await startSignIn(page, instance.baseURL, OWNER.email, "not the password");
  await expect(page.locator("main").getByRole("alert")).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "/login with an error", settle: true, soft: true });
  await page.goto(instance.url("/login?ended=1"));
  await expectAxeCleanInBothThemes(page, { what: "session ended", settle: true, soft: true });
  const started = await oidc.initiateDeviceAuthorization(apps.device, { scope: "openid profile" });
  await page.goto(started.verification_uri);
  await expectAxeCleanInBothThemes(page, { what: "/device", settle: true, soft: true });
  await enterDeviceCode(page, started.user_code);
  await expect(page.getByRole("button", { name: "Approve" })).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "the device's approval", settle: true, soft: true });
  // The provider's pages outline the control the keyboard is on as the dashboard does (2 px, the accent colour), not
  // with the browser's thin default ring (review 23: hard to see on the outlined Deny).
  await page.keyboard.press("Tab");
  const ring = await page.evaluate(() => {
    const focused = document.activeElement as HTMLElement;
    const style = getComputedStyle(focused);
    return [focused.tagName, style.outlineStyle, parseFloat(style.outlineWidth)];
  });
  expect(ring).toEqual(["BUTTON", "solid", 2]);
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto((await startAuthorization(apps.web, { redirect_uri: REDIRECT, scope: "openid profile email" })).url.href);
  await expect(page.getByRole("button", { name: "Allow" })).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "consent", settle: true, soft: true });

  // A service user's new token, shown once.
  await page.goto(instance.url(`/team/service-users/${seeded.serviceUserId}`));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: "Create token" });
  await dialog.getByLabel("Name").fill("ci");
  await dialog.getByRole("button", { name: "Create token" }).click();
  await expect(dialog.getByLabel('Token "ci"')).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "a new token shown", settle: true, soft: true });
  await dialog.getByRole("button", { name: "Copy & close" }).click();

  // Profile: two-factor set-up (its QR code and code field) and a passkey's name step.
  await page.goto(instance.url("/profile"));
  await untilDashboardHydrated(page);
  const twoFactor = page.getByRole("region", { name: "Two-factor authentication" });
  await twoFactor.getByRole("button", { name: "Set up authenticator app" }).click();
  await twoFactor.getByLabel("Your password").fill(OWNER.password);
  await twoFactor.getByRole("button", { name: "Continue" }).click();
  await expect(twoFactor.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "two-factor set-up", settle: true, soft: true });
  await page.goto(instance.url("/profile"));
  await untilDashboardHydrated(page);
  await twoFactor.getByRole("button", { name: "Add a passkey" }).click();
  await expect(twoFactor.getByLabel("Passkey name")).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "adding a passkey", settle: true, soft: true });
  await context.close();
});

test("what a screen reader is told: titles, errors at their fields, row buttons naming their row, the current page", async ({ browser }) => {
  const seeded = await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { theme: "light" });
  // Each page has its own title (said first when it loads; Next's route announcer says it after a client navigation).
  await page.goto(instance.url("/no/such/page"));
  await expect(page).toHaveTitle("Page not found · Latchkey");
  await page.goto(instance.url(`/team/users/${seeded.userId}`));
  await expect(page).toHaveTitle("Maximiliane Wolfeschlegelsteinhausenbergerdorff · Users · Latchkey");
  await page.goto(instance.url(`/team/service-users/${seeded.serviceUserId}`));
  await expect(page).toHaveTitle("deploy bot · Service users · Latchkey");
  await page.goto(instance.url(`/settings/roles/${seeded.roleId}`));
  await expect(page).toHaveTitle("Helpdesk · Roles · Settings · Latchkey");
  await page.goto(instance.url(`/settings/applications/${seeded.applicationId}`));
  await expect(page).toHaveTitle("Grafana · Applications · Settings · Latchkey");

  // A refused form: the field is marked and described by its message; the form's summary is an alert.
  await page.goto(instance.url("/team/groups"));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Create group" }).click();
  const create = page.getByRole("dialog", { name: "Create group" });
  await create.getByRole("button", { name: "Create", exact: true }).click();
  const name = create.getByLabel("Name");
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAccessibleDescription(/required/i);
  await expect(name).toBeFocused();
  // Saved: the dialog closes onto the button that opened it, and the outcome is read from the polite live region.
  await name.fill("Accessibility reviewers");
  await page.keyboard.press("Enter");
  await expect(create).toBeHidden();
  await expect(page.getByRole("button", { name: "Create group" })).toBeFocused();
  await expect(page.getByRole("region", { name: "Notifications" }).getByRole("status")).toContainText("Accessibility reviewers");

  // Row buttons say which row: a list of the page's buttons isn't "Delete, Delete, Delete".
  await page.goto(instance.url("/team/users?view=invites"));
  await expect(page.getByRole("table", { name: "Invites" }).getByRole("button", { name: "Delete Ivy Invited" })).toBeVisible();
  await page.goto(instance.url(`/team/service-users/${seeded.serviceUserId}`));
  await expect(page.getByRole("button", { name: "Delete terraform" })).toHaveText("Delete");
  await page.goto(instance.url(`/team/groups/${seeded.groupId}`));
  await expect(page.getByRole("button", { name: "Remove Maximiliane Wolfeschlegelsteinhausenbergerdorff" })).toBeVisible();
  const other = await browser.newContext();
  await signIn(await other.newPage(), instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/profile"));
  const sessions = page.getByRole("table", { name: "Sessions" });
  await expect(sessions.getByRole("button", { name: /^Sign out .*127\.0\.0\.1$/ }).first()).toHaveText("Sign out");
  await other.close();

  // The navigation says where the person is; the toasts' live regions are there before any toast.
  await page.goto(instance.url("/team/groups"));
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Groups" })).toHaveAttribute("aria-current", "page");
  const toasts = page.getByRole("region", { name: "Notifications" });
  await expect(toasts.getByRole("status")).toHaveCount(1);
  await expect(toasts.getByRole("alert")).toHaveCount(1);
  await context.close();
});

test("the keyboard in a dialog: Tab and Shift+Tab go round inside it, and closing gives the focus back to its button; rows added and removed keep it", async ({ browser }) => {
  await ensureSeeded();
  const { context, page } = await ownerPage(browser, instance, { theme: "light" });
  await page.goto(instance.url("/team/groups"));
  await untilDashboardHydrated(page);
  const opener = page.getByRole("button", { name: "Create group" });
  await opener.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Create group" });
  await expect(dialog.getByLabel("Name")).toBeFocused();
  const inside = () => dialog.evaluate((d) => d.contains(document.activeElement) && document.activeElement !== d);
  // Round and round: never out to the browser's toolbar or the page under the dialog.
  const stops: string[] = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    expect(await inside(), `Tab ${i + 1} stays in the dialog`).toBe(true);
    stops.push(await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 60) ?? ""));
  }
  // The dialog's stops come round again (its first field after its last button).
  expect(new Set(stops).size).toBeLessThan(stops.length);
  await dialog.getByLabel("Name").focus();
  await page.keyboard.press("Shift+Tab");
  expect(await inside(), "Shift+Tab from the first field goes to the last button").toBe(true);
  await expect(dialog.getByRole("button", { name: "Create", exact: true })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  // Rows added and removed in a form (LDAP's group mapping): the new row's field takes the focus; a removed row's
  // Remove, gone with it, hands the focus to Add mapping instead of dropping it to the page.
  await page.goto(instance.url("/settings/ldap"));
  await untilDashboardHydrated(page);
  const add = page.getByRole("button", { name: "Add mapping" });
  await add.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Directory group 1")).toBeFocused();
  await page.getByRole("button", { name: "Remove mapping 1" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByLabel("Directory group 1")).toHaveCount(0);
  await expect(add).toBeFocused();
  await context.close();
});
