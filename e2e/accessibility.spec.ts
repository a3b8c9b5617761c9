/**
 * Accessibility as a test: axe runs on every page and the main dialogs, in
 * the light and the dark theme, and any violation fails (WCAG 2.x A and AA,
 * colour contrast included). Each page is loaded once: every rule runs in the
 * light theme, then the colour rules in the dark one (a theme changes colours
 * only; see expectAxeCleanInBothThemes). Loading and checking every page
 * again in dark made this file 6.7 minutes alone on a busy two-core host
 * (6.6 in the full suite, its slowest file); now 3.7 on a busier one.
 */
import { expect, test, type Browser } from "@playwright/test";
import { dashboardPages, ownerPage, seedDashboard, type Seeded } from "./support/dashboard";
import { OWNER, useInstance } from "./support/instance";
import { signIn } from "./support/browser";
import { expectAxeCleanInBothThemes } from "./support/axe";

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

  await page.getByRole("button", { name: "Add User" }).click();
  let dialog = page.getByRole("dialog", { name: "Add User" });
  await expectAxeCleanInBothThemes(page, { what: "Add User: Invite", settle: true, soft: true });
  await dialog.getByRole("tab", { name: "Create User" }).click();
  await expectAxeCleanInBothThemes(page, { what: "Add User: Create", settle: true, soft: true });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  await page.getByRole("button", { name: OWNER.name }).click();
  await expect(page.getByRole("menu")).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "avatar menu", settle: true, soft: true });
  await page.getByRole("menuitem", { name: "Change Password" }).click();
  await expect(page.getByRole("dialog", { name: "Change Password" })).toBeVisible();
  await expectAxeCleanInBothThemes(page, { what: "Change Password", settle: true, soft: true });
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
    await expectAxeCleanInBothThemes(page, { what: `${title} dialog on ${where}`, settle: true, soft: true });
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
  }

  // The phone's navigation drawer.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(instance.url("/team/users"));
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
