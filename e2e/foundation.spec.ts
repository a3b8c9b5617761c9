import { expect, test } from "@playwright/test";
import { openAccountMenu, submitSignIn, untilHydrated } from "./support/browser";
import { useInstance } from "./support/instance";

const instance = useInstance();
const owner = { email: "olive@example.com", password: "first good passphrase", name: "Olive Owner" };
const newPassword = "second good passphrase";

test.describe.configure({ mode: "serial" });

test("a new owner sets up, signs in, changes password, signs out and back in", async ({ page }) => {
  await page.goto(instance.url("/"));
  await expect(page).toHaveURL(/\/setup$/);

  // Mismatched confirmation is refused and what was typed stays.
  await untilHydrated(page.getByLabel("Password", { exact: true }));
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password", { exact: true }).fill(owner.password);
  await page.getByLabel("Confirm password").fill("something else entirely");
  await page.getByLabel("Name", { exact: true }).fill(owner.name);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page.getByText("Passwords do not match")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(owner.email);
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(owner.name);

  // A too-common password is said at its field; the banner points there (it said "Invalid input" before review 19).
  await page.getByLabel("Password", { exact: true }).fill("password123");
  await page.getByLabel("Confirm password").fill("password123");
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page.getByText("This password is too common")).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: "Please fix the highlighted fields" })).toBeVisible();
  await expect(page.getByText("Invalid input")).toHaveCount(0);
  await expect(page.getByLabel("Email")).toHaveValue(owner.email);

  await page.getByLabel("Password", { exact: true }).fill(owner.password);
  await page.getByLabel("Confirm password").fill(owner.password);
  await page.getByRole("button", { name: "Create owner account" }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText("Owner account created")).toBeVisible();
  // The address to sign in with is prefilled, and not in the page's address (history).
  expect(page.url()).toBe(instance.url("/login?setup=done"));
  await expect(page.getByLabel("Email")).toHaveValue(owner.email);

  // Setup can't be reached again.
  await page.goto(instance.url("/setup"));
  await expect(page).toHaveURL(/\/login/);

  await submitSignIn(page, owner.email, owner.password);
  await expect(page).toHaveURL(/\/team\/users$/);

  const row = page.getByRole("row", { name: /Olive Owner/ });
  await expect(row).toContainText("You");
  await expect(row).toContainText(owner.email);
  await expect(row).toContainText("Owner");
  await expect(row).toContainText("Active");
  // Alone on a new instance, the page says what to do next: email first (none is set up), then adding people.
  const firstSteps = page.getByRole("region", { name: "You're the only one here so far. Next:" });
  await expect(firstSteps).toContainText("Set up email, so that invites");
  await expect(firstSteps.getByRole("link", { name: "email" })).toHaveAttribute("href", "/settings/email");
  await expect(firstSteps).toContainText("Add people with “Add user”");

  // Change password: a wrong current password is refused with a clear message.
  await openAccountMenu(page, owner.name);
  await page.getByRole("menuitem", { name: "Change password" }).click();
  const dialog = page.getByRole("dialog", { name: "Change password" });
  await dialog.getByLabel("Current password").fill("not my password");
  await dialog.getByLabel("New password", { exact: true }).fill(newPassword);
  await dialog.getByLabel("Confirm new password").fill(newPassword);
  await dialog.getByRole("button", { name: "Change password" }).click();
  await expect(dialog.getByText("Current password is incorrect").first()).toBeVisible();

  await dialog.getByLabel("Current password").fill(owner.password);
  await dialog.getByLabel("New password", { exact: true }).fill(newPassword);
  await dialog.getByLabel("Confirm new password").fill("does not match at all");
  await dialog.getByRole("button", { name: "Change password" }).click();
  await expect(dialog.getByText("Passwords do not match")).toBeVisible();

  await dialog.getByLabel("Current password").fill(owner.password);
  await dialog.getByLabel("New password", { exact: true }).fill(newPassword);
  await dialog.getByLabel("Confirm new password").fill(newPassword);
  await dialog.getByRole("button", { name: "Change password" }).click();
  await expect(dialog.getByText("Password changed")).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();

  // This session stays signed in after the change.
  await page.reload();
  await expect(page).toHaveURL(/\/team\/users$/);

  await openAccountMenu(page, owner.name);
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(instance.url("/team/users"));
  await expect(page).toHaveURL(/\/login/);

  // The old password no longer works; the new one does.
  await submitSignIn(page, owner.email, owner.password);
  await expect(page.getByText("Invalid email or password")).toBeVisible();

  await submitSignIn(page, undefined, newPassword);
  await expect(page).toHaveURL(/\/team\/users$/);
  await expect(page.getByRole("button", { name: owner.name })).toBeVisible();
});
