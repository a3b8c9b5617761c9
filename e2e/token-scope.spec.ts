/**
 * The token scope picker (issue 13): a Helpdesk member creates a token from
 * Profile narrowed to two of their four permissions (the grid offers only what
 * they hold, grouped by module), and the token can do exactly that; the
 * tokens list shows the scope ("All your permissions", or a count that
 * expands to the list).
 */
import { expect, test } from "@playwright/test";
import { bearer, call } from "./support/api";
import { LANDS_ON_USERS, signIn, untilDashboardHydrated } from "./support/browser";
import { setUpOwner, useInstance } from "./support/instance";
import { signInAndChangePassword } from "./support/users-api";
import { expectAxeClean } from "./support/axe";

const instance = useInstance();
test.setTimeout(180_000);

test("a Helpdesk member narrows a token to part of their permissions, and the list shows its scope", async ({ page }) => {
  const owner = await setUpOwner(instance);
  const auth = bearer(owner.personal_access_token);
  const post = async <T,>(path: string, json: unknown, method = "POST") => {
    const res = await call<T>(instance, path, { method, headers: auth, json });
    expect(res.status, `${path}: ${res.text}`).toBe(200);
    return res.body;
  };
  const role = await post<{ id: string }>("/api/roles", { name: "Helpdesk", description: "", permissions: ["users:read", "users:block", "users:reset_password", "users:unlock"] });
  const made = await post<{ id: string; password: string }>("/api/users", { email: "hana@example.com", name: "Hana Helpdesk", role: "user" });
  await post(`/api/users/${made.id}/roles`, { role_ids: [role.id] }, "PUT");
  const victim = await post<{ id: string }>("/api/users", { email: "val@example.com", name: "Val Victim", role: "user" });
  const { password } = await signInAndChangePassword(instance, { id: made.id, email: "hana@example.com" }, made.password);

  await signIn(page, instance.baseURL, "hana@example.com", password, LANDS_ON_USERS);
  await page.goto(instance.url("/profile"));
  await untilDashboardHydrated(page);

  // A token with the default scope.
  await page.getByRole("button", { name: "Create token" }).click();
  let dialog = page.getByRole("dialog", { name: "Create token" });
  await expect(dialog.getByRole("radio", { name: /All your permissions/ })).toBeChecked();
  await dialog.getByLabel("Name").fill("everything");
  // One's own token asks for the password (a session alone can't leave one behind).
  await dialog.getByLabel("Your password").fill(password);
  await dialog.getByRole("button", { name: "Create token" }).click();
  await expect(dialog.getByText("This token will not be shown again")).toBeVisible();
  await dialog.getByRole("button", { name: "Copy & close" }).click();

  // A narrowed one: the grid offers only what Hana holds, all ticked at first.
  await page.getByRole("button", { name: "Create token" }).click();
  dialog = page.getByRole("dialog", { name: "Create token" });
  await dialog.getByLabel("Name").fill("unlock bot");
  await dialog.getByRole("radio", { name: /Only the permissions chosen below/ }).check();
  const boxes = dialog.getByRole("checkbox");
  await expect(boxes).toHaveCount(4);
  await expect(dialog.getByRole("checkbox", { name: /^users:delete/ })).toHaveCount(0);
  await expect(dialog.getByRole("checkbox", { name: /^users:block/ })).toBeChecked();
  await dialog.getByRole("checkbox", { name: /^users:block/ }).uncheck();
  await dialog.getByRole("checkbox", { name: /^users:reset_password/ }).uncheck();
  await page.screenshot({ path: test.info().outputPath("scope-picker.png"), fullPage: true });
  await expectAxeClean(page, { include: "dialog[open]", what: "the scope picker" });
  await dialog.getByLabel("Your password").fill(password);
  await dialog.getByRole("button", { name: "Create token" }).click();
  const token = await dialog.getByLabel('Token "unlock bot"').inputValue();
  expect(token).toMatch(/^lkp_[0-9A-Za-z]{36}$/);
  await dialog.getByRole("button", { name: "Copy & close" }).click();

  // The token does what its scope says, and nothing more.
  const asToken = bearer(token);
  expect((await call(instance, "/api/users", { headers: asToken })).status).toBe(200);
  expect((await call(instance, `/api/users/${victim.id}/unlock`, { method: "POST", headers: asToken })).status).toBe(200);
  const block = await call(instance, `/api/users/${victim.id}`, { method: "PUT", headers: asToken, json: { role: "user", auto_groups: [], is_blocked: true } });
  expect(block.status, block.text).toBe(403);

  // The list shows each token's scope.
  const tokens = page.getByRole("region", { name: "Personal access tokens" });
  await expect(tokens.getByRole("row", { name: /everything/ }).getByText("All your permissions")).toBeVisible();
  const narrowRow = tokens.getByRole("row", { name: /unlock bot/ });
  await narrowRow.getByText("2 permissions").click();
  await expect(narrowRow.getByText("users:unlock")).toBeVisible();
  await expect(narrowRow.getByText("users:read")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("token-scopes.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("token-scopes-phone.png"), fullPage: true });
});
