/**
 * Credentials in the browser: the change-password dialog and an admin's
 * "Revoke sessions" offer to revoke access tokens too (and do only when
 * ticked); a blocked admin's page lists the service-user tokens they created,
 * with Delete; the Service users list flags tokens by a blocked creator.
 */
import { expect, test, type Page } from "@playwright/test";
import { bearer, call } from "./support/api";
import { signIn, untilDashboardHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { personWithRole, tokenClient, type Client } from "./support/users-api";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let api: Client;

/** `password`: a person minting their own with their session gives it (a service user's token needs none). */
async function mintToken(client: Client, userId: string, name: string, password?: string): Promise<string> {
  const res = await client.post<{ plain_token: string }>(`/api/users/${userId}/tokens`, { name, expires_in: 30, ...(password ? { password } : {}) });
  expect(res.status, res.text).toBe(200);
  return res.body.plain_token;
}

async function tokenWorks(plain: string): Promise<boolean> {
  return (await call(instance, "/api/users/current", { headers: bearer(plain) })).status === 200;
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test.beforeAll(async () => {
  api = tokenClient(instance, (await setUpOwner(instance)).personal_access_token);
});

test("changing my password revokes my access tokens only when I tick the box", async ({ page }) => {
  const me = await personWithRole(api, "admin", { name: "Tess Tokens" });
  const token = await mintToken(me.client, me.user.id, "laptop", me.password);
  await signIn(page, instance.baseURL, me.email, me.password);

  const change = async (from: string, to: string, revoke: boolean) => {
    await page.getByRole("button", { name: "Tess Tokens" }).click();
    await page.getByRole("menuitem", { name: "Change password" }).click();
    const dialog = page.getByRole("dialog", { name: "Change password" });
    await dialog.getByLabel("Current password").fill(from);
    await dialog.getByLabel("New password", { exact: true }).fill(to);
    await dialog.getByLabel("Confirm new password").fill(to);
    const box = dialog.getByRole("checkbox", { name: /Also revoke my access tokens/ });
    await expect(box).not.toBeChecked();
    if (revoke) await box.check();
    await shot(page, `change-password-${revoke ? "revoke" : "keep"}`);
    await dialog.getByRole("button", { name: "Change password" }).click();
    await expect(dialog.getByText("Password changed")).toBeVisible();
    await dialog.getByRole("button", { name: "Close" }).click();
  };

  await change(me.password, "a sturdy new passphrase for tess", false);
  expect(await tokenWorks(token)).toBe(true);
  await change("a sturdy new passphrase for tess", "another sturdy passphrase for tess", true);
  expect(await tokenWorks(token)).toBe(false);
});

test("an admin's Revoke sessions can also revoke the person's tokens", async ({ page }) => {
  const person = await personWithRole(api, "admin", { name: "Rex Revoked" });
  const token = await mintToken(person.client, person.user.id, "ci", person.password);
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url(`/team/users/${person.user.id}`));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Revoke sessions" }).click();
  const dialog = page.getByRole("dialog", { name: /Revoke all sessions of Rex Revoked/ });
  await dialog.getByRole("checkbox", { name: /Also revoke their access tokens/ }).check();
  await dialog.getByRole("button", { name: "Revoke sessions" }).click();
  await expect(page.getByRole("region", { name: "Notifications" }).getByText("1 session ended, 1 access token revoked")).toBeVisible();
  await expect(dialog).toBeHidden();
  expect(await tokenWorks(token)).toBe(false);
});

test("a blocked admin's page lists the service-user tokens they made, with Delete", async ({ page }) => {
  const admin = await personWithRole(api, "admin", { name: "Bea Blocked" });
  const robot = await admin.client.createUser({ is_service_user: true, name: "Nightly Backup", role: "admin", auto_groups: [] });
  const plain = await mintToken(admin.client, robot.id, "backup-cron");
  expect((await api.updateUser(admin.user.id, { is_blocked: true })).status).toBe(200);

  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);

  await page.goto(instance.url("/team/service-users"));
  await expect(page.getByRole("row", { name: /Nightly Backup/ })).toContainText("Created by a blocked or deleted user");

  await page.goto(instance.url(`/team/service-users/${robot.id}`));
  await expect(page.getByRole("row", { name: /backup-cron/ })).toContainText("Bea Blocked (blocked)");

  await page.goto(instance.url(`/team/users/${admin.user.id}`));
  const section = page.getByRole("region", { name: "Service-user tokens they created" });
  await expect(section).toBeVisible();
  const row = section.getByRole("row", { name: /backup-cron/ });
  await expect(row).toContainText("Nightly Backup");
  await shot(page, "blocked-admin-service-tokens-phone");
  expect(await tokenWorks(plain)).toBe(true);
  await row.getByRole("button", { name: "Delete" }).click();
  const dialog = page.getByRole("dialog", { name: /Delete token "backup-cron"/ });
  await dialog.getByRole("button", { name: "Delete token" }).click();
  // The page re-renders without the token (and without the section, now empty).
  await expect(page.getByRole("region", { name: "Service-user tokens they created" })).toHaveCount(0);
  expect(await tokenWorks(plain)).toBe(false);
});
