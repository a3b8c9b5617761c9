/**
 * Issue 18's languages and Appearance: a German browser gets the sign-in page
 * in German with no choice made; a person switches the dashboard to German
 * from the avatar menu (navigation, menu, page title, pager in German, dates
 * through the locale), the choice outlives signing out, and the sign-in
 * page's own switch brings English back. Profile → Appearance sets the theme
 * and returns the language to the browser's. axe on the German pages.
 */
import { expect, test } from "@playwright/test";
import { ownerPage, seedDashboard } from "./support/dashboard";
import { OWNER, useInstance } from "./support/instance";
import { expectAxeClean } from "./support/axe";
import { openAccountMenu, untilDashboardHydrated } from "./support/browser";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

test.beforeAll(async () => {
  await seedDashboard(instance);
});

test("a German browser gets the sign-in page in German; an English one in English", async ({ browser }) => {
  const german = await browser.newContext({ locale: "de-DE" });
  const page = await german.newPage();
  await page.goto(instance.url("/login"));
  await expect(page.getByRole("heading", { level: 1, name: "Anmelden" })).toBeVisible();
  await expect(page.getByLabel("E-Mail oder Benutzername")).toBeVisible();
  await expect(page.getByRole("button", { name: "Anmelden", exact: true })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page).toHaveTitle("Anmelden · Latchkey");
  await expectAxeClean(page, { rules: "all" });
  await german.close();

  const english = await browser.newContext({ locale: "en-GB" });
  const other = await english.newPage();
  await other.goto(instance.url("/login"));
  await expect(other.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expect(other.locator("html")).toHaveAttribute("lang", "en");
  await english.close();
});

test("switching to German from the avatar menu: navigation, menu and pages in German, kept after signing out", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/team/groups"));
  await openAccountMenu(page, OWNER.name);
  await page.getByRole("menuitemradio", { name: "Deutsch" }).click();

  const nav = page.getByRole("navigation", { name: "Hauptnavigation" });
  await expect(nav.getByRole("link", { name: "Benutzer" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Dienstkonten" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Gruppen" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Einstellungen" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await expect(page).toHaveTitle("Gruppen · Latchkey");

  // The menu (still open) speaks German too, with German marked as chosen.
  await expect(page.getByRole("menuitemradio", { name: "Deutsch" })).toHaveAttribute("aria-checked", "true");
  await expect(page.getByRole("menuitemradio", { name: "Dunkel" })).toBeVisible();
  await page.keyboard.press("Escape");

  // The pager and relative times on Users.
  await page.goto(instance.url("/team/users"));
  await expect(page.getByRole("navigation", { name: "Seitennavigation" })).toContainText("Seite 1 von 1");
  await expect(page.getByRole("table").getByText(/^vor \d+ (Minute|Minuten|Sekunden)$|^jetzt$/).first()).toBeVisible();
  await expectAxeClean(page, { rules: "all" });

  // Signed out, the sign-in page keeps the person's language; its switch brings English back.
  await openAccountMenu(page, OWNER.name);
  await page.getByRole("menuitem", { name: "Abmelden" }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { level: 1, name: "Anmelden" })).toBeVisible();
  await page.getByLabel("Sprache").selectOption("en");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await expect(page.getByLabel("Language")).toHaveValue("en");
  await context.close();
});

test("Profile → Appearance sets the theme and hands the language back to the browser", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await context.addCookies([{ name: "locale", value: "de", url: instance.baseURL }]);
  await page.goto(instance.url("/profile"));
  const section = page.getByRole("region", { name: "Darstellung" });
  await expect(section.getByRole("radio", { name: "Deutsch" })).toBeChecked();
  await expect(section.getByRole("radio", { name: "System (wie dieses Gerät)" })).toBeChecked();

  // The theme radios apply at once through React: wait for the page's script.
  await untilDashboardHydrated(page);
  await section.getByRole("radio", { name: "Dunkel" }).check();
  await expect(page.locator("html")).toHaveClass("dark");
  await expectAxeClean(page, { rules: "all" });

  // Automatic: the browser (English here) decides again, and the cookie is gone.
  await section.getByRole("radio", { name: "Automatisch (Sprache dieses Browsers)" }).check();
  const english = page.getByRole("region", { name: "Appearance" });
  await expect(english).toBeVisible();
  await expect(english.getByRole("radio", { name: "Automatic (this browser's language)" })).toBeChecked();
  expect((await context.cookies(instance.baseURL)).find((c) => c.name === "locale")).toBeUndefined();

  // After a reload the server renders both choices as made.
  await page.reload();
  await expect(page.locator("html")).toHaveClass("dark");
  await expect(english.getByRole("radio", { name: "Dark" })).toBeChecked();
  await expect(english.getByRole("radio", { name: "Automatic (this browser's language)" })).toBeChecked();
  await context.close();
});
