/**
 * The screenshots in docs/screenshots/: the main pages (Team, a group, a
 * service user, Activity and one user's activity, Settings, Applications and
 * one application, Profile) in the light and the dark theme at laptop size, Profile → Appearance, the dashboard and the
 * sign-in page in German, and the navigation drawer on a phone, taken from
 * a populated instance. Each is checked to really be in its theme first.
 */
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ownerPage, seedDashboard, type Seeded } from "./support/dashboard";
import { untilDashboardHydrated } from "./support/browser";
import { useInstance } from "./support/instance";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
let seeded: Seeded;

const DIR = path.resolve(__dirname, "..", "docs", "screenshots");

test.beforeAll(async () => {
  seeded = await seedDashboard(instance);
});

async function expectTheme(page: Page, theme: "light" | "dark") {
  const lightness = await page.evaluate(() => {
    const canvas = document.createElement("canvas").getContext("2d")!;
    canvas.fillStyle = getComputedStyle(document.body).backgroundColor;
    canvas.fillRect(0, 0, 1, 1);
    const [r, g, b] = canvas.getImageData(0, 0, 1, 1).data;
    return (r + g + b) / 3;
  });
  if (theme === "dark") expect(lightness).toBeLessThan(60);
  else expect(lightness).toBeGreaterThan(200);
}

for (const theme of ["light", "dark"] as const) {
  test(`main pages (${theme})`, async ({ browser }) => {
    const { context, page } = await ownerPage(browser, instance, { theme });
    const pages: [string, string][] = [
      ["users", "/team/users"],
      ["user", `/team/users/${seeded.userId}`],
      ["groups", "/team/groups"],
      ["invites", "/team/users?view=invites"],
      ["service-users", "/team/service-users"],
      ["activity", "/activity"],
      ["settings", "/settings/identity-providers"],
      ["roles", "/settings/roles"],
      ["group", `/team/groups/${seeded.groupId}`],
      ["service-user", `/team/service-users/${seeded.serviceUserId}`],
      ["activity-user", `/activity?target=${seeded.userId}`],
      ["applications", "/settings/applications"],
      ["application", `/settings/applications/${seeded.applicationId}`],
      ["profile", "/profile"],
    ];
    for (const [name, where] of pages) {
      await page.goto(instance.url(where));
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      await expectTheme(page, theme);
      await page.screenshot({ path: path.join(DIR, `${name}-${theme}.png`) });
    }
    // Profile → Appearance (theme and language), the section alone.
    await page.goto(instance.url("/profile"));
    const appearance = page.getByRole("region", { name: "Appearance" });
    await appearance.scrollIntoViewIfNeeded();
    await appearance.screenshot({ path: path.join(DIR, `appearance-${theme}.png`) });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(instance.url("/team/users"));
    // The drawer's button is React's alone: it answers once the page's script has run.
    await untilDashboardHydrated(page);
    await page.getByRole("button", { name: "Open navigation" }).click();
    await expect(page.getByRole("dialog", { name: "Navigation" })).toBeVisible();
    await page.screenshot({ path: path.join(DIR, `mobile-drawer-${theme}.png`) });
    await context.close();
  });

  test(`in German (${theme})`, async ({ browser }) => {
    const { context, page } = await ownerPage(browser, instance, { theme });
    await context.addCookies([{ name: "locale", value: "de", url: instance.baseURL }]);
    await page.goto(instance.url("/team/users"));
    await expect(page.getByRole("navigation", { name: "Hauptnavigation" })).toBeVisible();
    await expectTheme(page, theme);
    await page.screenshot({ path: path.join(DIR, `users-de-${theme}.png`) });
    // On a phone: Profile → Appearance in German, and nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(instance.url("/profile"));
    const appearance = page.getByRole("region", { name: "Darstellung" });
    await appearance.scrollIntoViewIfNeeded();
    await appearance.screenshot({ path: path.join(DIR, `appearance-de-phone-${theme}.png`) });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const signedOut = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "de-DE" });
    await signedOut.addCookies([{ name: "theme", value: theme, url: instance.baseURL }]);
    const login = await signedOut.newPage();
    await login.goto(instance.url("/login"));
    await expect(login.getByRole("heading", { level: 1, name: "Anmelden" })).toBeVisible();
    await expectTheme(login, theme);
    await login.screenshot({ path: path.join(DIR, `login-de-${theme}.png`) });
    await signedOut.close();
    await context.close();
  });
}
