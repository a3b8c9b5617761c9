/**
 * Issue 18 in the browser: sorting Team → Users through its headers (the sort
 * in the URL), bulk block of a whole page with the owner skipped and named,
 * the CSV export of the filtered list, editing one's own name and signing out
 * another session from Profile, the group member picker, and Activity's links
 * to what an event concerns. Screenshots of each changed page at 1280 × 800
 * and 390 × 844 go to test-results/issue-18/.
 */
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signInOrFail } from "./support/api";
import { signIn, untilDashboardHydrated } from "./support/browser";
import { ownerPage, seedDashboard, type Seeded } from "./support/dashboard";
import { OWNER, useInstance } from "./support/instance";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const SHOTS = path.resolve(__dirname, "..", "test-results", "issue-18");
let seeded: Seeded;
let token: string;

test.beforeAll(async () => {
  seeded = await seedDashboard(instance);
  // A token of the owner's for seeding through the API.
  const res = await fetch(instance.url(`/api/users/${seeded.ownerId}/tokens`), {
    method: "POST",
    headers: { cookie: await signInOrFail(instance, OWNER.email, OWNER.password), origin: instance.baseURL, "content-type": "application/json" },
    // One's own token from a session asks for the password too.
    body: JSON.stringify({ name: "seed", expires_in: 1, password: OWNER.password }),
  });
  expect(res.status).toBe(200);
  token = ((await res.json()) as { plain_token: string }).plain_token;
  for (let i = 0; i < 30; i++) {
    const created = await fetch(instance.url("/api/users"), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ email: `bulk${String(i).padStart(2, "0")}@bulk.example`, name: `Bulk Person ${String(i).padStart(2, "0")}`, role: "user" }),
    });
    expect(created.status).toBe(200);
  }
});

async function shoot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

test("Users sorts through its column headers, with the sort in the URL", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/team/users"));
  const table = page.getByRole("table", { name: "Users" });
  await table.getByRole("link", { name: "Sort by Role ascending" }).click();
  await expect(page).toHaveURL(/sort=role&order=asc/);
  await expect(table.getByRole("columnheader", { name: /Role/ })).toHaveAttribute("aria-sort", "ascending");
  // Owner first by rank, then the admin.
  await expect(table.getByRole("row").nth(1)).toContainText("Owner");
  await expect(table.getByRole("row").nth(2)).toContainText("Maximiliane");
  await table.getByRole("link", { name: "Sort by Role descending" }).click();
  await expect(page).toHaveURL(/sort=role&order=desc/);
  await expect(table.getByRole("columnheader", { name: /Role/ })).toHaveAttribute("aria-sort", "descending");
  await expect(table.getByRole("row").nth(1)).toContainText("User");

  // Names sort by decrypting the matches: fine for this small list, straight from a URL too.
  await page.goto(instance.url("/team/users?sort=name&order=desc&search=bulk"));
  await expect(table.getByRole("row").nth(1)).toContainText("Bulk Person 29");
  // Emails are encrypted too and sort the same way, from their own column's header.
  await table.getByRole("link", { name: "Sort by Email ascending" }).click();
  await expect(page).toHaveURL(/sort=email&order=asc/);
  await expect(table.getByRole("columnheader", { name: /Email/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(table.getByRole("row").nth(1)).toContainText("bulk00@bulk.example");
  await table.getByRole("link", { name: "Sort by Email descending" }).click();
  await expect(table.getByRole("row").nth(1)).toContainText("bulk29@bulk.example");
  await shoot(page, "users-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "users-390");
  await context.close();
});

test("Service users sorts through its headers too, with the sort in the URL", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/team/service-users"));
  const table = page.getByRole("table", { name: "Service users" });
  await table.getByRole("link", { name: "Sort by Name ascending" }).click();
  await expect(page).toHaveURL(/sort=name&order=asc/);
  await expect(table.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(table.getByRole("row").nth(1)).toContainText("deploy bot");
  // The tokens column isn't a sort key of the list: no link.
  await expect(table.getByRole("columnheader", { name: "Tokens" }).getByRole("link")).toHaveCount(0);
  await context.close();
});

test("bulk block of a page of users skips the owner with the reason, and blocks the rest", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/team/users?sort=created_at&order=asc"));
  // The row boxes answer through the page's script.
  await untilDashboardHydrated(page);
  const table = page.getByRole("table", { name: "Users" });
  await table.getByRole("checkbox", { name: "Select all users on this page" }).check();
  const bar = page.getByRole("region", { name: "Bulk actions" });
  await expect(bar).toContainText("25 users selected");
  await bar.getByRole("button", { name: "Block selected", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Block 25 users?" });
  await dialog.getByRole("button", { name: "Block 25 users" }).click();
  await expect(dialog).toBeHidden();
  const notChanged = page.getByRole("list", { name: "Not changed" });
  await expect(notChanged).toContainText("Olive Owner: You can't block yourself");
  await expect(page.getByRole("alert").filter({ hasText: "24 users blocked" })).toBeVisible();
  await expect(table.getByRole("row", { name: /Bulk Person 00/ })).toContainText("Blocked");
  await expect(table.getByRole("row", { name: /Olive Owner/ })).not.toContainText("Blocked");
  await shoot(page, "users-bulk-1280");

  // Unblock them again from the blocked filter.
  await page.goto(instance.url("/team/users?status=blocked"));
  await untilDashboardHydrated(page);
  await table.getByRole("checkbox", { name: "Select all users on this page" }).check();
  await bar.getByRole("button", { name: "Unblock selected", exact: true }).click();
  await page.getByRole("dialog", { name: /^Unblock \d+ users\?$/ }).getByRole("button", { name: /^Unblock \d+ users$/ }).click();
  await expect(page.getByRole("status").filter({ hasText: /users unblocked/ })).toBeVisible();
  await context.close();
});

test("Export CSV downloads the filtered list", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/team/users?search=bulk&sort=name&order=asc"));
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^latchkey-users-.*\.csv$/);
  const text = fs.readFileSync((await download.path())!, "utf8");
  const lines = text.trim().split("\n");
  expect(lines[0]).toBe("id,name,email,role,status,service_user,groups,idp_id,last_login,created_at,username");
  expect(lines).toHaveLength(31);
  expect(lines[1]).toContain("Bulk Person 00,bulk00@bulk.example,user,active");
  expect(text).not.toContain("Olive Owner");
  await context.close();
});

test("Profile: edit your own name, and sign another session out", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/profile"));
  const name = page.getByLabel("Your name");
  await name.fill("Olive Q. Owner");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Name saved" })).toBeVisible();
  await expect(name).toHaveValue("Olive Q. Owner");
  await page.reload();
  await expect(page.getByLabel("Your name")).toHaveValue("Olive Q. Owner");

  // Earlier tests left sessions behind: "everywhere else" ends them, this device stays.
  const sessions = page.getByRole("table", { name: "Sessions" });
  await expect(sessions.getByText("This device")).toHaveCount(1);
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await page.getByRole("dialog", { name: "Sign out everywhere else?" }).getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Signed out \d+ other session/ })).toBeVisible();
  await expect(sessions.getByRole("row")).toHaveCount(2); // header + this device

  // Another browser signs in; its session is signed out from here.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, instance.baseURL, OWNER.email, OWNER.password);
  await page.reload();
  await expect(sessions.getByRole("row")).toHaveCount(3);
  await shoot(page, "profile-1280");
  await sessions.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("dialog", { name: "Sign out this session?" }).getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Signed out that session" })).toBeVisible();
  await expect(sessions.getByRole("row")).toHaveCount(2);
  await otherPage.goto(instance.url("/profile"));
  await expect(otherPage).toHaveURL(/\/login/);
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "profile-390");
  await context.close();
  await other.close();
});

test("a group's page adds members by searching users, and removes them", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url(`/team/groups/${seeded.groupId}`));
  // The search asks the server through the page's script.
  await untilDashboardHydrated(page);
  await page.getByLabel("Add people").fill("bulk person 07");
  const found = page.getByRole("list", { name: "People found" });
  await found.getByRole("button", { name: "Add Bulk Person 07" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Bulk Person 07 added to Platform engineering" })).toBeVisible();
  const members = page.getByRole("table", { name: "Members" });
  await expect(members.getByRole("link", { name: "Bulk Person 07" })).toBeVisible();
  await expect(found).toContainText("In this group");
  await shoot(page, "group-1280");
  await members.getByRole("row", { name: /Bulk Person 07/ }).getByRole("button", { name: "Remove" }).click();
  await page.getByRole("dialog", { name: "Remove Bulk Person 07 from Platform engineering?" }).getByRole("button", { name: "Remove" }).click();
  await expect(members.getByRole("link", { name: "Bulk Person 07" })).toHaveCount(0);
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "group-390");
  await context.close();
});

test("Activity links an event's target to its page while it exists", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/activity?action=group.created"));
  await page.getByRole("link", { name: "Open group Platform engineering" }).first().click();
  await expect(page).toHaveURL(new RegExp(`/team/groups/${seeded.groupId}$`));
  await page.goto(instance.url("/activity"));
  await shoot(page, "activity-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, "activity-390");
  await context.close();
});
