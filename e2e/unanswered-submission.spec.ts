/**
 * A form whose submission got no answer from its action (a proxy's 429 or 502 in between, the connection
 * dropped, the server upgraded since the page loaded) says so at the form and keeps what the person typed
 * (lib/forms/unanswered-submission.ts). Before, Next.js threw from the call: a dashboard form gave way to
 * its section's error page, the sign-in page to Next's own page in English, and what was typed was gone.
 */
import { expect, test, type Page, type Route } from "@playwright/test";
import { signIn, submitSignIn, untilDashboardHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { tokenClient } from "./support/users-api";

const instance = useInstance();
test.describe.configure({ mode: "serial" });

let token: string;
test.beforeAll(async () => {
  token = (await setUpOwner(instance)).personal_access_token;
});

/** Server action calls get `answer` (what a proxy or a dropped connection would give); page loads pass. */
async function answerActions(page: Page, answer: (route: Route) => Promise<void>): Promise<void> {
  await page.route("**/*", (route) =>
    route.request().method() === "POST" && route.request().headers()["next-action"] ? answer(route) : route.fallback(),
  );
}

const NO_ANSWER = "The server couldn't be reached, or was too busy to answer. Try again in a moment.";

test("a proxy's 429 on a save: the form says so and keeps the changes; the next save stores them", async ({ page }) => {
  const client = tokenClient(instance, token);
  const created = await client.createUser({ email: "pat@example.com", name: "Pat Patient", role: "user" });
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url(`/team/users/${created.id}`));
  await answerActions(page, (route) => route.fulfill({ status: 429, contentType: "text/html", body: "<html><body><h1>429 Too Many Requests</h1></body></html>" }));

  await page.getByLabel("Name", { exact: true }).fill("Pat Persistent");
  await page.getByLabel("Role", { exact: true }).selectOption("admin");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText(NO_ANSWER)).toBeVisible();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Pat Persistent");
  await expect(page.getByLabel("Role", { exact: true })).toHaveValue("admin");
  expect(await client.user(created.id)).toMatchObject({ name: "Pat Patient", role: "user" });

  await page.unroute("**/*");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  expect(await client.user(created.id)).toMatchObject({ name: "Pat Persistent", role: "admin" });
});

test("a dropped connection on the sign-in page: said in the page's language, the email kept; signing in again works", async ({ browser }) => {
  const context = await browser.newContext({ locale: "de-DE" });
  await context.addCookies([{ name: "locale", value: "de", url: instance.baseURL }]);
  const page = await context.newPage();
  try {
    await page.goto(instance.url("/login"));
    await answerActions(page, (route) => route.abort("connectionreset"));
    // Sent by the page's script (whose request is the one dropped), not posted before it has taken over.
    await submitSignIn(page, OWNER.email, OWNER.password, { language: "de" });
    await expect(page.getByText("Der Server war nicht erreichbar oder zu ausgelastet, um zu antworten.", { exact: false })).toBeVisible();
    await expect(page.getByLabel("E-Mail oder Benutzername")).toHaveValue(OWNER.email);
    await expect(page).toHaveURL(/\/login/);

    await page.unroute("**/*");
    await submitSignIn(page, undefined, OWNER.password, { language: "de" });
    await expect(page).not.toHaveURL(/\/login/);
  } finally {
    await context.close();
  }
});

test("a server upgraded since the page loaded: the form asks to copy what was typed and reload", async ({ page }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/profile"));
  // The call names an action id this build doesn't have, as a page from the version before would: the server's guard
  // refuses it (scripts/action-guard.mjs).
  await answerActions(page, (route) => route.continue({ headers: { ...route.request().headers(), "next-action": "ab".repeat(21) } }));
  const name = page.getByLabel("Your name", { exact: true });
  await name.fill("Owner After Upgrade");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByText("The server was updated since this page loaded. Copy what you entered, then reload the page.")).toBeVisible();
  await expect(name).toHaveValue("Owner After Upgrade");
});

test("a form over the server's body cap: said at the form, which keeps what was pasted", async ({ page }) => {
  const client = tokenClient(instance, token);
  const created = await client.createUser({ email: "paste@example.com", name: "Paste Person", role: "user" });
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url(`/team/users/${created.id}`));
  const pasted = "x".repeat(70_000);
  await page.getByLabel("Name", { exact: true }).fill(pasted);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("What you entered is too large to send. Shorten the longest field and try again.")).toBeVisible();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(pasted);
  expect((await client.user(created.id)).name).toBe("Paste Person");
});

/** A proxy's rate-limit answer, as nginx's limit_req gives it. */
const tooManyRequests = (route: Route) => route.fulfill({ status: 429, contentType: "text/html", body: "<html><body><h1>429 Too Many Requests</h1></body></html>" });

test("the calls outside a form: a group's member search and Add, the users' bulk run and the proxy header test say a call with no answer in place", async ({ page }) => {
  const client = tokenClient(instance, token);
  const group = (await client.post("/api/groups", { name: "Night Shift" })).body as { id: string };
  const member = await client.createUser({ email: "nora@example.com", name: "Nora Nightly", role: "user" });
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);

  // The member picker: its search, then its Add.
  await page.goto(instance.url(`/team/groups/${group.id}`));
  await untilDashboardHydrated(page);
  await answerActions(page, tooManyRequests);
  const search = page.getByRole("searchbox", { name: "Add people" });
  await search.fill("Nightly");
  await expect(page.getByRole("alert").filter({ hasText: NO_ANSWER })).toBeVisible();
  await expect(search).toHaveValue("Nightly");
  await page.unroute("**/*");
  await search.fill("Nora Nightly");
  const add = page.getByRole("button", { name: "Add Nora Nightly" });
  await expect(add).toBeVisible();
  await expect(page.getByRole("alert").filter({ hasText: NO_ANSWER })).toBeHidden();
  await answerActions(page, tooManyRequests);
  await add.click();
  await expect(page.getByRole("alert").filter({ hasText: NO_ANSWER })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Night Shift" })).toBeVisible();
  expect((await client.user(member.id)).auto_groups).toEqual([]);
  await page.unroute("**/*");
  await add.click();
  await expect(page.getByRole("list", { name: "People found" }).getByRole("listitem").filter({ hasText: "Nora Nightly" })).toContainText("In this group");
  expect((await client.user(member.id)).auto_groups).toEqual([group.id]);

  // The users list's bulk bar: the confirmation stays open and says so; confirming again blocks.
  await page.goto(instance.url("/team/users?search=Nora"));
  await untilDashboardHydrated(page);
  await page.getByRole("checkbox", { name: "Select Nora Nightly" }).check();
  await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Block selected", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Block 1 user?" });
  await answerActions(page, tooManyRequests);
  await dialog.getByRole("button", { name: "Block 1 user" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(NO_ANSWER);
  expect((await client.user(member.id)).is_blocked).toBe(false);
  await page.unroute("**/*");
  await dialog.getByRole("button", { name: "Block 1 user" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "1 user blocked" })).toBeVisible();
  expect((await client.user(member.id)).is_blocked).toBe(true);

  // Settings → Proxy header's "Test with this request".
  await page.goto(instance.url("/settings/proxy-header"));
  await untilDashboardHydrated(page);
  await answerActions(page, tooManyRequests);
  await page.getByRole("button", { name: "Test with this request" }).click();
  await expect(page.getByRole("alert").filter({ hasText: NO_ANSWER })).toBeVisible();
  await page.unroute("**/*");
  await page.getByRole("button", { name: "Test with this request" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /which is not in the trusted ranges/ })).toBeVisible();
});
