import { expect, test, type Page } from "@playwright/test";
import { signIn, submitSignIn, untilDashboardHydrated, untilHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

const bob = { email: "bob@example.com", name: "Bob Builder" };

async function createUser(page: Page, user: { email: string; name: string }, role: string): Promise<string> {
  await page.goto(instance.url("/team/users"));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  await dialog.getByRole("tab", { name: "Create user" }).click();
  await expect(dialog.getByRole("tab", { name: "Create user" })).toHaveAttribute("aria-selected", "true");
  await dialog.getByLabel("Email").fill(user.email);
  await dialog.getByLabel("Name", { exact: true }).fill(user.name);
  await dialog.getByLabel("Role", { exact: true }).selectOption(role);
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(dialog.getByText("This password will only be shown once. Please copy it now.")).toBeVisible();
  const password = await dialog.getByLabel(`Password for ${user.name}`).inputValue();
  expect(password).toMatch(/^[0-9A-Za-z]{24}$/);
  // Shown once: Escape (twice: Chromium lets a second one through a cancel event) doesn't lose it, and the tabs that
  // would replace it are gone; the focus goes to the way out, which the keyboard takes.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel(`Password for ${user.name}`)).toHaveValue(password);
  await expect(dialog.getByRole("tab")).toHaveCount(0);
  // Nor a tab panel named by a tab that is gone.
  await expect(dialog.getByRole("tabpanel")).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: "Copy & close" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  return password;
}

async function openUser(page: Page, name: string) {
  await page.goto(instance.url("/team/users"));
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(name) })).toBeVisible();
}

async function confirm(page: Page, button: string, dialogTitle: RegExp, confirmLabel: string) {
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: dialogTitle });
  await dialog.getByRole("button", { name: confirmLabel }).click();
  return dialog;
}

test("the owner manages a person's whole lifecycle", async ({ browser }) => {
  // The longest flow in the suite (two browsers, about 40 steps): it ran out of the 60 s default at load ~11–20.
  test.slow();
  await setUpOwner(instance);
  const ownerContext = await browser.newContext();
  const admin = await ownerContext.newPage();
  await signIn(admin, instance.baseURL, OWNER.email, OWNER.password);

  // Create with a generated password, shown once.
  const generated = await createUser(admin, bob, "user");
  await admin.goto(instance.url("/team/users"));
  await expect(admin.getByRole("row", { name: /Bob Builder/ })).toContainText("Never");

  // Bob's first sign-in asks for his own password before anything else.
  const bobContext = await browser.newContext();
  const bobPage = await bobContext.newPage();
  await signIn(bobPage, instance.baseURL, bob.email, generated);
  await expect(bobPage).toHaveURL(/\/change-password$/);
  await bobPage.goto(instance.url("/team/users"));
  await expect(bobPage).toHaveURL(/\/change-password$/);
  const bobPassword = "bobs very own passphrase";
  await untilHydrated(bobPage.getByLabel("Current password"));
  await bobPage.getByLabel("Current password").fill(generated);
  await bobPage.getByLabel("New password", { exact: true }).fill(bobPassword);
  await bobPage.getByLabel("Confirm new password").fill(bobPassword);
  await bobPage.getByRole("button", { name: "Change password" }).click();
  await expect(bobPage).toHaveURL(/\/team\/users$/);
  // A plain user sees only themselves and can't add users.
  await expect(bobPage.getByRole("row")).toHaveCount(2);
  await expect(bobPage.getByRole("button", { name: "Add user" })).toHaveCount(0);

  // Edit name and role.
  await openUser(admin, "Bob Builder");
  await admin.getByLabel("Name", { exact: true }).fill("Bob B. Builder");
  await admin.getByLabel("Role", { exact: true }).selectOption("auditor");
  await admin.getByRole("button", { name: "Save changes" }).click();
  await expect(admin.getByText("Changes saved")).toBeVisible();
  await expect(admin.getByRole("heading", { level: 1 })).toContainText("Bob B. Builder");

  // Block: Bob's open session is refused at once.
  let dialog = await confirm(admin, "Block", /Block Bob B\. Builder\?/, "Block");
  // The outcome is a toast; the dialog that asked closes.
  await expect(admin.getByRole("region", { name: "Notifications" }).getByText("User blocked")).toBeVisible();
  await expect(dialog).toBeHidden();
  await bobPage.reload();
  await expect(bobPage).toHaveURL(/\/login/);
  const refused = await bobContext.request.get(instance.url("/api/users"));
  expect(refused.status()).toBe(401);

  // A blocked user can't sign in.
  await submitSignIn(bobPage, bob.email, bobPassword);
  await expect(bobPage.getByText("Invalid email or password")).toBeVisible();

  await admin.reload();
  dialog = await confirm(admin, "Unblock", /Unblock Bob B\. Builder\?/, "Unblock");
  await expect(admin.getByRole("region", { name: "Notifications" }).getByText("User unblocked")).toBeVisible();
  await expect(dialog).toBeHidden();

  // Reset password (generated): shown once; Bob must change it at next sign-in.
  await admin.reload();
  await untilDashboardHydrated(admin);
  await admin.getByRole("button", { name: "Reset password" }).click();
  dialog = admin.getByRole("dialog", { name: "Reset password" });
  await dialog.getByRole("button", { name: "Reset password" }).click();
  await expect(dialog.getByText("This password will only be shown once.")).toBeVisible();
  const reset = await dialog.getByLabel("New password").inputValue();
  await dialog.getByRole("button", { name: "Copy & close" }).click();
  await signIn(bobPage, instance.baseURL, bob.email, reset);
  await expect(bobPage).toHaveURL(/\/change-password$/);

  // Transfer ownership to Bob, after a confirmation with the owner's password (a session alone can't give the
  // account away). A wrong one is refused in the dialog, and the chosen role stays.
  await admin.reload();
  await untilDashboardHydrated(admin);
  await admin.getByLabel("Role", { exact: true }).selectOption("owner");
  await admin.getByRole("button", { name: "Save changes" }).click();
  const transfer = admin.getByRole("dialog", { name: "Transfer ownership?" });
  // Nothing typed: the server says so in the dialog (open again), at the field, which gets the focus.
  await transfer.getByRole("button", { name: "Transfer ownership" }).click();
  await expect(transfer.getByLabel("Your password")).toHaveAccessibleDescription(/Current password is required/);
  await expect(transfer.getByLabel("Your password")).toBeFocused();
  await expect(admin.getByLabel("Role", { exact: true })).toHaveValue("owner");
  await transfer.getByLabel("Your password").fill("not my password");
  await transfer.getByRole("button", { name: "Transfer ownership" }).click();
  await expect(transfer.getByText("Current password is incorrect")).toBeVisible();
  await expect(admin.getByLabel("Role", { exact: true })).toHaveValue("owner");
  await transfer.getByLabel("Your password").fill(OWNER.password);
  await transfer.getByRole("button", { name: "Transfer ownership" }).click();
  await expect(admin.getByText("Ownership transferred.")).toBeVisible();
  await admin.goto(instance.url("/team/users"));
  await expect(admin.getByRole("row", { name: /Bob B\. Builder/ })).toContainText("Owner");
  await expect(admin.getByRole("row", { name: /Olive Owner/ })).toContainText("Admin");

  // Now an admin: the owner can't be deleted or blocked from here.
  await openUser(admin, "Bob B. Builder");
  await expect(admin.getByRole("button", { name: "Delete" })).toHaveCount(0);
  await expect(admin.getByRole("button", { name: "Block" })).toHaveCount(0);

  // Delete another user, after a confirmation naming them.
  await createUser(admin, { email: "carol@example.com", name: "Carol Jones" }, "user");
  await openUser(admin, "Carol Jones");
  await confirm(admin, "Delete", /Delete Carol Jones\?/, "Delete user");
  await expect(admin).toHaveURL(/\/team\/users(\?deleted=1)?$/);
  await expect(admin.getByText("User deleted")).toBeVisible();
  await expect(admin.getByRole("link", { name: "Carol Jones" })).toHaveCount(0);

  await ownerContext.close();
  await bobContext.close();
});

test("search, filters and pagination live in the URL", async ({ page }) => {
  // The instance from the first test: Olive is an admin now, with Bob as the owner.
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  // 30 more users so the list has two pages.
  for (let i = 0; i < 30; i++) {
    const res = await page.request.post(instance.url("/api/users"), {
      headers: { origin: instance.baseURL },
      data: { email: `person${i}@example.com`, name: `Person ${String(i).padStart(2, "0")}`, role: i % 3 === 0 ? "admin" : "user" },
    });
    expect(res.status()).toBe(200);
  }
  await page.goto(instance.url("/team/users"));
  await expect(page.getByText(/Showing 1–25 of 32/)).toBeVisible();
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByText(/Showing 26–32 of 32/)).toBeVisible();

  await page.getByLabel("Search users").fill("person 1");
  await expect(page).toHaveURL(/search=person\+1/);
  await expect(page.getByText(/Showing 1–10 of 10$/)).toBeVisible(); // Person 10–19
  await page.getByRole("combobox", { name: /^Role/ }).selectOption("admin");
  await expect(page).toHaveURL(/role=admin/);
  await expect(page.getByText(/Showing 1–3 of 3$/)).toBeVisible(); // Person 12, 15, 18

  await page.goBack();
  await expect(page).not.toHaveURL(/role=admin/);
  await page.reload();
  await untilDashboardHydrated(page);
  await expect(page.getByLabel("Search users")).toHaveValue("person 1");

  // Nothing matches: the empty state alone, without "Showing 0–0 of 0" and a pager with nowhere to go.
  await page.getByLabel("Search users").fill("nobody by this name");
  await expect(page.getByRole("heading", { name: "No users match" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Pagination" })).toHaveCount(0);
});
