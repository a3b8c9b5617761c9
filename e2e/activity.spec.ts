/**
 * The whole story in Chromium: wrong passwords lead to the waiting message;
 * the admin sees the user locked, sees the failures with their reasons in
 * Activity, unlocks the user, filters, exports CSV (and reads the file), and
 * verifies the log's integrity. Server actions refuse another origin. Last, someone with the database
 * moves the chain's start and deletes the oldest events: "Verify integrity" says so.
 */
import fs from "node:fs";
import { expect, test, type Page, type Request } from "@playwright/test";
import { bearer, call } from "./support/api";
import { signIn, submitSignIn, untilDashboardHydrated } from "./support/browser";
import { tamperWithActivity } from "./support/database";
import { OWNER, setUpOwner, useInstance } from "./support/instance";

// The email locks at its 5th failure (the default is 100 a day), so one browser can show it.
const instance = useInstance({ SIGNIN_LOCKOUT_FAILURES: "5" });
test.describe.configure({ mode: "serial" });

let token: string;
let bob: { id: string; password: string };
const BOB_EMAIL = "bob@example.com";

test.beforeAll(async () => {
  token = (await setUpOwner(instance)).personal_access_token;
  const res = await call(instance, "/api/users", {
    method: "POST",
    headers: bearer(token),
    json: { email: BOB_EMAIL, name: "Bob Builder", role: "user" },
  });
  expect(res.status, res.text).toBe(200);
  bob = res.body as { id: string; password: string };
});

/** The sign-in form's message (not Next's route announcer, which is also role=alert). */
const formAlert = (page: Page) => page.locator("form [role=alert]");

/** One sign-in through the form, waiting for the server action's answer; `email` undefined keeps the form's. */
async function tryPassword(page: Page, password: string, email?: string) {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
    submitSignIn(page, email, password),
  ]);
}

async function fiveWrongPasswords(page: Page) {
  await page.goto(instance.url("/login"));
  for (let i = 1; i <= 5; i++) {
    // The email typed once: a refused sign-in keeps it.
    await tryPassword(page, `not bob's password ${i}`, i === 1 ? BOB_EMAIL : undefined);
    // What to do next is said with it (review 44); the words are the same whether or not the account exists.
    await expect(formAlert(page)).toHaveText("Invalid email or password. Check your email and password, or ask an admin to reset your password.");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
  }
}

const isLocked = async () => ((await call(instance, `/api/users/${bob.id}`, { headers: bearer(token) })).body as { is_locked: boolean }).is_locked;

test("wrong passwords lead to the waiting message; the admin sees why, unlocks, filters and exports", async ({ browser }) => {
  // Two browsers, eight sign-ins (argon2) and a dozen page loads: over a minute on a busy 2-core machine.
  test.setTimeout(150_000);
  const bobContext = await browser.newContext();
  const bobPage = await bobContext.newPage();
  await fiveWrongPasswords(bobPage);
  await tryPassword(bobPage, bob.password);
  await expect(formAlert(bobPage)).toHaveText("Too many attempts. Try again in 1 minute.");
  await expect(bobPage).toHaveURL(/\/login/);

  // The admin finds Bob locked in Team → Users.
  const adminContext = await browser.newContext({ acceptDownloads: true });
  const admin = await adminContext.newPage();
  await signIn(admin, instance.baseURL, OWNER.email, OWNER.password);
  await admin.goto(instance.url("/team/users"));
  await expect(admin.getByRole("row", { name: /Bob Builder/ })).toContainText("Locked");
  await admin.screenshot({ path: test.info().outputPath("users-locked.png") });

  // Activity shows the failures with their real reasons.
  await admin.getByRole("link", { name: "Activity" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Activity" })).toBeVisible();
  await admin.getByLabel("Action").selectOption({ label: "Sign-in failed" });
  await admin.getByRole("button", { name: "Apply filters" }).click();
  await expect(admin).toHaveURL(/action=user\.login\.failed/);
  const rows = admin.getByRole("row").filter({ hasText: "Sign-in failed" });
  await expect(rows).toHaveCount(6);
  await expect(rows.filter({ hasText: "Reason: Wrong password" })).toHaveCount(5);
  await expect(rows.filter({ hasText: "Reason: Rate limited (must wait)" })).toHaveCount(1);
  await expect(rows.first()).toContainText("Bob Builder");
  await expect(rows.first()).toContainText("127.0.0.1");
  await expect(admin.getByText("Showing 6 of 6 events matching the filters")).toBeVisible();
  await admin.screenshot({ path: test.info().outputPath("activity-failures.png"), fullPage: true });

  // Unlock from Bob's page (capturing the server action request for the origin check below).
  await admin.goto(instance.url(`/team/users/${bob.id}`));
  await expect(admin.getByText(/Sign-in is locked after too many failed attempts/)).toBeVisible();
  // Unlock opens its dialog through the page's script.
  await untilDashboardHydrated(admin);
  await admin.screenshot({ path: test.info().outputPath("user-locked.png") });
  await admin.getByRole("button", { name: "Unlock", exact: true }).click();
  const dialog = admin.getByRole("dialog", { name: "Unlock Bob Builder?" });
  const actionRequest = admin.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]);
  await dialog.getByRole("button", { name: "Unlock" }).click();
  const captured = await actionRequest;
  await expect(admin.getByRole("region", { name: "Notifications" }).getByText("User unlocked. They can sign in again now.")).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(admin.getByRole("button", { name: "Unlock", exact: true })).toHaveCount(0);
  expect(await isLocked()).toBe(false);

  // Bob gets in right away with his password.
  await bobPage.goto(instance.url("/login"));
  await tryPassword(bobPage, bob.password, BOB_EMAIL);
  await expect(bobPage).toHaveURL(/\/change-password$/);

  // Filter and search: the lock and the unlock are on record too.
  await admin.goto(instance.url("/activity"));
  await admin.getByLabel("Search").fill("bob");
  await admin.getByLabel("Actor").fill("Olive");
  await admin.getByRole("button", { name: "Apply filters" }).click();
  await expect(admin.getByRole("row").filter({ hasText: "Sign-in unlocked" })).toHaveCount(1);
  await expect(admin.getByRole("row").filter({ hasText: "Sign-in failed" })).toHaveCount(0);
  await admin.getByLabel("Actor").fill("");
  await admin.getByRole("button", { name: "Apply filters" }).click();
  await expect(admin.getByRole("row").filter({ hasText: "Sign-in locked" })).toHaveCount(1);
  await expect(admin.getByRole("row").filter({ hasText: "Signed in" })).toHaveCount(1);

  // Export the filtered view (failed sign-ins) and read the file.
  await admin.goto(instance.url("/activity?action=user.login.failed"));
  const downloading = admin.waitForEvent("download");
  await admin.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^latchkey-activity-[\d-]+\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8").trim().split("\n");
  expect(csv[0]).toMatch(/^timestamp,seq,activity_code,activity,initiator_type,initiator_id,initiator_name,target_type/);
  expect(csv).toHaveLength(7);
  expect(csv.slice(1).every((line) => line.includes("user.login.failed,Sign-in failed,user,"))).toBe(true);
  expect(csv.filter((line) => line.includes('""reason"":""wrong_password""'))).toHaveLength(5);
  expect(csv.filter((line) => line.includes('""reason"":""rate_limited""'))).toHaveLength(1);
  expect(csv.every((line) => !line.includes("not bob's password"))).toBe(true);

  // And the log is intact.
  await admin.getByRole("button", { name: "Verify integrity" }).click();
  await expect(admin.getByText(/Integrity verified: all \d+ events \(#1 to #\d+\) are intact and chained\./)).toBeVisible();
  await admin.screenshot({ path: test.info().outputPath("activity-verified.png"), fullPage: true });

  // Server actions check the Origin: the captured Unlock replayed from another origin does nothing.
  const guesser = await (await browser.newContext()).newPage();
  await fiveWrongPasswords(guesser);
  expect(await isLocked()).toBe(true);
  const replay = (origin: string) => replayAction(captured, origin, adminContext.cookies.bind(adminContext));
  const foreign = await replay("https://evil.example");
  expect(foreign.status).toBeGreaterThanOrEqual(400);
  expect(await isLocked()).toBe(true);
  const same = await replay(instance.baseURL);
  expect(same.status).toBe(200);
  expect(await isLocked()).toBe(false);
});

async function replayAction(
  request: Request,
  origin: string,
  cookies: (urls: string) => Promise<{ name: string; value: string }[]>,
): Promise<{ status: number }> {
  const headers = { ...(await request.allHeaders()) };
  for (const h of Object.keys(headers)) if (h.startsWith(":") || h === "content-length" || h === "host") delete headers[h];
  headers.origin = origin;
  headers.cookie = (await cookies(instance.baseURL)).map((c) => `${c.name}=${c.value}`).join("; ");
  const body = request.postDataBuffer();
  const res = await fetch(request.url(), { method: "POST", headers, body: body ? new Uint8Array(body) : undefined, redirect: "manual" });
  await res.arrayBuffer();
  return { status: res.status };
}

test("a chain start moved by hand is what \"Verify integrity\" reports", async ({ page }) => {
  tamperWithActivity(instance, "INSERT INTO activity_anchors (account_id, first_seq, prev_hash, pruned_count, updated_at) SELECT account_id, 3, prev_hash, 0, 0 FROM activity_events WHERE seq = 3");
  tamperWithActivity(instance, "DELETE FROM activity_events WHERE seq < 3");
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/activity"));
  await page.getByRole("button", { name: "Verify integrity" }).click();
  await expect(page.getByText("Integrity check failed: the chain's start (#3) was moved outside retention.", { exact: false })).toBeVisible();
});
