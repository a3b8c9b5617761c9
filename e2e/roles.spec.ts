/**
 * Roles in the browser (issue 13): the owner creates a "Helpdesk" role in
 * Settings → Roles, has the Support group grant it, and puts a person in
 * Support. That person then blocks and resets a user, sees no Settings,
 * Activity or Service users, sees where their permissions come from, and
 * can't make themselves an admin. Deleting the role names who holds it.
 */
import { expect, test } from "@playwright/test";
import { bearer, call } from "./support/api";
import { LANDS_ON_USERS, signIn, untilDashboardHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { signInAndChangePassword } from "./support/users-api";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
// Each test signs in (a password hash) and saves several forms: generous on a shared machine.
test.setTimeout(180_000);

let owner: Awaited<ReturnType<typeof setUpOwner>>;
let helen: { id: string; email: string; password: string };
let victim: { id: string };
let supportId: string;

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
  const auth = bearer(owner.personal_access_token);
  const made = await call<{ id: string; password: string }>(instance, "/api/users", {
    method: "POST",
    headers: auth,
    json: { email: "helen@example.com", name: "Helen Helpdesk", role: "user" },
  });
  expect(made.status, made.text).toBe(200);
  const { password } = await signInAndChangePassword(instance, { id: made.body.id, email: "helen@example.com" }, made.body.password);
  helen = { id: made.body.id, email: "helen@example.com", password };
  const v = await call<{ id: string }>(instance, "/api/users", { method: "POST", headers: auth, json: { email: "vic@example.com", name: "Vic Victim", role: "user" } });
  victim = v.body;
  const g = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Support" } });
  supportId = g.body.id;
});

test("the owner creates a Helpdesk role and gives it to a person through a group", async ({ page }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password, LANDS_ON_USERS);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Roles" }).click();
  await expect(page.getByRole("row", { name: /Admin/ }).getByText("Built-in").first()).toBeVisible();
  await page.getByRole("link", { name: "Create role" }).click();

  // Owner-only powers are offered to nobody.
  await expect(page.getByRole("checkbox", { name: /settings:sign_in/ })).toBeDisabled();
  await page.getByLabel("Name", { exact: true }).fill("Helpdesk");
  await page.getByLabel("Description", { exact: true }).fill("Resets passwords and unblocks people");
  for (const p of ["users:read", "users:block", "users:reset_password", "users:unlock"]) {
    await page.getByRole("checkbox", { name: new RegExp(`^${p}`) }).check();
  }
  await page.getByRole("button", { name: "Create role" }).click();
  await expect(page.getByText("Role Helpdesk created.")).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /^users:block/ })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: /^users:delete/ })).not.toBeChecked();

  // Support grants it.
  await page.goto(instance.url(`/team/groups/${supportId}`));
  await page.getByRole("checkbox", { name: /^Helpdesk/ }).check();
  await page.getByRole("button", { name: "Save roles" }).click();
  await expect(page.getByText("Members hold: Helpdesk.")).toBeVisible();

  // Helen joins Support.
  await page.goto(instance.url(`/team/users/${helen.id}`));
  await page.getByRole("checkbox", { name: "Support" }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("list", { name: "Permissions" }).getByText("from group Support (role Helpdesk)").first()).toBeVisible();
  // Each permission says what it allows, as the role form does.
  await expect(page.getByRole("list", { name: "Permissions" }).getByText("Block and unblock users, approve people waiting for approval")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("owner-user-roles.png"), fullPage: true });
});

test("a Helpdesk member blocks and resets a user, sees no settings, and can't make themselves admin", async ({ page }) => {
  await signIn(page, instance.baseURL, helen.email, helen.password, LANDS_ON_USERS);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Users" })).toBeVisible();
  for (const hidden of ["Settings", "Activity", "Service users"]) await expect(nav.getByRole("link", { name: hidden })).toHaveCount(0);

  await page.goto(instance.url(`/team/users/${victim.id}`));
  // Block opens its dialog through the page's script.
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Block", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Block" }).click();
  await expect(page.getByRole("button", { name: "Unblock", exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete", exact: true })).toHaveCount(0);

  await page.getByRole("button", { name: "Reset password" }).click();
  const reset = page.getByRole("dialog", { name: "Reset password" });
  await reset.getByRole("button", { name: "Reset password" }).click();
  await expect(reset.getByText("This password will only be shown once")).toBeVisible();

  // Her own page: where each permission comes from, and no way to change her role.
  await page.goto(instance.url(`/team/users/${helen.id}`));
  await expect(page.getByRole("list", { name: "Permissions" }).getByText("from group Support (role Helpdesk)").first()).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Role" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save roles" })).toHaveCount(0);

  // Nor through the API with her session.
  const cookies = await page.context().cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const self = await call(instance, `/api/users/${helen.id}`, {
    method: "PUT",
    headers: { cookie, origin: instance.baseURL },
    json: { role: "admin", auto_groups: [supportId], is_blocked: false },
  });
  expect(self.status, self.text).toBe(403);
  const roles = await call(instance, `/api/users/${helen.id}/roles`, { method: "PUT", headers: { cookie, origin: instance.baseURL }, json: { role_ids: ["admin"] } });
  expect(roles.status, roles.text).toBe(403);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(instance.url("/team/users"));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Open navigation" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("helpdesk-phone.png"), fullPage: true });
});

test("deleting the role names who holds it, and they lose it", async ({ page }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password, LANDS_ON_USERS);
  await page.goto(instance.url("/settings/roles"));
  await page.getByRole("link", { name: "Helpdesk" }).click();
  await page.getByRole("button", { name: "Delete role" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete role Helpdesk?" });
  await expect(dialog.getByText("Helen Helpdesk (through group Support)")).toBeVisible();
  await dialog.getByRole("button", { name: "Delete role" }).click();
  await expect(page).toHaveURL(/\/settings\/roles(\?deleted=1)?$/);
  await expect(page.getByRole("link", { name: "Helpdesk" })).toHaveCount(0);
});
