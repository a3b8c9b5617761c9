/**
 * Accessibility as a test: axe runs on every page and the main dialogs, in
 * the light and the dark theme, and any violation fails (WCAG 2.x A and AA,
 * colour contrast included).
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { dashboardPages, ownerPage, seedDashboard, type Seeded } from "./support/dashboard";
import { OWNER, useInstance } from "./support/instance";
import { signIn } from "./support/browser";

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

async function expectNoViolations(page: Page, what: string) {
  // The page settles first (client components mounted, fonts applied).
  await page.waitForLoadState("networkidle");
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("\n")}`,
  );
  expect.soft(summary, `axe violations on ${what}`).toEqual([]);
}

test("the setup page has no violations in either theme", async ({ browser }) => {
  // Setup exists only before the owner does.
  for (const theme of THEMES) {
    const context = await browser.newContext();
    await context.addCookies([{ name: "theme", value: theme, url: instance.baseURL }]);
    const page = await context.newPage();
    await page.goto(instance.url("/setup"));
    await expectNoViolations(page, `/setup (${theme})`);
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
    await expectNoViolations(page, `/login (${theme})`);
    await page.goto(instance.url(`/invite?token=${seeded.inviteToken}`));
    await expectNoViolations(page, `/invite (${theme})`);
    await page.goto(instance.url("/no/such/page"));
    await expectNoViolations(page, `not found (${theme})`);
    await signIn(page, instance.baseURL, seeded.newcomer.email, seeded.newcomer.password);
    await expect(page).toHaveURL(/\/change-password$/);
    await expectNoViolations(page, `/change-password (${theme})`);
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
      await expectNoViolations(page, `${pagePath} (${theme})`);
    }
    await page.goto(instance.url("/team/users/00000000-0000-4000-8000-000000000000"));
    await expectNoViolations(page, `user not found (${theme})`);
    await context.close();
  });

  test(`the main dialogs and menus have no violations (${theme})`, async ({ browser }) => {
    const seeded = await ensureSeeded();
    const { context, page } = await ownerPage(browser, instance, { theme });
    await page.goto(instance.url("/team/users"));

    await page.getByRole("button", { name: "Add User" }).click();
    let dialog = page.getByRole("dialog", { name: "Add User" });
    await expectNoViolations(page, `Add User: Invite (${theme})`);
    await dialog.getByRole("tab", { name: "Create User" }).click();
    await expectNoViolations(page, `Add User: Create (${theme})`);
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    await page.getByRole("button", { name: OWNER.name }).click();
    await expect(page.getByRole("menu")).toBeVisible();
    await expectNoViolations(page, `avatar menu (${theme})`);
    await page.getByRole("menuitem", { name: "Change Password" }).click();
    await expect(page.getByRole("dialog", { name: "Change Password" })).toBeVisible();
    await expectNoViolations(page, `Change Password (${theme})`);
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
      await expectNoViolations(page, `${title} dialog on ${where} (${theme})`);
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
    }

    // The phone's navigation drawer.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(instance.url("/team/users"));
    await page.getByRole("button", { name: "Open navigation" }).click();
    await expect(page.getByRole("dialog", { name: "Navigation" })).toBeVisible();
    await expectNoViolations(page, `navigation drawer (${theme})`);
    await context.close();
  });
}
