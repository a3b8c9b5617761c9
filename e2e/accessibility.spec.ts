/**
 * Accessibility as a test: axe runs on every page and the main dialogs, in
 * the light and the dark theme, and any violation fails (WCAG 2.x A and AA,
 * colour contrast included).
 */
import { expect, test } from "@playwright/test";
import { dashboardPages, ownerPage, seedDashboard, type Seeded } from "./support/dashboard";
import { OWNER, useInstance } from "./support/instance";
import { signIn } from "./support/browser";
import { expectAxeClean } from "./support/axe";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
// axe takes seconds per page on a busy machine, and each test walks many pages.
test.setTimeout(300_000);
let seeded: Seeded | undefined;

/** The populated instance, made on first use (after the setup page was checked, when that test runs). */
async function ensureSeeded(): Promise<Seeded> {
  seeded ??= await seedDashboard(instance);
  return seeded;
}

const THEMES = ["light", "dark"] as const;

test("the setup page has no violations in either theme", async ({ browser }) => {
  // Setup exists only before the owner does.
  for (const theme of THEMES) {
    const context = await browser.newContext();
    await context.addCookies([{ name: "theme", value: theme, url: instance.baseURL }]);
    const page = await context.newPage();
    await page.goto(instance.url("/setup"));
    await expectAxeClean(page, { what: `/setup (${theme})`, settle: true, soft: true });
    await context.close();
  }
});

test("the signed-out pages have no violations in either theme", async ({ browser }) => {
  const seeded = await ensureSeeded();
  for (const theme of THEMES) {
    const context = await browser.newContext();
    await context.addCookies([{ name: "theme", value: theme, url: instance.baseURL }]);
    const page = await context.newPage();
    await page.goto(instance.url("/login"));
    await expectAxeClean(page, { what: `/login (${theme})`, settle: true, soft: true });
    await page.goto(instance.url(`/invite?token=${seeded.inviteToken}`));
    await expectAxeClean(page, { what: `/invite (${theme})`, settle: true, soft: true });
    await page.goto(instance.url("/no/such/page"));
    await expectAxeClean(page, { what: `not found (${theme})`, settle: true, soft: true });
    await signIn(page, instance.baseURL, seeded.newcomer.email, seeded.newcomer.password);
    await expect(page).toHaveURL(/\/change-password$/);
    await expectAxeClean(page, { what: `/change-password (${theme})`, settle: true, soft: true });
    await context.close();
  }
});

for (const theme of THEMES) {
  test(`every dashboard page has no violations (${theme})`, async ({ browser }) => {
    const seeded = await ensureSeeded();
    const { context, page } = await ownerPage(browser, instance, { theme });
    for (const [, pagePath] of dashboardPages(seeded)) {
      await page.goto(instance.url(pagePath));
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      await expectAxeClean(page, { what: `${pagePath} (${theme})`, settle: true, soft: true });
    }
    await page.goto(instance.url("/team/users/00000000-0000-4000-8000-000000000000"));
    await expectAxeClean(page, { what: `user not found (${theme})`, settle: true, soft: true });
    await context.close();
  });

  test(`the main dialogs and menus have no violations (${theme})`, async ({ browser }) => {
    const seeded = await ensureSeeded();
    const { context, page } = await ownerPage(browser, instance, { theme });
    await page.goto(instance.url("/team/users"));

    await page.getByRole("button", { name: "Add User" }).click();
    let dialog = page.getByRole("dialog", { name: "Add User" });
    await expectAxeClean(page, { what: `Add User: Invite (${theme})`, settle: true, soft: true });
    await dialog.getByRole("tab", { name: "Create User" }).click();
    await expectAxeClean(page, { what: `Add User: Create (${theme})`, settle: true, soft: true });
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    await page.getByRole("button", { name: OWNER.name }).click();
    await expect(page.getByRole("menu")).toBeVisible();
    await expectAxeClean(page, { what: `avatar menu (${theme})`, settle: true, soft: true });
    await page.getByRole("menuitem", { name: "Change Password" }).click();
    await expect(page.getByRole("dialog", { name: "Change Password" })).toBeVisible();
    await expectAxeClean(page, { what: `Change Password (${theme})`, settle: true, soft: true });
    await page.keyboard.press("Escape");

    const dialogs: [string, string, string][] = [
      ["/team/groups", "Create Group", "Create Group"],
      ["/team/service-users", "Create Service User", "Create Service User"],
      ["/profile", "Create Token", "Create Token"],
      [`/team/users/${seeded.userId}`, "Reset password", "Reset password"],
      [`/team/users/${seeded.userId}`, "Block", "Block"],
      ["/settings/applications", "New application", "New application"],
      [`/settings/applications/${seeded.applicationId}`, "Rotate secret", "Rotate the secret"],
    ];
    for (const [where, button, title] of dialogs) {
      await page.goto(instance.url(where));
      await page.getByRole("button", { name: button, exact: true }).click();
      dialog = page.getByRole("dialog", { name: new RegExp(title) });
      await expect(dialog).toBeVisible();
      await expectAxeClean(page, { what: `${title} dialog on ${where} (${theme})`, settle: true, soft: true });
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
    }

    // The phone's navigation drawer.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(instance.url("/team/users"));
    await page.getByRole("button", { name: "Open navigation" }).click();
    await expect(page.getByRole("dialog", { name: "Navigation" })).toBeVisible();
    await expectAxeClean(page, { what: `navigation drawer (${theme})`, settle: true, soft: true });
    await page.keyboard.press("Escape");
    // The settings tabs as one scrolling row, with its fade and chevron.
    await page.goto(instance.url("/settings/appearance"));
    await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Appearance" })).toHaveAttribute("aria-current", "page");
    await expectAxeClean(page, { what: `settings tabs on a phone (${theme})`, settle: true, soft: true });
    await context.close();
  });
}
