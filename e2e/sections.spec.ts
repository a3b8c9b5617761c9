/**
 * What every section shows around its content: a not-found page with a way
 * back; times as "2 hours ago" with the exact time (in the viewer's zone) on
 * hover; user agents as browser and OS.
 */
import { expect, test } from "@playwright/test";
import { ownerPage, seedDashboard, type Seeded } from "./support/dashboard";
import { useInstance } from "./support/instance";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
let seeded: Seeded;

const WINDOWS_CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const MISSING = "00000000-0000-4000-8000-000000000000";

test.beforeAll(async () => {
  seeded = await seedDashboard(instance);
});

test("a missing item says so and leads back to its section", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  const cases: [string, string, string, RegExp][] = [
    [`/team/users/${MISSING}`, "User not found", "Back to Users", /\/team\/users$/],
    [`/team/groups/${MISSING}`, "Group not found", "Back to Groups", /\/team\/groups$/],
    [`/team/service-users/${MISSING}`, "Service user not found", "Back to Service users", /\/team\/service-users$/],
  ];
  for (const [path, heading, back, list] of cases) {
    const res = await page.goto(instance.url(path));
    expect(res?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    // Still inside the dashboard: the navigation is there.
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await page.getByRole("link", { name: back }).click();
    await expect(page).toHaveURL(list);
  }
  const res = await page.goto(instance.url("/no/such/page"));
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the dashboard" }).click();
  await expect(page).toHaveURL(/\/team\/users$/);
  await context.close();
});

test("times read as relative, with the exact time in the viewer's zone on hover", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance, { timezoneId: "Asia/Tokyo" });
  await page.goto(instance.url(`/team/users/${seeded.userId}`));
  const created = page.getByRole("definition").filter({ has: page.locator("time") }).first().locator("time");
  await expect(created).toHaveText(/^(now|\d+ (seconds?|minutes?) ago)$/);
  await expect(created).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // Tokyo is UTC+9 all year.
  await expect(created).toHaveAttribute("title", /GMT\+9$/);
  await page.goto(instance.url("/team/users"));
  await expect(page.getByRole("row", { name: /Nina Newcomer/ })).toContainText("Never");
  await context.close();
});

test("sessions and activity show the browser and OS, not the raw user agent", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance, { userAgent: WINDOWS_CHROME });
  await page.goto(instance.url(`/team/users/${seeded.ownerId}`));
  const session = page.getByRole("row", { name: /This device/ });
  await expect(session).toContainText("Chrome 131 on Windows 10");
  await expect(session.getByTitle(WINDOWS_CHROME)).toBeVisible();
  await page.goto(instance.url("/activity"));
  await expect(page.getByRole("table").getByText("Chrome 131 on Windows 10").first()).toBeVisible();
  await context.close();
});
