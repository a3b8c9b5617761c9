/**
 * Two-factor sign-in in the browser (issue 14): set up an authenticator app
 * from Profile (the secret read from the page, codes computed here), sign in
 * with a code, then with a recovery code; a group that must use it sends a
 * member to set-up right after the password; an admin resets it.
 */
import crypto from "node:crypto";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { linesOfEach, signIn, signOut, startSignIn, untilDashboardHydrated } from "./support/browser";
import { openInstanceDatabase } from "./support/database";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { personWithRole, tokenClient, uniqueEmail, type Client } from "./support/users-api";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
// Each test signs in several times (argon2 each), on a machine that may be busy.
test.setTimeout(180_000);

let api: Client;
let person: { email: string; password: string; name: string; id: string };
let secret: string;
let recoveryCodes: string[];
/** The group's member who set up the app at sign-in (required for them): r52's last-factor test signs in as them. */
let groupMember: { email: string; password: string; secret: string };

/** The authenticator app: the code for a moment (offset in 30-second steps from now). */
function code(base32: string, stepsAhead = 0): string {
  return TOTP.generate({ secret: Secret.fromBase32(base32), timestamp: Date.now() + stepsAhead * 30_000 });
}

/** The note after a sign-in with a recovery code (app/(dashboard)/recovery-code-notice.tsx). */
function recoveryNotice(page: Page) {
  return page.getByRole("status").filter({ hasText: "You signed in with" });
}

/** The notice has told the server it was shown (its marker cookie is gone). */
async function noticeCleared(context: BrowserContext) {
  await expect.poll(async () => (await context.cookies()).some((c) => c.name.endsWith("recovery-code-used"))).toBe(false);
}

async function freshPage(browser: Browser, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  return { context, page: await context.newPage() };
}

test.beforeAll(async () => {
  const owner = await setUpOwner(instance);
  api = tokenClient(instance, owner.personal_access_token);
  const p = await personWithRole(api, "user", { name: "Tess Totp" });
  person = { email: p.email, password: p.password, name: p.user.name, id: p.user.id };
});

test("set up an authenticator app from Profile, and get ten recovery codes once", async ({ browser }) => {
  const { context, page } = await freshPage(browser);
  await startSignIn(page, instance.baseURL, person.email, person.password);
  await expect(page).toHaveURL(/\/$|\/team/);
  await page.goto(instance.url("/profile"));
  await untilDashboardHydrated(page);
  const section = page.getByRole("region", { name: "Two-factor authentication" });
  await expect(section.getByText("Off", { exact: true })).toBeVisible();
  await section.getByRole("button", { name: "Set up authenticator app" }).click();
  // The password first: a session alone (a cookie taken from an open laptop) can't add a factor.
  // Each step opens where its button was, with the focus in its field (not dropped to the page).
  await expect(section.getByLabel("Your password")).toBeFocused();
  // Cancel closes the step and puts the focus back on its button.
  await section.getByRole("button", { name: "Cancel" }).click();
  await expect(section.getByRole("button", { name: "Set up authenticator app" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(section.getByLabel("Your password")).toBeFocused();
  await section.getByLabel("Your password").fill("not the password");
  await section.getByRole("button", { name: "Continue" }).click();
  await expect(section.getByText("Current password is incorrect").first()).toBeVisible();
  await expect(section.getByRole("img", { name: "QR code for your authenticator app" })).toBeHidden();
  await section.getByLabel("Your password").fill(person.password);
  await section.getByRole("button", { name: "Continue" }).click();
  await expect(section.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await expect(section.getByLabel("Code from the app")).toBeFocused();
  secret = await section.getByLabel("Secret key").inputValue();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  await section.getByLabel("Code from the app").fill("000000" === code(secret) ? "111111" : "000000");
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByLabel("Code from the app")).toHaveAccessibleDescription(/not right/);
  await expect(section.getByRole("alert")).toHaveText("Please fix the highlighted fields");

  await section.getByLabel("Code from the app").fill(code(secret));
  await section.getByRole("button", { name: "Turn on" }).click();
  const list = section.getByRole("list", { name: "Recovery codes" });
  await expect(list.getByRole("listitem")).toHaveCount(10);
  recoveryCodes = await list.getByRole("listitem").allTextContents();
  await section.getByRole("button", { name: "Done" }).click();
  await expect(list).toBeHidden();
  await expect(section.getByText(/^On · last used/)).toBeVisible();
  await expect(section.getByText("10 of 10 left")).toBeVisible();
  // Done doesn't drop the focus to the page: Set up is gone, so it goes to the app's control in its place.
  await expect(section.getByRole("button", { name: "Remove authenticator app" })).toBeFocused();

  // New recovery codes ask for the password too; the new ones replace these.
  await section.getByRole("button", { name: "Generate new recovery codes" }).click();
  await expect(section.getByLabel("Your password")).toBeFocused();
  await section.getByLabel("Your password").fill("not the password");
  await section.getByRole("button", { name: "Make new codes" }).click();
  await expect(section.getByText("Current password is incorrect").first()).toBeVisible();
  await section.getByLabel("Your password").fill(person.password);
  await section.getByRole("button", { name: "Make new codes" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(10);
  const fresh = await list.getByRole("listitem").allTextContents();
  expect(fresh).not.toContain(recoveryCodes[0]);
  recoveryCodes = fresh;
  await section.getByRole("button", { name: "Done" }).click();
  await expect(list).toBeHidden();
  // Back on the button that asked for them, not lost to the page.
  await expect(section.getByRole("button", { name: "Generate new recovery codes" })).toBeFocused();
  await context.close();
});

test("an empty code is said at the code field, which gets the focus, and is no failed code", async ({ browser }) => {
  const failedCodes = async () => {
    const res = await api.get<unknown[]>("/api/events?action=mfa.code.failed&from=2020-01-01");
    expect(res.status, res.text).toBe(200);
    return res.body.length;
  };
  const before = await failedCodes();
  const { context, page } = await freshPage(browser);
  await startSignIn(page, instance.baseURL, person.email, person.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  const field = page.getByLabel("Authentication code");
  for (let i = 0; i < 3; i++) {
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(field).toHaveAccessibleDescription(/Enter the code from your authenticator app or a recovery code/);
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(field).toBeFocused();
  }
  await expect(page).toHaveURL(/\/login\/two-factor/);
  expect(await failedCodes()).toBe(before);
  await context.close();
});

test("sign in with the password and a code from the app", async ({ browser }) => {
  const { context, page } = await freshPage(browser);
  await startSignIn(page, instance.baseURL, person.email, person.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  // Nothing is reachable before the second step.
  await page.goto(instance.url("/profile"));
  await expect(page).toHaveURL(/\/login/);
  await page.goto(instance.url("/login/two-factor"));

  await page.getByLabel("Authentication code").fill("000000" === code(secret, 1) ? "111111" : "000000");
  await page.getByRole("button", { name: "Verify" }).click();
  // Said once, at the code field, which gets the focus.
  await expect(page.getByLabel("Authentication code")).toHaveAccessibleDescription(/That code is not right/);
  await expect(page.getByText("That code is not right")).toHaveCount(1);
  await expect(page.getByRole("alert").filter({ hasText: "Please fix the highlighted fields" })).toBeVisible();
  await expect(page.getByLabel("Authentication code")).toBeFocused();
  // The set-up used this step's code: the next step's code (accepted one step early) signs in.
  await page.getByLabel("Authentication code").fill(code(secret, 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(instance.url("/profile"));
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
  await context.close();
});

test("sign in with a recovery code when the device is lost; each code works once", async ({ browser }) => {
  const { context, page } = await freshPage(browser, { width: 390, height: 844 });
  await startSignIn(page, instance.baseURL, person.email, person.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await page.screenshot({ path: test.info().outputPath("two-factor-phone.png"), fullPage: true });
  await page.getByLabel("Authentication code").fill(recoveryCodes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  // Where they land says how many are left; nine is plenty, so no call to make new ones. Once: not after a reload.
  await expect(recoveryNotice(page)).toHaveText("You signed in with a recovery code: 9 recovery codes are left.");
  await expect(recoveryNotice(page).getByRole("link")).toHaveCount(0);
  await noticeCleared(context);
  await page.reload();
  await expect(page.locator("main#main")).toBeVisible();
  await expect(recoveryNotice(page)).toHaveCount(0);
  await page.goto(instance.url("/profile"));
  await expect(page.getByRole("region", { name: "Two-factor authentication" }).getByText("9 of 10 left")).toBeVisible();
  await context.close();

  const again = await freshPage(browser);
  await startSignIn(again.page, instance.baseURL, person.email, person.password);
  await expect(again.page).toHaveURL(/\/login\/two-factor/);
  await again.page.getByLabel("Authentication code").fill(recoveryCodes[0]);
  await again.page.getByRole("button", { name: "Verify" }).click();
  await expect(again.page.getByLabel("Authentication code")).toHaveAccessibleDescription(/That code is not right/);
  await expect(again.page.getByText("That code is not right")).toHaveCount(1);
  await again.context.close();
});

test("after a sign-in with one of the last recovery codes, the landing page says so and links to making new ones", async ({ browser }) => {
  // Seven more used up (as seven sign-ins would), leaving codes 8 and 9.
  const database = openInstanceDatabase(instance);
  try {
    const digests = recoveryCodes.slice(1, 8).map((c) => crypto.createHash("sha256").update(`${person.id}\u0000${c.replace(/-/g, "")}`).digest("hex"));
    const used = database.prepare(`UPDATE mfa_recovery_codes SET used_at = created_at WHERE user_id = ? AND code_digest IN (${digests.map(() => "?").join(", ")})`).run(person.id, ...digests);
    expect(used.changes).toBe(7);
  } finally {
    database.close();
  }
  const { context, page } = await freshPage(browser);
  await startSignIn(page, instance.baseURL, person.email, person.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await page.getByLabel("Authentication code").fill(recoveryCodes[8]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(recoveryNotice(page)).toHaveText("You signed in with a recovery code: 1 recovery code is left. Make new recovery codes on Profile");
  await noticeCleared(context);
  await recoveryNotice(page).getByRole("link", { name: "Make new recovery codes on Profile" }).click();
  await expect(page).toHaveURL(/\/profile#two-factor-heading$/);
  await expect(page.getByRole("region", { name: "Two-factor authentication" }).getByText("1 of 10 left")).toBeVisible();
  await expect(recoveryNotice(page)).toHaveCount(0);
  await context.close();
});

test("signing out forgets a recovery-code notice not yet shown, so the next person on the browser isn't told of it", async ({ browser }) => {
  // As after a recovery sign-in that went on to an app's sign-in, so no dashboard page showed the notice yet.
  const { context, page } = await freshPage(browser);
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await context.addCookies([{ name: "latchkey.recovery-code-used", value: "1", url: instance.baseURL }]);
  await signOut(page, OWNER.name);
  await expect.poll(async () => (await context.cookies()).some((c) => c.name.endsWith("recovery-code-used"))).toBe(false);
  await context.close();
});

test("a recovery-code notice is only ever the session's that used the code, never the next person's on the browser", async ({ browser }) => {
  const { context, page } = await freshPage(browser);
  // Person A signs in with their last recovery code. Their marker outlives them: the notice's "seen" never reaches the
  // server (as when the sign-in went on to an app), and their session cookie goes without the dashboard's Sign out
  // (an app's own sign-out, a browser left signed in and signed out another way).
  await page.route("**/recovery-code-notice/seen", (route) => route.abort());
  await startSignIn(page, instance.baseURL, person.email, person.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await page.getByLabel("Authentication code").fill(recoveryCodes[9]);
  await page.getByRole("button", { name: "Verify" }).click();
  // A's own case: told, on their session.
  await expect(recoveryNotice(page)).toHaveText("You signed in with your last recovery code: none are left. Make new recovery codes on Profile");
  await context.clearCookies({ name: /session-token/ });
  expect((await context.cookies()).some((c) => c.name.endsWith("recovery-code-used"))).toBe(true);

  // Person B signs in on the same browser within the marker's minutes: their pages say nothing of it.
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await expect(page.locator("main#main")).toBeVisible();
  await expect(page.getByRole("button", { name: OWNER.name })).toBeVisible();
  await expect(recoveryNotice(page)).toHaveCount(0);
  await page.goto(instance.url("/profile"));
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
  await expect(recoveryNotice(page)).toHaveCount(0);
  await context.close();
});

test("a group that must use two-factor sends its member to set-up right after the password", async ({ browser }) => {
  const group = await api.post<{ id: string }>("/api/groups", { name: "Operators" });
  expect(group.status, group.text).toBe(200);
  const member = await personWithRole(api, "user", { name: "Mo Member", email: uniqueEmail("member"), auto_groups: [group.body.id] });

  // The owner requires it for the group in Settings → Security.
  const owner = await freshPage(browser);
  await startSignIn(owner.page, instance.baseURL, OWNER.email, OWNER.password);
  await expect(owner.page).not.toHaveURL(/\/login/);
  await owner.page.goto(instance.url("/settings/security"));
  await owner.page.getByLabel("Members of chosen groups").check();
  await owner.page.getByRole("group", { name: /Groups/ }).getByLabel("Operators").check();
  await owner.page.getByRole("button", { name: "Save" }).click();
  await expect(owner.page.getByText("Two-factor requirement saved.")).toBeVisible();
  await owner.page.reload();
  await expect(owner.page.getByLabel("Members of chosen groups")).toBeChecked();

  const { context, page } = await freshPage(browser);
  await startSignIn(page, instance.baseURL, member.email, member.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await expect(page.getByRole("heading", { name: "Set up two-factor authentication" })).toBeVisible();
  await page.goto(instance.url("/team/users"));
  await expect(page).toHaveURL(/\/login/);
  await page.goto(instance.url("/login/two-factor"));
  const memberSecret = await page.getByLabel("Secret key").inputValue();
  await page.getByLabel("Code from the app").fill(code(memberSecret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  // The sign-in card is narrow even on a laptop: each code still on one line (review 19).
  expect(await linesOfEach(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem"))).toEqual(Array(10).fill(1));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await context.close();
  groupMember = { email: member.email, password: member.password, secret: memberSecret };

  // Team → Users shows who has it, and filters by it.
  await owner.page.goto(instance.url("/team/users?mfa=on"));
  await expect(owner.page.getByRole("link", { name: "Mo Member" })).toBeVisible();
  await expect(owner.page.getByRole("link", { name: "Olive Owner" })).toBeHidden();
  await owner.context.close();
});

test("the last second factor of someone two-factor is required for says why it can't be removed (r52)", async ({ browser }) => {
  const { context, page } = await freshPage(browser, { width: 390, height: 844 });
  await startSignIn(page, instance.baseURL, groupMember.email, groupMember.password);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await page.getByLabel("Authentication code").fill(code(groupMember.secret, 1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(instance.url("/profile"));
  await untilDashboardHydrated(page);
  const section = page.getByRole("region", { name: "Two-factor authentication" });
  const remove = section.getByRole("button", { name: "Remove authenticator app" });
  // Reachable by keyboard and said to a screen reader as unavailable, with the reason as its description.
  await expect(remove).toHaveAttribute("aria-disabled", "true");
  await expect(remove).toHaveAccessibleDescription(/Two-factor sign-in is required for you \(Settings → Security\).*add another one/);
  await expect(section.getByText(/so your last second factor stays/)).toBeVisible();
  await remove.focus();
  await page.keyboard.press("Enter");
  // Playwright refuses to click an aria-disabled control; a person can, and nothing happens.
  await remove.click({ force: true });
  // Nothing opens: no password is asked for a removal that would be refused.
  await expect(section.getByLabel("Your password")).toBeHidden();
  await expect(remove).toBeFocused();
  await page.screenshot({ path: test.info().outputPath("last-factor-kept-390.png"), fullPage: true });
  // The server refuses all the same: the profile's own API has no other way, and the page's action says why.
  await context.close();
});

test("an admin resets someone's two-factor from their page", async ({ browser }) => {
  const owner = await freshPage(browser, { width: 390, height: 844 });
  await startSignIn(owner.page, instance.baseURL, OWNER.email, OWNER.password);
  await expect(owner.page).not.toHaveURL(/\/login/);
  await owner.page.goto(instance.url(`/team/users/${person.id}`));
  const factors = owner.page.getByRole("region", { name: "Two-factor authentication" });
  await expect(factors.getByText(/^On · last used/)).toBeVisible();
  // Reset opens its dialog through the page's script.
  await untilDashboardHydrated(owner.page);
  await factors.getByRole("button", { name: "Reset two-factor" }).click();
  // r52: the dialog asks the owner's own password (a stolen session can't strip someone's second factor silently).
  const dialog = owner.page.getByRole("dialog", { name: /Reset two-factor/ });
  await expect(dialog.getByLabel("Your password")).toBeFocused();
  await dialog.getByLabel("Your password").fill(person.password);
  await dialog.getByRole("button", { name: "Reset two-factor" }).click();
  // Refused at the field, and the dialog stays open to try again; nothing was reset.
  await expect(dialog.getByLabel("Your password")).toHaveAccessibleDescription(/Current password is incorrect/);
  await expect(dialog).toBeVisible();
  await owner.page.screenshot({ path: test.info().outputPath("reset-two-factor-proof-390.png") });
  await dialog.getByLabel("Your password").fill(OWNER.password);
  await dialog.getByRole("button", { name: "Reset two-factor" }).click();
  await expect(owner.page.getByText(/Two-factor sign-in reset/)).toBeVisible();
  await expect(dialog).toBeHidden();
  await owner.page.reload();
  await expect(factors.getByText("Off", { exact: true })).toBeVisible();
  await owner.context.close();

  // The password alone signs them in again.
  const { context, page } = await freshPage(browser);
  await startSignIn(page, instance.baseURL, person.email, person.password);
  await expect(page).not.toHaveURL(/\/login/);
  await context.close();
});
