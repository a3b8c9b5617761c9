/**
 * Service users and access tokens in the browser: an admin creates service
 * users and tokens, copies a token and uses it with curl; a read-only token is
 * refused on a write; deleting the token or blocking (and deleting) the
 * service user stops it at once. A person manages their own token from their
 * profile.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { openAccountMenu, signIn, untilDashboardHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

const SHOTS = process.env.SCREENSHOT_DIR;
async function shot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

type HttpResult = { status: number; body: string };

/** The API call a script would make: curl when installed (as in the README), else fetch. */
async function api(token: string, method: string, path: string, json?: unknown): Promise<HttpResult> {
  const url = instance.url(path);
  if (fs.existsSync("/usr/bin/curl")) {
    const args = ["-s", "-X", method, "-H", `Authorization: Bearer ${token}`, "-w", "\n%{http_code}", url];
    if (json !== undefined) args.push("-H", "Content-Type: application/json", "-d", JSON.stringify(json));
    const out = execFileSync("/usr/bin/curl", args, { encoding: "utf8" });
    const cut = out.lastIndexOf("\n");
    return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
  }
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json !== undefined ? { "content-type": "application/json" } : {}) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: await res.text() };
}

async function ownerPage(browser: { newContext: () => Promise<BrowserContext> }): Promise<Page> {
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: instance.baseURL });
  const page = await context.newPage();
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  return page;
}

async function createServiceUser(page: Page, name: string, role: "user" | "auditor" | "admin") {
  await page.goto(instance.url("/team/service-users"));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Create service user" }).click();
  const dialog = page.getByRole("dialog", { name: "Create service user" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Role", { exact: true }).selectOption(role);
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await expect(page.getByText("Service user created")).toBeVisible();
  // Said once: the redirect's flag leaves the address, so a reload doesn't say it was just created.
  await expect(page).toHaveURL(/\/team\/service-users\/[0-9a-f-]{36}$/);
}

/**
 * Create token on the current page; returns the plain token as copied to the clipboard. `password`: one's own
 * token (Profile) asks for it; a service user's doesn't.
 */
async function createToken(page: Page, name: string, days?: number, password?: string): Promise<string> {
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: "Create token" });
  await expect(dialog.getByLabel("Expires in")).toHaveValue("30");
  await dialog.getByLabel("Name").fill(name);
  if (days !== undefined) await dialog.getByLabel("Expires in").fill(String(days));
  if (password !== undefined) await dialog.getByLabel("Your password").fill(password);
  else await expect(dialog.getByLabel("Your password")).toHaveCount(0);
  await dialog.getByRole("button", { name: "Create token" }).click();
  await expect(dialog.getByText("This token will not be shown again")).toBeVisible();
  const shown = await dialog.getByLabel(`Token "${name}"`).inputValue();
  expect(shown).toMatch(/^lkp_[0-9A-Za-z]{36}$/);
  await dialog.getByRole("button", { name: "Copy", exact: true }).click();
  await expect(dialog.getByRole("button", { name: "Copied" })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(shown);
  await shot(page, `token-${name}`);
  await dialog.getByRole("button", { name: "Copy & close" }).click();
  await expect(dialog).toBeHidden();
  return copied;
}

async function confirm(page: Page, button: string, title: RegExp, confirmLabel: string, scope = page.locator("body")) {
  await untilDashboardHydrated(page);
  await scope.getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: title });
  await dialog.getByRole("button", { name: confirmLabel }).click();
  return dialog;
}

test("an admin creates service users and tokens; tokens stop when deleted or when their user is blocked", async ({ browser }) => {
  const owner = await setUpOwner(instance);
  const page = await ownerPage(browser);

  await page.goto(instance.url("/team/service-users"));
  await expect(page.getByText("No service users yet")).toBeVisible();

  // An admin service user and its token, copied and used like a script would.
  await createServiceUser(page, "Terraform", "admin");
  const terraformUrl = page.url().replace(/\?.*$/, "");
  const terraformId = terraformUrl.split("/").pop()!;
  await expect(page.getByText("No tokens yet.")).toBeVisible();
  const terraformToken = await createToken(page, "terraform-ci");
  const listed = await api(terraformToken, "GET", "/api/users");
  expect(listed.status, listed.body).toBe(200);
  const users = JSON.parse(listed.body) as Array<{ id: string; name: string }>;
  expect(users.map((u) => u.id)).toEqual(expect.arrayContaining([owner.user_id, terraformId]));

  // The table shows the token, its creator, validity and its first use.
  await page.reload();
  const row = page.getByRole("row", { name: /terraform-ci/ });
  await expect(row).toContainText("Olive Owner");
  await expect(row).toContainText("Valid");
  await expect(row.getByRole("cell").nth(4)).not.toHaveText("Never");
  await shot(page, "service-user-page");

  // A read-only service user: reads, but a write is refused.
  await createServiceUser(page, "Reporter", "user");
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Reporter");
  await expect(page.getByText("Service user created")).toHaveCount(0);
  const reporterToken = await createToken(page, "reports", 7);
  await expect(page.getByRole("row", { name: /reports/ })).toContainText("Never");
  expect((await api(reporterToken, "GET", "/api/users")).status).toBe(200);
  const write = await api(reporterToken, "POST", "/api/groups", { name: "Sneaky" });
  expect(write.status, write.body).toBe(403);
  expect(JSON.parse(write.body).message).toMatch(/read-only/);

  // Deleting the token: the next call is refused.
  const dialog = await confirm(page, "Delete reports", /Delete token "reports"\?/, "Delete token", page.getByRole("row", { name: /reports/ }));
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("row", { name: /reports/ })).toHaveCount(0);
  await expect(page.getByText("No tokens yet.")).toBeVisible();
  expect((await api(reporterToken, "GET", "/api/users")).status).toBe(401);

  // The list: counts, search by name and by role.
  await page.goto(instance.url("/team/service-users"));
  await expect(page.getByRole("row", { name: /Terraform/ })).toContainText(/Admin\s*Active\s*1/);
  await expect(page.getByRole("row", { name: /Reporter/ })).toContainText(/User\s*Active\s*0/);
  await shot(page, "service-users");
  await untilDashboardHydrated(page);
  const search = page.getByRole("searchbox", { name: "Search service users" });
  await search.fill("report");
  await expect(page).toHaveURL(/search=report/);
  await expect(page.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("row", { name: /Reporter/ })).toBeVisible();
  await search.fill("admin");
  await expect(page).toHaveURL(/search=admin/);
  await expect(page.getByRole("row")).toHaveCount(2);
  await expect(page.getByRole("row", { name: /Terraform/ })).toBeVisible();
  // People are not service users, and service users are not on Team → Users.
  await search.fill("olive");
  await expect(page.getByText("No service users match")).toBeVisible();
  await page.goto(instance.url("/team/users"));
  await expect(page.getByRole("row", { name: /Terraform/ })).toHaveCount(0);

  // Blocking the service user refuses its token at once; unblocking restores it.
  await page.goto(terraformUrl);
  let blocked = await confirm(page, "Block", /Block Terraform\?/, "Block");
  await expect(page.getByRole("region", { name: "Notifications" }).getByText("Service user blocked")).toBeVisible();
  await expect(blocked).toBeHidden();
  expect((await api(terraformToken, "GET", "/api/users")).status).toBe(401);
  await expect(page.getByText("This service user is blocked")).toBeVisible();
  blocked = await confirm(page, "Unblock", /Unblock Terraform\?/, "Unblock");
  await expect(page.getByRole("region", { name: "Notifications" }).getByText("Service user unblocked")).toBeVisible();
  await expect(blocked).toBeHidden();
  expect((await api(terraformToken, "GET", "/api/users")).status).toBe(200);

  // Deleting the service user takes its tokens with it.
  await confirm(page, "Delete service user", /Delete Terraform\?/, "Delete service user");
  await expect(page).toHaveURL(/\/team\/service-users(\?deleted=1)?$/);
  await expect(page.getByText("Service user deleted")).toBeVisible();
  await expect(page.getByRole("row", { name: /Terraform/ })).toHaveCount(0);
  expect((await api(terraformToken, "GET", "/api/users")).status).toBe(401);
});

test("a person creates and deletes their own token from their profile", async ({ browser }) => {
  // The profile now carries several sections (name, username, two-factor, email, tokens): slow pages on a busy machine.
  test.setTimeout(120_000);
  const page = await ownerPage(browser);
  await openAccountMenu(page, OWNER.name);
  await page.getByRole("menuitem", { name: "Profile" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole("heading", { level: 1, name: "Profile" })).toBeVisible();
  // Among the profile's facts (the Email section shows it too).
  await expect(page.getByText(OWNER.email, { exact: true }).first()).toBeVisible();
  // The token from setup is listed.
  await expect(page.getByRole("row", { name: /setup/ })).toBeVisible();

  // A bad expiry gets a clear message and keeps what was typed.
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: "Create token" });
  await dialog.getByLabel("Name").fill("setup");
  // One's own token asks for the password: a wrong one is refused on its field, and the name stays.
  await dialog.getByLabel("Your password").fill("not the owner's password");
  await dialog.getByRole("button", { name: "Create token" }).click();
  await expect(dialog.getByText("Current password is incorrect").first()).toBeVisible();
  await expect(dialog.getByLabel("Name")).toHaveValue("setup");
  await dialog.getByLabel("Your password").fill(OWNER.password);
  await dialog.getByRole("button", { name: "Create token" }).click();
  await expect(dialog.getByLabel("Name")).toHaveAccessibleDescription(/A token named "setup" already exists/);
  await expect(dialog.getByText(/A token named "setup" already exists/)).toHaveCount(1);
  await expect(dialog.getByLabel("Name")).toHaveValue("setup");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  const token = await createToken(page, "my laptop", 90, OWNER.password);
  const row = page.getByRole("row", { name: /my laptop/ });
  await expect(row).toContainText("Valid");
  await expect(row).toContainText("Never");
  await shot(page, "profile");
  const me = await api(token, "GET", "/api/users/current");
  expect(me.status, me.body).toBe(200);
  expect(JSON.parse(me.body)).toMatchObject({ email: OWNER.email, role: "owner" });

  await confirm(page, "Delete my laptop", /Delete token "my laptop"\?/, "Delete token", row);
  await expect(page.getByRole("row", { name: /my laptop/ })).toHaveCount(0);
  expect((await api(token, "GET", "/api/users/current")).status).toBe(401);
});
