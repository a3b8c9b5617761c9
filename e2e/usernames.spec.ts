/**
 * Usernames in the browser (issue 19): an admin creates a person with only a
 * username and a name (no email), and that person signs in with the username;
 * Team → Users shows the username under the name; the Create User form
 * prefills the username from the email.
 */
import { expect, test } from "@playwright/test";
import { signIn } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
// The shared machine can be slow; the steps themselves wait for what they need.
test.setTimeout(180_000);

test("an admin creates a person with only a username and a name, who then signs in with the username", async ({ browser }) => {
  await setUpOwner(instance);
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, instance.baseURL, OWNER.email, OWNER.password);

  await admin.goto(instance.url("/team/users"));
  await admin.getByRole("button", { name: "Add User" }).click();
  const dialog = admin.getByRole("dialog", { name: "Add User" });
  await dialog.getByRole("tab", { name: "Create User" }).click();
  // Typing an email suggests its local part as the username.
  await dialog.getByLabel("Email").fill("Wren.Hale@example.com");
  await expect(dialog.getByLabel("Username")).toHaveValue("Wren.Hale");
  await dialog.getByLabel("Email").fill("");
  await dialog.getByLabel("Username").fill("wren");
  await dialog.getByLabel("Name", { exact: true }).fill("Wren Hale");
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(dialog.getByText("This password will only be shown once. Please copy it now.")).toBeVisible();
  const password = await dialog.getByLabel("Password for Wren Hale").inputValue();
  await dialog.getByRole("button", { name: "Copy & Close" }).click();

  await admin.goto(instance.url("/team/users"));
  const row = admin.getByRole("row", { name: /Wren Hale/ });
  await expect(row).toContainText("wren");

  const wren = await (await browser.newContext()).newPage();
  await wren.goto(instance.url("/login"));
  await wren.getByLabel("Email or username").fill("Wren");
  await wren.getByLabel("Password").fill(password);
  await wren.getByRole("button", { name: "Sign in", exact: true }).click();
  // Signed in with a generated password: first, a password of their own.
  await expect(wren).toHaveURL(/\/change-password$/);
  await wren.screenshot({ path: test.info().outputPath("signed-in-with-username.png") });
});

test("an unknown username gets the same answer as an unknown email", async ({ page }) => {
  const answer = async (identifier: string) => {
    await page.goto(instance.url("/login"));
    await page.getByLabel("Email or username").fill(identifier);
    await page.getByLabel("Password").fill("not anyones password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const alert = page.getByRole("alert").filter({ hasText: /password/ });
    await expect(alert).toBeVisible();
    return alert.innerText();
  };
  expect(await answer("nobody-here")).toBe(await answer("nobody@example.com"));
});
