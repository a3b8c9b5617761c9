/**
 * What the browser keeps (review 15): nothing private in its cache once its person has signed out, and no
 * password that isn't the signed-in person's own offered to their password manager.
 */
import { expect, test } from "@playwright/test";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { ownerPage } from "./support/dashboard";
import { tokenClient, uniqueEmail, type ApiUser } from "./support/users-api";
import { openAccountMenu, untilDashboardHydrated } from "./support/browser";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let memberId: string;
let memberEmail: string;
let ownerToken: string;

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  ownerToken = owner.personal_access_token;
  const api = tokenClient(instance, ownerToken);
  memberEmail = uniqueEmail("cached");
  const created = await api.post<ApiUser>("/api/users", { email: memberEmail, name: "Casey Cached", role: "user" });
  expect(created.status, created.text).toBe(200);
  memberId = created.body.id;
});

test("after signing out, Back shows no API answer the browser kept from before", async ({ browser }) => {
  // No cache may keep an API answer, whoever asks (a token here, the session cookie in the browser below).
  const api = tokenClient(instance, ownerToken);
  for (const path of ["/api/users", `/api/users/${memberId}`, "/api/events", "/api/users/export", "/api/nothing"]) {
    expect((await api.get(path)).headers.get("cache-control"), path).toBe("no-store");
  }
  const { context, page } = await ownerPage(browser, instance);
  // Someone opens the API in the dashboard's browser (as the API reference invites them to).
  await page.goto(instance.url("/api/users"));
  await expect(page.locator("body")).toContainText(memberEmail);
  await page.goto(instance.url("/profile"));
  await openAccountMenu(page, OWNER.name);
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  // The next person at this computer presses Back until the list was there: the browser asks again, and is refused.
  await page.goBack();
  await page.goBack();
  await expect(page).toHaveURL(/\/api\/users$/);
  await expect(page.locator("body")).toContainText("Authentication required");
  await expect(page.locator("body")).not.toContainText(memberEmail);
  await context.close();
});

test("a password or secret that isn't the signed-in person's own is not theirs to save or generate", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  // An admin typing someone else's new password.
  await page.goto(instance.url(`/team/users/${memberId}`));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Reset password" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Type a password").check();
  for (const name of ["password", "confirm_password"]) await expect(dialog.locator(`input[name="${name}"]`)).toHaveAttribute("autocomplete", "off");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  // Services' credentials an admin configures.
  for (const [path, name] of [
    ["/settings/email", "password"],
    ["/settings/ldap", "bind_password"],
    ["/settings/identity-providers/new", "client_secret"],
  ]) {
    await page.goto(instance.url(path));
    await expect(page.locator(`input[name="${name}"]`), path).toHaveAttribute("autocomplete", "off");
  }
  // The person's own new password still is theirs: the browser may suggest one and save it.
  await openAccountMenu(page, OWNER.name);
  await page.getByRole("menuitem", { name: "Change password" }).click();
  await expect(page.getByRole("dialog").locator('input[name="new_password"]')).toHaveAttribute("autocomplete", "new-password");
  await expect(page.getByRole("dialog").locator('input[name="old_password"]')).toHaveAttribute("autocomplete", "current-password");
  await context.close();
});
