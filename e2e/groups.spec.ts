/**
 * Team → Groups in the browser: the owner creates, renames and deletes a
 * group through the dialogs, sees refused names explained with what they
 * typed kept, and opens a group's page with its members. An admin can't give
 * themselves a group an app trusts (rename their own, leave or join one).
 */
import { expect, test } from "@playwright/test";
import { bearer, call } from "./support/api";
import { LANDS_ON_USERS, signIn, untilDashboardHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { signInAndChangePassword } from "./support/users-api";

const instance = useInstance();

test.describe.configure({ mode: "serial" });

let owner: Awaited<ReturnType<typeof setUpOwner>>;

test.beforeAll(async () => {
  owner = await setUpOwner(instance);
});

test("the owner creates, renames and deletes a group", async ({ page }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password, LANDS_ON_USERS);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Groups" }).click();
  await expect(page).toHaveURL(/\/team\/groups$/);
  await expect(page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No groups yet" })).toBeVisible();

  // Create: an empty name is refused in the dialog.
  await page.getByRole("button", { name: "Create group" }).click();
  const create = page.getByRole("dialog", { name: "Create group" });
  await expect(create).toBeVisible();
  await create.getByRole("button", { name: "Create" }).click();
  await expect(create.getByText("Name is required")).toBeVisible();

  await create.getByLabel("Name").fill("  Engineering ");
  await create.getByRole("button", { name: "Create" }).click();
  await expect(create).toBeHidden();
  const row = page.getByRole("row", { name: /Engineering/ });
  await expect(row).toBeVisible();
  await expect(row.getByRole("cell").nth(1)).toHaveText("0");
  await expect(page.getByRole("heading", { name: "No groups yet" })).toBeHidden();

  // A duplicate in another case is refused, and what was typed stays.
  await page.getByRole("button", { name: "Create group" }).click();
  await create.getByLabel("Name").fill("ENGINEERING");
  await create.getByRole("button", { name: "Create" }).click();
  await expect(create.getByText("A group with this name already exists")).toBeVisible();
  await expect(create.getByLabel("Name")).toHaveValue("ENGINEERING");
  await expect(create.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await create.getByRole("button", { name: "Cancel" }).click();
  await expect(create).toBeHidden();

  // Rename from the row.
  await row.getByRole("button", { name: "Rename" }).click();
  const rename = page.getByRole("dialog", { name: "Rename group Engineering" });
  await expect(rename.getByLabel("Name")).toHaveValue("Engineering");
  await rename.getByLabel("Name").fill("Platform Engineering");
  await rename.getByRole("button", { name: "Rename" }).click();
  await expect(rename).toBeHidden();
  const renamedRow = page.getByRole("row", { name: /Platform Engineering/ });
  await expect(renamedRow).toBeVisible();

  // The group's own page.
  await renamedRow.getByRole("link", { name: "Platform Engineering" }).click();
  await expect(page).toHaveURL(/\/team\/groups\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "Platform Engineering", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No members" })).toBeVisible();
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Groups" }).click();
  await expect(page).toHaveURL(/\/team\/groups$/);

  // Delete, with a confirmation naming the group; Cancel first changes nothing.
  await renamedRow.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete group" });
  await expect(confirm).toContainText(
    "Delete group Platform Engineering? Members are not deleted, only removed from the group.",
  );
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(renamedRow).toBeVisible();

  await renamedRow.getByRole("button", { name: "Delete" }).click();
  await confirm.getByRole("button", { name: "Delete group" }).click();
  await expect(confirm).toBeHidden();
  await expect(renamedRow).toBeHidden();
  await expect(page.getByRole("heading", { name: "No groups yet" })).toBeVisible();

  const api = await call<unknown[]>(instance, "/api/groups", { headers: bearer(owner.personal_access_token) });
  expect(api.body).toEqual([]);
});

test("a pasted name longer than the limit stays as typed and is refused at the field, which says the limit", async ({ page }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password, LANDS_ON_USERS);
  await page.goto(instance.url("/team/groups"));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Create group" }).click();
  const create = page.getByRole("dialog", { name: "Create group" });
  const name = create.getByLabel("Name");
  await expect(name).toHaveAccessibleDescription(/Up to 64 characters/);
  // Pasted, not cut short by the browser without a word.
  const pasted = `Platform ${"x".repeat(60)}`;
  await name.focus();
  await page.keyboard.insertText(pasted);
  await expect(name).toHaveValue(pasted);
  await create.getByRole("button", { name: "Create" }).click();
  await expect(name).toHaveAccessibleDescription(/^Name must be at most 64 characters/);
  await expect(create.getByText("Name must be at most 64 characters")).toHaveCount(1);
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toBeFocused();
  await expect(name).toHaveValue(pasted);
  await create.getByRole("button", { name: "Cancel" }).click();
  const listed = await call<Array<{ name: string }>>(instance, "/api/groups", { headers: bearer(owner.personal_access_token) });
  expect(listed.body.map((g) => g.name)).not.toContain(pasted);
});

test("a group's page lists its members and deletes the group from there", async ({ page }) => {
  const auth = bearer(owner.personal_access_token);
  const created = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Support" } });
  expect(created.status, created.text).toBe(200);
  const groupId = created.body.id;
  const member = await call<{ id: string }>(instance, "/api/users", {
    method: "POST",
    headers: auth,
    json: { email: "sue@example.com", name: "Sue Support", role: "user", auto_groups: [groupId] },
  });
  expect(member.status, member.text).toBe(200);

  await signIn(page, instance.baseURL, OWNER.email, OWNER.password, LANDS_ON_USERS);
  await page.goto(instance.url("/team/groups"));
  await expect(page.getByRole("row", { name: /Support/ }).getByRole("cell").nth(1)).toHaveText("1");
  await page.getByRole("link", { name: "Support", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Support", level: 1 })).toBeVisible();
  await expect(page.getByText("1 member")).toBeVisible();
  const memberRow = page.getByRole("row", { name: /Sue Support/ });
  await expect(memberRow).toContainText("sue@example.com");
  await expect(memberRow.getByRole("link", { name: "Sue Support" })).toHaveAttribute("href", `/team/users/${member.body.id}`);

  await page.getByRole("button", { name: "Rename" }).click();
  const rename = page.getByRole("dialog", { name: "Rename group Support" });
  await rename.getByLabel("Name").fill("Customer Support");
  await rename.getByRole("button", { name: "Rename" }).click();
  await expect(rename).toBeHidden();
  await expect(page.getByRole("heading", { name: "Customer Support", level: 1 })).toBeVisible();

  await page.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete group" });
  await expect(confirm).toContainText("Delete group Customer Support?");
  await confirm.getByRole("button", { name: "Delete group" }).click();
  await expect(page).toHaveURL(/\/team\/groups(\?deleted=1)?$/);
  await expect(page.getByRole("heading", { name: "No groups yet" })).toBeVisible();

  // The member is still there, in no group.
  const user = await call<{ auto_groups: string[] }>(instance, `/api/users/${member.body.id}`, { headers: auth });
  expect(user.status).toBe(200);
  expect(user.body.auto_groups).toEqual([]);

  // A deleted group's page is a 404.
  const gone = await page.goto(instance.url(`/team/groups/${groupId}`));
  expect(gone?.status()).toBe(404);
});

test("adding people from the keyboard: after Add the focus is back in the search, ready for the next person", async ({ page }) => {
  const headers = bearer(owner.personal_access_token);
  const group = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers, json: { name: "Keyboard crew" } });
  expect(group.status, group.text).toBe(200);
  for (const [name, email] of [["Kai Keys", "kai@example.com"], ["Kira Keys", "kira@example.com"]]) {
    const made = await call(instance, "/api/users", { method: "POST", headers, json: { name, email, role: "user" } });
    expect(made.status, made.text).toBe(200);
  }
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password, LANDS_ON_USERS);
  await page.goto(instance.url(`/team/groups/${group.body.id}`));
  await untilDashboardHydrated(page);

  const search = page.getByRole("searchbox", { name: "Add people" });
  await search.fill("Keys");
  const kai = page.getByRole("button", { name: "Add Kai Keys" });
  await kai.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("list", { name: "People found" }).getByRole("listitem").filter({ hasText: "Kai Keys" })).toContainText("In this group");
  await expect(search).toBeFocused();
  // The next one is a Tab away.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Add Kira Keys" })).toBeFocused();
});

test("an admin can't rename a group they are in nor change their own or the owner's groups: not offered on its page, told why, with the typed name kept", async ({ page }) => {
  const auth = bearer(owner.personal_access_token);
  const group = await call<{ id: string }>(instance, "/api/groups", { method: "POST", headers: auth, json: { name: "Platform" } });
  expect(group.status, group.text).toBe(200);
  const made = await call<{ id: string; password: string }>(instance, "/api/users", {
    method: "POST",
    headers: auth,
    json: { email: "ada@example.com", name: "Ada Admin", role: "admin", auto_groups: [group.body.id] },
  });
  expect(made.status, made.text).toBe(200);
  const member = await call(instance, "/api/users", { method: "POST", headers: auth, json: { email: "bo@example.com", name: "Bo Member", role: "user", auto_groups: [group.body.id] } });
  expect(member.status, member.text).toBe(200);
  const ownerJoins = await call(instance, `/api/users/${owner.user_id}`, { method: "PUT", headers: auth, json: { role: "owner", is_blocked: false, auto_groups: [group.body.id] } });
  expect(ownerJoins.status, ownerJoins.text).toBe(200);
  const { password } = await signInAndChangePassword(instance, { id: made.body.id, email: "ada@example.com" }, made.body.password);

  await signIn(page, instance.baseURL, "ada@example.com", password, LANDS_ON_USERS);

  await page.goto(instance.url(`/team/groups/${group.body.id}`));
  // Their own row and the owner's offer no Remove (walk 15: the owner's did, then was refused); others' do.
  await expect(page.getByRole("row", { name: /Ada Admin/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /Ada Admin/ }).getByRole("button", { name: "Remove" })).toHaveCount(0);
  await expect(page.getByRole("row", { name: new RegExp(OWNER.name) }).getByRole("button", { name: "Remove" })).toHaveCount(0);
  await expect(page.getByRole("row", { name: /Bo Member/ }).getByRole("button", { name: "Remove" })).toBeVisible();
  // Rename isn't offered on the group's page, which says why instead.
  await expect(page.getByText("You can't rename a group you are in: apps trust group names; ask another admin")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Rename/ })).toHaveCount(0);

  // The list offers Rename on every group (it doesn't read each one's members); the refusal says why and keeps the typed name.
  await page.goto(instance.url("/team/groups"));
  await untilDashboardHydrated(page);
  await page.getByRole("row", { name: /Platform/ }).getByRole("button", { name: /^Rename/ }).click();
  const rename = page.getByRole("dialog", { name: "Rename group Platform" });
  await rename.getByLabel("Name").fill("grafana-admins");
  await rename.getByRole("button", { name: "Rename" }).click();
  await expect(rename.getByText("You can't rename a group you are in: apps trust group names; ask another admin")).toBeVisible();
  await expect(rename.getByLabel("Name")).toHaveValue("grafana-admins");
  await rename.getByRole("button", { name: "Cancel" }).click();

  // On their own page the groups are shown, not offered, and saying so.
  await page.goto(instance.url(`/team/users/${made.body.id}`));
  const platform = page.getByRole("checkbox", { name: "Platform" });
  await expect(platform).toBeChecked();
  await expect(platform).toBeDisabled();
  await expect(page.getByText("Only the owner can change their own groups")).toBeVisible();

  const listed = await call<Array<{ name: string }>>(instance, "/api/groups", { headers: auth });
  expect(listed.body.map((g) => g.name)).toContain("Platform");
  expect(listed.body.map((g) => g.name)).not.toContain("grafana-admins");
});
