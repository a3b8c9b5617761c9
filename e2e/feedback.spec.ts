/**
 * What a person sees while and after they act: outcomes as toasts (not in
 * the dialog that asked), buttons that say they are working and post once, a
 * question before unsaved changes are left behind, a loading state per
 * section, a pager that can't run past the end, password fields that show,
 * measure and clear themselves after a refusal, and an Activity filter that
 * refuses an inverted date range instead of showing everything.
 */
import { expect, test, type Page, type Route } from "@playwright/test";
import { ownerPage, seedDashboard, type Seeded } from "./support/dashboard";
import { signIn, untilDashboardHydrated, untilHydrated } from "./support/browser";
import { useInstance } from "./support/instance";
import { expectAxeClean } from "./support/axe";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
let seeded: Seeded;

test.beforeAll(async () => {
  seeded = await seedDashboard(instance);
});

const toasts = (page: Page) => page.getByRole("region", { name: "Notifications" });

/** Holds every server action for a while and counts them: the pending state is visible, a second press would show. */
async function slowActions(page: Page, ms = 1200) {
  const posted: string[] = [];
  await page.route(
    () => true,
    async (route: Route) => {
      const request = route.request();
      if (request.method() === "POST" && request.headers()["next-action"]) {
        posted.push(request.url());
        await new Promise((r) => setTimeout(r, ms));
      }
      await route.fallback();
    },
  );
  return posted;
}

test("a confirmation's outcome is a toast; its button shows it is working and posts once", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url(`/team/users/${seeded.userId}`));
  await untilDashboardHydrated(page);
  const posted = await slowActions(page);

  await page.getByRole("button", { name: "Block", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: /^Block Maximiliane/ });
  await dialog.getByRole("button", { name: "Block", exact: true }).dblclick();
  const working = dialog.getByRole("button", { name: "Working…" });
  await expect(working).toBeVisible();
  await expect(working).toBeDisabled();

  await expect(toasts(page).getByText("User blocked")).toBeVisible();
  await expect(dialog).toBeHidden();
  await page.screenshot({ path: test.info().outputPath("toast.png") });
  await expect(page.getByRole("button", { name: "Unblock", exact: true })).toBeVisible();
  expect(posted).toHaveLength(1);

  // A toast can be dismissed; undo the block for the other tests.
  await toasts(page).getByRole("button", { name: "Dismiss" }).click();
  await expect(toasts(page).getByText("User blocked")).toBeHidden();
  await page.getByRole("button", { name: "Unblock", exact: true }).click();
  await page.getByRole("dialog", { name: /^Unblock Maximiliane/ }).getByRole("button", { name: "Unblock" }).click();
  await expect(toasts(page).getByText("User unblocked")).toBeVisible();
  expect(posted).toHaveLength(2);
  await context.close();
});

test("a form's submit button is pending while it saves, and a double click saves once", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/team/groups"));
  await untilDashboardHydrated(page);
  const posted = await slowActions(page);
  await page.getByRole("button", { name: "Create group" }).click();
  const create = page.getByRole("dialog", { name: "Create group" });
  await create.getByLabel("Name", { exact: true }).fill("Night shift");
  await create.getByRole("button", { name: "Create", exact: true }).dblclick();
  await expect(create.getByRole("button", { name: "Creating…" })).toBeDisabled();
  await expect(create).toBeHidden();
  // The outcome is a toast, and the second press did not try to create the group again.
  await expect(toasts(page).getByText(/Night shift/)).toBeVisible();
  await expect(page.getByRole("row", { name: /Night shift/ })).toHaveCount(1);
  expect(posted).toHaveLength(1);
  await context.close();
});

test("leaving a form with unsaved changes asks first, by link and by closing the tab", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  const userUrl = instance.url(`/team/users/${seeded.userId}`);
  const groupsLink = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Groups" });

  // Nothing changed: no question.
  await page.goto(userUrl);
  const unexpected: string[] = [];
  const record = (d: { message(): string; dismiss(): Promise<void> }) => {
    unexpected.push(d.message());
    void d.dismiss();
  };
  page.on("dialog", record);
  await groupsLink.click();
  await expect(page).toHaveURL(/\/team\/groups$/);
  expect(unexpected).toEqual([]);
  page.off("dialog", record);

  // A changed name: "stay" keeps the page and what was typed; "leave" goes.
  await page.goto(userUrl);
  const name = page.getByLabel("Name", { exact: true });
  await name.click();
  await name.pressSequentially(" Jr");
  const asked: string[] = [];
  page.once("dialog", (d) => {
    asked.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  await groupsLink.click();
  await expect.poll(() => asked).toEqual(["confirm: You have unsaved changes. Leave this page and lose them?"]);
  await expect(page).toHaveURL(userUrl);
  await expect(name).toHaveValue(/ Jr$/);

  // Closing the tab asks too (the browser's own prompt).
  const beforeUnload = new Promise<string>((resolve) => page.once("dialog", (d) => (resolve(d.type()), void d.dismiss())));
  await page.close({ runBeforeUnload: true });
  expect(await beforeUnload).toBe("beforeunload");
  expect(page.isClosed()).toBe(false);

  page.once("dialog", (d) => void d.accept());
  await groupsLink.click();
  await expect(page).toHaveURL(/\/team\/groups$/);

  // After a save there is nothing to lose: no question.
  await page.goto(userUrl);
  await name.fill("Maximiliane Wolfeschlegelsteinhausenbergerdorff");
  await page.getByLabel("Role", { exact: true }).selectOption("auditor");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(toasts(page).getByText("Changes saved")).toBeVisible();
  page.on("dialog", record);
  await groupsLink.click();
  await expect(page).toHaveURL(/\/team\/groups$/);
  expect(unexpected).toEqual([]);
  await context.close();
});

test("each section shows a loading state while it loads, and a missing id still answers 404", async ({ browser }) => {
  test.slow(); // five sections, each held back on purpose
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/activity"));
  await page.waitForLoadState("networkidle");
  // Navigations (not prefetches) are held back, so what shows meanwhile can be seen.
  await page.route(
    () => true,
    async (route) => {
      const headers = route.request().headers();
      const prefetch = Object.keys(headers).some((h) => h.startsWith("next-router-prefetch") || h.startsWith("next-router-segment-prefetch"));
      if (headers.rsc && !prefetch) await new Promise((r) => setTimeout(r, 1500));
      await route.fallback();
    },
  );
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const [link, label, heading] of [
    ["Users", "Users", "Users"],
    ["Service users", "Service users", "Service users"],
    ["Groups", "Groups", "Groups"],
    ["Activity", "Activity", "Activity"],
  ] as const) {
    // Pointing at a link prefetches its section's loading state, as it does for a person.
    await nav.getByRole("link", { name: link, exact: true }).hover();
    await page.waitForTimeout(1500);
    await nav.getByRole("link", { name: link, exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: `Loading ${label}…` })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: heading, exact: true })).toBeVisible();
  }
  await page.unroute(() => true);

  for (const path of [
    "/team/users/00000000-0000-4000-8000-000000000000",
    "/team/service-users/00000000-0000-4000-8000-000000000000",
    "/team/groups/00000000-0000-4000-8000-000000000000",
    "/settings/identity-providers/00000000-0000-4000-8000-000000000000",
  ]) {
    const res = await page.goto(instance.url(path));
    expect(res?.status(), path).toBe(404);
  }
  // Settings' pages have a loading state of their own too.
  await page.goto(instance.url("/settings/identity-providers"));
  await page.waitForLoadState("networkidle");
  await page.route(
    () => true,
    async (route) => {
      const headers = route.request().headers();
      const prefetch = Object.keys(headers).some((h) => h.startsWith("next-router-prefetch") || h.startsWith("next-router-segment-prefetch"));
      if (headers.rsc && !prefetch) await new Promise((r) => setTimeout(r, 1500));
      await route.fallback();
    },
  );
  await page.getByRole("link", { name: "LDAP", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Loading Settings…" })).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/ldap$/);
  await context.close();
});

test("a page past the end of a list shows the last page", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  // 25 more service users: 26 in all, two pages of 25.
  for (let i = 1; i <= 25; i++) {
    const res = await page.request.post(instance.url("/api/users"), {
      data: { name: `robot ${String(i).padStart(2, "0")}`, role: "user", is_service_user: true, auto_groups: [] },
      // The session cookie writes only from our own origin.
      headers: { origin: instance.baseURL },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  await page.goto(instance.url("/team/service-users?page=99"));
  await expect(page).toHaveURL(/\/team\/service-users\?page=2$/);
  const pager = page.getByRole("navigation", { name: "Pagination" });
  await expect(pager).toContainText("Showing 26–26 of 26");
  await expect(pager).toContainText("Page 2 of 2");
  await expect(page.getByRole("row")).toHaveCount(2);
  await context.close();
});

test("password fields show and hide, measure a new password, and clear after a refusal", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(instance.url(`/invite?token=${seeded.inviteToken}`));
  const password = page.getByLabel("Password", { exact: true });
  const confirm = page.getByLabel("Confirm password");
  await expect(password).toHaveAttribute("type", "password");
  await untilHydrated(password);

  // The meter says why a weak password is weak (the same words the server uses).
  await password.fill("aaaaaaaaaaaa");
  await expect(page.getByText(/Strength: (Very weak|Weak) \(too weak\)\. Repeated characters like "aaa" are easy to guess\./)).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("password-weak-phone.png"), fullPage: true });
  await password.fill("quiet lantern orbit marmalade");
  await expect(page.getByText(/Strength: (Strong|Very strong)\./)).toBeVisible();

  await page.getByRole("button", { name: "Show password", exact: true }).click();
  await expect(password).toHaveAttribute("type", "text");
  await expect(page.getByRole("button", { name: "Hide password", exact: true })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "Hide password", exact: true }).click();
  await expect(password).toHaveAttribute("type", "password");

  // A refusal: the passwords are cleared (with a note), the first field in error has the focus.
  await confirm.fill("something else entirely");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Passwords do not match")).toBeVisible();
  await expect(password).toHaveValue("");
  await expect(confirm).toHaveValue("");
  await expect(page.getByText("Cleared after the error: please type it again.")).toHaveCount(2);
  await expect(confirm).toBeFocused();
  await page.screenshot({ path: test.info().outputPath("password-refused-phone.png"), fullPage: true });
});

test("the forced password change keeps what wasn't secret, focuses the error and offers Sign out", async ({ page }) => {
  await signIn(page, instance.baseURL, seeded.newcomer.email, seeded.newcomer.password);
  await expect(page).toHaveURL(/\/change-password$/);
  const current = page.getByLabel("Current password");
  await untilHydrated(current);
  await current.fill("not the password at all");
  await page.getByLabel("New password", { exact: true }).fill("quiet lantern orbit marmalade");
  await page.getByLabel("Confirm new password").fill("quiet lantern orbit marmalade");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(current).toHaveAttribute("aria-invalid", "true");
  await expect(current).toBeFocused();
  await expect(current).toHaveValue("");
  await expect(page.getByLabel("New password", { exact: true })).toHaveValue("");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(instance.url("/team/users"));
  await expect(page).toHaveURL(/\/login/);
});

test("an inverted date range on Activity is said at the To field, and no events are shown", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/activity"));
  await expect(page.getByRole("table")).toBeVisible();
  await page.getByLabel("From (UTC)").fill("2026-05-02");
  await page.getByLabel("To (UTC)").fill("2026-05-01");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/from=2026-05-02/);
  // Said at the To field (which gets the focus), not only in a banner over the page.
  const to = page.getByLabel("To (UTC)");
  await expect(to).toHaveAccessibleDescription("from must be before to");
  await expect(to).toHaveAttribute("aria-invalid", "true");
  await expect(to).toBeFocused();
  await expect(to).toHaveValue("2026-05-01");
  await expect(page.getByRole("alert").filter({ hasText: "from must be before to" })).toHaveCount(0);
  await expect(page.getByRole("table")).toHaveCount(0);
  await expect(page.getByRole("navigation", { name: "Pagination" })).toHaveCount(0);
  await context.close();
});

test("a toast and a measured password field pass axe in both themes", async ({ browser }) => {
  test.slow(); // axe is slow on a busy machine
  for (const theme of ["light", "dark"] as const) {
    const { context, page } = await ownerPage(browser, instance, { theme });
    await page.goto(instance.url(`/team/users/${seeded.userId}`));
    await untilDashboardHydrated(page);
    // Block in the light theme, Unblock in the dark one: the person ends as they started.
    const verb = theme === "light" ? "Block" : "Unblock";
    await page.getByRole("button", { name: verb, exact: true }).click();
    await page.getByRole("dialog", { name: new RegExp(`^${verb} Maximiliane`) }).getByRole("button", { name: verb, exact: true }).click();
    await expect(toasts(page).getByRole("button", { name: "Dismiss" })).toBeVisible();
    await expectAxeClean(page, { include: "section[aria-label=Notifications]", what: `toast (${theme})` });

    await page.goto(instance.url(`/invite?token=${seeded.inviteToken}`));
    await untilHydrated(page.getByLabel("Password", { exact: true }));
    await page.getByLabel("Password", { exact: true }).fill("aaaaaaaaaaaa");
    await expect(page.getByText(/too weak/)).toBeVisible();
    await expectAxeClean(page, { what: `password meter (${theme})` });
    await context.close();
  }
});
