/**
 * Usernames in the browser (issue 19): an admin creates a person with only a
 * username and a name (no email), and that person signs in with the username;
 * Team → Users shows the username under the name; the Create user form
 * prefills the username from the email. A link-only invite (no email): the
 * invitee picks a username on the invite page and signs in with it.
 */
import { expect, test } from "@playwright/test";
import { signIn, startSignIn, submitSignIn, untilDashboardHydrated, untilHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { personWithRole, tokenClient } from "./support/users-api";

const instance = useInstance();
let ownerToken: string;
test.describe.configure({ mode: "serial" });
// The shared machine can be slow; the steps themselves wait for what they need.
test.setTimeout(180_000);

test("an admin creates a person with only a username and a name, who then signs in with the username", async ({ browser }) => {
  ownerToken = (await setUpOwner(instance)).personal_access_token;
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, instance.baseURL, OWNER.email, OWNER.password);

  await admin.goto(instance.url("/team/users"));
  await untilDashboardHydrated(admin);
  await admin.getByRole("button", { name: "Add user" }).click();
  const dialog = admin.getByRole("dialog", { name: "Add user" });
  await dialog.getByRole("tab", { name: "Create user" }).click();
  // Typing an email suggests its local part as the username.
  await dialog.getByLabel("Email").fill("Wren.Hale@example.com");
  await expect(dialog.getByLabel("Username")).toHaveValue("Wren.Hale");
  await dialog.getByLabel("Email").fill("");
  await dialog.getByLabel("Username").fill("wren");
  await dialog.getByLabel("Name", { exact: true }).fill("Wren Hale");
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(dialog.getByText("This password will only be shown once. Please copy it now.")).toBeVisible();
  const password = await dialog.getByLabel("Password for Wren Hale").inputValue();
  await dialog.getByRole("button", { name: "Copy & close" }).click();

  await admin.goto(instance.url("/team/users"));
  const row = admin.getByRole("row", { name: /Wren Hale/ });
  await expect(row).toContainText("wren");

  const wren = await (await browser.newContext()).newPage();
  // Signed in with a generated password: first, a password of their own.
  await signIn(wren, instance.baseURL, "Wren", password, { landsOn: /\/change-password$/ });
  await wren.screenshot({ path: test.info().outputPath("signed-in-with-username.png") });
});

test("a link-only invite: no email, the invitee picks a username on the invite page and signs in with it", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, instance.baseURL, OWNER.email, OWNER.password);
  await admin.goto(instance.url("/team/users"));
  await untilDashboardHydrated(admin);
  await admin.getByRole("button", { name: "Add user" }).click();
  const dialog = admin.getByRole("dialog", { name: "Add user" });
  await dialog.getByRole("tab", { name: "Invite user" }).click();
  // The username follows the email's local part, and is left to the invitee when empty.
  await dialog.getByLabel("Email", { exact: true }).fill("kit.link@example.com");
  await expect(dialog.getByLabel("Username")).toHaveValue("kit.link");
  await dialog.getByLabel("Email", { exact: true }).fill("");
  await expect(dialog.getByLabel("Username")).toHaveValue("");
  await dialog.getByLabel("Name", { exact: true }).fill("Kit Link");
  await dialog.getByRole("button", { name: "Create invite link" }).click();
  const link = await dialog.getByLabel("Invite link").inputValue();
  await dialog.getByRole("button", { name: "Copy & close" }).click();
  await admin.goto(instance.url("/team/users?view=invites"));
  await expect(admin.getByRole("row", { name: /Kit Link/ })).toContainText("No email: hand the link over");

  const kit = await (await browser.newContext()).newPage();
  await kit.goto(link);
  await expect(kit.getByText("Olive Owner invited you")).toBeVisible();
  await expect(kit.getByLabel("Email", { exact: true })).toHaveCount(0);
  await untilHydrated(kit.getByLabel("Password", { exact: true }));
  await kit.getByLabel("Password", { exact: true }).fill("kits own long passphrase");
  await kit.getByLabel("Confirm password").fill("kits own long passphrase");
  // "wren" is taken (the first test): told in the field, the rest kept for another try.
  await kit.getByLabel("Username").fill("Wren");
  await kit.getByRole("button", { name: "Create account" }).click();
  await expect(kit.getByLabel("Username")).toHaveAttribute("aria-invalid", "true");
  await expect(kit.getByLabel("Username")).toHaveAccessibleDescription(/This username is taken/);
  await expect(kit.getByLabel("Username")).toHaveValue("Wren");
  await kit.screenshot({ path: test.info().outputPath("invite-link-only-1280.png"), fullPage: true });
  await kit.setViewportSize({ width: 390, height: 844 });
  await kit.screenshot({ path: test.info().outputPath("invite-link-only-390.png"), fullPage: true });
  await kit.getByLabel("Username").fill("kit");
  await kit.getByLabel("Password", { exact: true }).fill("kits own long passphrase");
  await kit.getByLabel("Confirm password").fill("kits own long passphrase");
  await kit.getByRole("button", { name: "Create account" }).click();
  await expect(kit).toHaveURL(/\/login/);
  await expect(kit.getByLabel("Email or username")).toHaveValue("kit");
  await submitSignIn(kit, undefined, "kits own long passphrase");
  await expect(kit).not.toHaveURL(/\/login/);
  await expect(kit.getByRole("heading", { level: 1 })).toBeVisible();
});

test("an unknown username gets the same answer as an unknown email", async ({ page }) => {
  const answer = async (identifier: string) => {
    await startSignIn(page, instance.baseURL, identifier, "not anyones password");
    const alert = page.getByRole("alert").filter({ hasText: /password/ });
    await expect(alert).toBeVisible();
    return alert.innerText();
  };
  expect(await answer("nobody-here")).toBe(await answer("nobody@example.com"));
});

test("Add user and Profile refuse a look-alike username at the field, saying why", async ({ browser }) => {
  const admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signIn(admin, instance.baseURL, OWNER.email, OWNER.password);

  await admin.goto(instance.url("/team/users"));
  await untilDashboardHydrated(admin);
  await admin.getByRole("button", { name: "Add user" }).click();
  const dialog = admin.getByRole("dialog", { name: "Add user" });
  await dialog.getByRole("tab", { name: "Create user" }).click();
  const username = dialog.getByLabel("Username");
  await username.fill("\u0430dmin");
  await dialog.getByLabel("Name", { exact: true }).fill("Mallory Mixed");
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(username).toHaveAttribute("aria-invalid", "true");
  await expect(username).toHaveAccessibleDescription(/A username can't mix alphabets, e\.g\. Latin and Cyrillic letters/);
  await expect(username).toHaveValue("\u0430dmin");
  await dialog.screenshot({ path: test.info().outputPath("add-user-mixed-alphabets.png") });

  await username.fill("mallory.");
  await dialog.getByRole("button", { name: "Create", exact: true }).click();
  await expect(username).toHaveAccessibleDescription(/A username can't start or end with "\.", "_" or "-", or have two of them in a row/);
  await dialog.screenshot({ path: test.info().outputPath("add-user-edge-punctuation.png") });

  await admin.goto(instance.url("/profile"));
  const own = admin.getByRole("textbox", { name: "Username" });
  await own.fill("-owner");
  await admin.getByRole("button", { name: "Save username" }).click();
  await expect(own).toHaveAttribute("aria-invalid", "true");
  await expect(own).toHaveAccessibleDescription(/A username can't start or end with/);
  // Save sits beside the input it saves, not pushed down to the foot of the hint and the error line.
  const input = await own.boundingBox();
  const save = await admin.getByRole("button", { name: "Save username" }).boundingBox();
  expect(Math.abs(save!.y - input!.y), "Save username lines up with the input").toBeLessThanOrEqual(2);
  await own.scrollIntoViewIfNeeded();
  await admin.screenshot({ path: test.info().outputPath("profile-edge-punctuation.png") });
});

test("a pasted username longer than 64 characters stays as typed on Profile and is refused at the field, whose hint says the limit", async ({ page }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/profile"));
  const own = page.getByRole("textbox", { name: "Username" });
  await expect(own).toHaveAccessibleDescription(/Up to 64 characters/);
  // Pasted, not cut short by the browser without a word (it would then save a username nobody typed).
  const pasted = `owner${"x".repeat(64)}`;
  await own.fill("");
  await own.focus();
  await page.keyboard.insertText(pasted);
  await expect(own).toHaveValue(pasted);
  await page.getByRole("button", { name: "Save username" }).click();
  await expect(own).toHaveAttribute("aria-invalid", "true");
  await expect(own).toHaveAccessibleDescription(/^Username must be at most 64 characters/);
  await expect(own).toHaveValue(pasted);
});

test("a member who changed their username three times is told on Profile why a fourth new one is refused, what they typed kept, on a phone", async ({ browser }) => {
  const api = tokenClient(instance, ownerToken);
  expect((await api.put("/api/settings/sign-in", { users_may_change_username: true })).status).toBe(200);
  try {
    const member = await personWithRole(api, "user", { email: "rena.mer@example.com", name: "Rena Mer" });
    for (const next of ["rena.one", "rena.two", "rena.three"]) expect((await member.client.put("/api/users/current", { username: next })).status).toBe(200);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, instance.baseURL, "rena.three", member.password);
    await page.goto(instance.url("/profile"));
    await untilDashboardHydrated(page);
    const own = page.getByRole("textbox", { name: "Username" });
    await expect(own).toHaveValue("rena.three");
    await own.fill("rena.four");
    await page.getByRole("button", { name: "Save username" }).click();
    await expect(own).toHaveAttribute("aria-invalid", "true");
    await expect(own).toHaveAccessibleDescription(/Your 3 earlier usernames are still held back for you \(each for 30 days after you left it\): take one of them back, or ask an admin to change yours/);
    await expect(own).toHaveValue("rena.four");
    await own.scrollIntoViewIfNeeded();
    await page.screenshot({ path: test.info().outputPath("profile-username-hold-limit.png") });
    // Taking an earlier one back is allowed, and the form then shows what the server holds.
    await own.fill("Rena.One");
    await page.getByRole("button", { name: "Save username" }).click();
    await expect(own).not.toHaveAttribute("aria-invalid", "true");
    await page.reload();
    await expect(page.getByRole("textbox", { name: "Username" })).toHaveValue("Rena.One");
    await context.close();
  } finally {
    expect((await api.put("/api/settings/sign-in", { users_may_change_username: false })).status).toBe(200);
  }
});

test("Settings → Identity providers lists a deleted person's held-back username; the owner releases it, on a phone too", async ({ browser }) => {
  const api = tokenClient(instance, ownerToken);
  const hana = await api.post<{ id: string }>("/api/users", { email: "held.hana@example.com", username: "Held.Hana", name: "Hana Held", role: "user" });
  expect(hana.status, hana.text).toBe(200);
  expect((await api.delete(`/api/users/${hana.body.id}`)).status).toBe(200);

  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const owner = await context.newPage();
  await signIn(owner, instance.baseURL, OWNER.email, OWNER.password);
  // Add user tells the owner why a name nobody has is refused, and where to release it; what they typed stays.
  await owner.goto(instance.url("/team/users"));
  await untilDashboardHydrated(owner);
  await owner.getByRole("button", { name: "Add user" }).click();
  const add = owner.getByRole("dialog", { name: "Add user" });
  await add.getByRole("tab", { name: "Create user" }).click();
  await add.getByLabel("Username").fill("held.hana");
  await add.getByLabel("Name", { exact: true }).fill("Hana Two");
  await add.getByRole("button", { name: "Create", exact: true }).click();
  await expect(add.getByLabel("Username")).toHaveAccessibleDescription(/held back for 30 days; the owner can release it under Settings → Identity providers → Usernames/);
  await expect(add.getByLabel("Username")).toHaveValue("held.hana");
  await expect(add.getByLabel("Name", { exact: true })).toHaveValue("Hana Two");

  await owner.goto(instance.url("/settings/identity-providers"));
  const held = owner.getByRole("region", { name: "Held-back usernames" });
  const row = held.getByRole("row", { name: /Held\.Hana/ });
  await expect(row).toContainText("Deleted");
  await owner.screenshot({ path: test.info().outputPath("held-back-usernames-phone.png"), fullPage: true });

  // Found by its whole name in another case, through the list's own search (a plain GET form, at the list).
  await owner.goto(instance.url("/settings/identity-providers?held=nobody.here"));
  await expect(held).toContainText("“nobody.here” isn't held back.");
  await held.getByLabel("Find a username").fill("HELD.hana");
  await held.getByRole("button", { name: "Find" }).click();
  await expect(owner).toHaveURL(/held=HELD\.hana#held-heading$/);
  await expect(held.getByRole("row")).toHaveCount(2);

  await untilDashboardHydrated(owner);
  await row.getByRole("button", { name: "Release Held.Hana" }).click();
  const dialog = owner.getByRole("dialog", { name: "Release “Held.Hana”?" });
  await expect(dialog).toContainText("Anyone may take “Held.Hana” at once");
  await dialog.getByRole("button", { name: "Release" }).click();
  await expect(owner.getByText("“Held.Hana” is released: anyone may take it now.")).toBeVisible();
  await expect(row).toHaveCount(0);
  // Anyone may take it now.
  const again = await api.post<{ username: string }>("/api/users", { username: "held.hana", name: "Hana Two", role: "user" });
  expect(again.status, again.text).toBe(200);
  await context.close();
});
