/**
 * One-time links leave the address bar and history (lib/http/link-cookie.ts): each kind of link (an invite, a
 * password reset, the owner's recovery, an email change's confirmation) opened in Chromium lands on its page
 * without the token in the address, in history or in any answer's Location; a reload still shows the form (the
 * token is in a cookie); using the link works and the cookie goes; the clean address without the cookie shows
 * the page's "invalid link" state. After a reset or an accepted invite, the sign-in page's address holds no email.
 */
import crypto from "node:crypto";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { untilHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { createInvite, invitee } from "./support/invites-api";
import { linkIn, recipientIs, startSmtpServer, type TestSmtp } from "./support/smtp";
import { personWithRole, tokenClient, type Client } from "./support/users-api";
import { runNpmScript } from "./support/npm-script";

/** The instance's key, given to the server and to `recover-owner` alike (as e2e/recover-owner.spec.ts). */
const KEY = crypto.randomBytes(32).toString("base64");
const instance = useInstance({ DATABASE_URL: "", ENCRYPTION_KEY: KEY });
test.describe.configure({ mode: "serial", timeout: 180_000 });

let smtp: TestSmtp;
let ownerApi: Client;
const NEW_PASSWORD = "a linked person's new passphrase 71";

test.beforeAll(async () => {
  smtp = await startSmtpServer();
  ownerApi = tokenClient(instance, (await setUpOwner(instance)).personal_access_token);
  const saved = await ownerApi.put("/api/settings/email", {
    host: "127.0.0.1",
    port: smtp.port,
    security: "none",
    from_name: "Team",
    from_address: "latchkey@example.test",
    public_url: instance.baseURL,
  });
  expect(saved.status, saved.text).toBe(200);
});

test.afterAll(async () => {
  await smtp?.stop();
});

const tokenOf = (link: string) => decodeURIComponent(new URL(link).searchParams.get("token")!);

/** Everything the page's navigations showed: the addresses it went to, every answer's Location, and the same-origin documents and RSC payloads. */
function watch(page: Page) {
  const urls: string[] = [];
  const locations: string[] = [];
  const bodies: Promise<string>[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  page.on("response", (response) => {
    const location = response.headers()["location"];
    if (location) locations.push(location);
    const type = response.headers()["content-type"] ?? "";
    if (response.url().startsWith(instance.baseURL) && /text\/html|text\/x-component/.test(type)) bodies.push(response.text().catch(() => ""));
  });
  return { urls, locations, bodies };
}

async function linkCookie(context: BrowserContext, kind: string) {
  return (await context.cookies(instance.baseURL + "/")).concat(await context.cookies(instance.url(`/${kind}`))).find((c) => c.name.endsWith(`latchkey-link-${cookieKind(kind)}`));
}

const cookieKind = (pagePath: string) => ({ invite: "invite", "reset-password": "reset", recover: "recover", "confirm-email": "confirmEmail" })[pagePath]!;

/**
 * Opens a link in a page that was on another address before: the address (now and in history) is the page's clean path,
 * no answer's Location and no document or RSC payload carried the token, the cookie is HttpOnly, SameSite=Lax,
 * scoped to the page and lives at most `maxAgeSeconds`; a reload shows the same page.
 */
async function openLink(page: Page, link: string, pagePath: string, ready: () => Promise<void>, maxAgeSeconds = 30 * 60) {
  const token = tokenOf(link);
  const clean = instance.url(`/${pagePath}`);
  // A plain file before (no script on it moves history along).
  const before_ = instance.url("/icon.svg");
  await page.goto(before_);
  const seen = watch(page);
  const before = await page.evaluate(() => history.length);
  const opened = Date.now() / 1000;
  await page.goto(link);
  await ready();
  expect(page.url()).toBe(clean);
  expect(await page.evaluate(() => location.href)).toBe(clean);
  // One history entry more, and it is the clean address: Back is the page before, Forward the clean page again.
  expect(await page.evaluate(() => history.length)).toBe(before + 1);
  await page.goBack();
  await expect(page).toHaveURL(before_);
  await page.goForward();
  await expect(page).toHaveURL(clean);
  await ready();
  await page.reload();
  await ready();
  expect(page.url()).toBe(clean);
  expect(seen.urls.length).toBeGreaterThan(0);
  for (const url of seen.urls) expect(url).not.toContain(token);
  expect(seen.locations).toEqual([`/${pagePath}`]);
  for (const body of await Promise.all(seen.bodies)) expect(body).not.toContain(token);
  expect(await page.content()).not.toContain(token);
  const cookie = await linkCookie(page.context(), pagePath);
  expect(cookie).toMatchObject({ name: `latchkey-link-${cookieKind(pagePath)}`, value: token, httpOnly: true, sameSite: "Lax", path: `/${pagePath}` });
  expect(cookie!.expires - opened).toBeLessThanOrEqual(maxAgeSeconds + 5);
  expect(cookie!.expires - opened).toBeGreaterThan(maxAgeSeconds - 60);
  // Not readable from the page's scripts.
  expect(await page.evaluate(() => document.cookie)).not.toContain(token);
}

async function expectNoLinkCookie(context: BrowserContext, pagePath: string) {
  await expect.poll(async () => (await linkCookie(context, pagePath))?.value ?? null).toBeNull();
}

/**
 * The clean address in a browser that holds no link shows the page's "invalid link" state, not an error, and says
 * why a link opened earlier may be gone from this browser (components/auth/unusable-link-note.tsx).
 */
async function cleanWithoutCookie(context: BrowserContext, pagePath: string, invalid: RegExp) {
  const page = await context.newPage();
  const response = await page.goto(instance.url(`/${pagePath}`));
  expect(response?.status()).toBe(200);
  await expect(page.getByText(invalid)).toBeVisible();
  await expect(page.getByText(/This browser keeps an opened link for (30|15) minutes only/)).toBeVisible();
  await page.close();
}

test("an invite link: the token leaves the address; a newer invite replaces it; accepting signs in with no email in the address", async ({ browser }) => {
  const first = await createInvite(ownerApi, invitee("link-first"));
  const second = await createInvite(ownerApi, invitee("link-second"));
  const context = await browser.newContext();
  const page = await context.newPage();
  const linkOf = (token: string) => instance.url(`/invite?token=${token}`);
  const form = () => expect(page.getByRole("button", { name: /create account/i })).toBeVisible();
  await openLink(page, linkOf(first.invite_link), "invite", form);
  await expect(page.getByText(first.name)).toBeVisible();
  // A second invite opened later wins.
  await openLink(page, linkOf(second.invite_link), "invite", form);
  await expect(page.getByText(second.name)).toBeVisible();
  await expect(page.getByText(first.name)).toHaveCount(0);
  await untilHydrated(page.getByLabel("Password", { exact: true }));
  await page.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Confirm password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: /create account/i }).click();
  await expect(page).toHaveURL(instance.url("/login?invited=1"));
  await expect(page.getByLabel("Email or username")).toHaveValue(second.email);
  await expectNoLinkCookie(context, "invite");
  // The used link, opened again: its page says so, and the browser forgets it again.
  await page.goto(linkOf(second.invite_link));
  expect(page.url()).toBe(instance.url("/invite"));
  await expect(page.getByText("This invite link has already been used")).toBeVisible();
  await expectNoLinkCookie(context, "invite");
  // A token of the wrong shape takes the held link away: the clean page says the link is unusable.
  await openLink(page, linkOf(first.invite_link), "invite", form);
  await page.goto(instance.url(`/invite?token=${"A".repeat(300)}`));
  expect(page.url()).toBe(instance.url("/invite"));
  await expect(page.getByText("This invite link is not valid")).toBeVisible();
  await expect(page.getByRole("button", { name: /create account/i })).toHaveCount(0);
  await expectNoLinkCookie(context, "invite");
  await cleanWithoutCookie(await browser.newContext(), "invite", /This invite link is not valid/);
  await context.close();
});

/**
 * Back and Forward through the sign-in page. A link opened from /login, then Back to it, then Forward: the link page
 * again. /login runs a server action as it loads (the passkey autofill's options, which sets a cookie: Next.js renders
 * the page again), and it must add no history entry (that would drop the entries ahead, and Forward would go nowhere).
 * Checked by the address and history.length, not by page.goForward()'s answer: Playwright answers null when that
 * action is in flight as Forward is pressed, though the browser goes forward.
 */
test("Back to /login and Forward to a link page: the sign-in page adds no history entry", async ({ browser }) => {
  const invite = await createInvite(ownerApi, invitee("link-forward"));
  const context = await browser.newContext();
  const page = await context.newPage();
  const login = instance.url("/login");
  const optionsAsked = () => page.waitForResponse((r) => r.url() === login && r.request().method() === "POST");
  let asked = optionsAsked();
  await page.goto(login);
  await asked;
  const before = await page.evaluate(() => history.length);
  await page.goto(instance.url(`/invite?token=${invite.invite_link}`));
  const form = () => expect(page.getByRole("button", { name: /create account/i })).toBeVisible();
  await form();
  expect(await page.evaluate(() => history.length)).toBe(before + 1);
  asked = optionsAsked();
  await page.goBack();
  await expect(page).toHaveURL(login);
  await asked;
  expect(await page.evaluate(() => history.length)).toBe(before + 1);
  await page.goForward();
  await expect(page).toHaveURL(instance.url("/invite"));
  await form();
  expect(await page.evaluate(() => history.length)).toBe(before + 1);
  // Forward pressed while /login's action is still under way goes forward too.
  await page.goBack();
  await expect(page).toHaveURL(login);
  await page.goForward();
  await expect(page).toHaveURL(instance.url("/invite"));
  await form();
  await context.close();
});

test("a password reset link: the token leaves the address; the new password is set; the sign-in page's address holds no email", async ({ browser }) => {
  const member = await personWithRole(ownerApi, "user");
  const asked = await fetch(instance.url("/api/password-reset"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: member.email }) });
  expect(asked.status).toBe(200);
  const mail = await smtp.waitFor((m) => recipientIs(member.email)(m) && /new password/i.test(m.subject ?? ""));
  const link = linkIn(mail.text, instance.baseURL, "/reset-password");
  const context = await browser.newContext();
  const page = await context.newPage();
  await openLink(page, link, "reset-password", () => expect(page.getByRole("button", { name: "Set new password" })).toBeVisible());
  await untilHydrated(page.getByLabel("New password", { exact: true }));
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("Your new password is set")).toBeVisible();
  expect(page.url()).toBe(instance.url("/login?reset=1"));
  await expect(page.getByLabel("Email or username")).toHaveValue(member.email);
  await expectNoLinkCookie(context, "reset-password");
  // The spent link, from the mail again: "invalid", and the browser forgets it.
  await page.goto(link);
  expect(page.url()).toBe(instance.url("/reset-password"));
  await expect(page.getByText("This link is invalid, used or expired")).toBeVisible();
  await expectNoLinkCookie(context, "reset-password");
  await cleanWithoutCookie(context, "reset-password", /This link is invalid, used or expired/);
  await context.close();
});

test("an email change's link: the token leaves the address; confirming works and the browser forgets the link", async ({ browser }) => {
  const member = await personWithRole(ownerApi, "user");
  const newEmail = `linked-${Date.now()}@example.test`;
  const asked = await member.client.post("/api/users/current/email", { email: newEmail, current_password: member.password });
  expect(asked.status, asked.text).toBe(200);
  const mail = await smtp.waitFor(recipientIs(newEmail));
  const link = linkIn(mail.text, instance.baseURL, "/confirm-email");
  const context = await browser.newContext();
  const page = await context.newPage();
  await openLink(page, link, "confirm-email", () => expect(page.getByRole("button", { name: "Confirm my email" })).toBeVisible());
  await page.getByRole("button", { name: "Confirm my email" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Your email is now ${newEmail}` })).toBeVisible();
  await expectNoLinkCookie(context, "confirm-email");
  await page.reload();
  await expect(page.getByText("This link is invalid, used or expired")).toBeVisible();
  await cleanWithoutCookie(await browser.newContext(), "confirm-email", /This link is invalid, used or expired/);
  await context.close();
});

async function recoverOwner(): Promise<string> {
  return (await runNpmScript("recover-owner", ["--email", OWNER.email, "--url", instance.baseURL], { DATA_DIR: instance.dataDir, DATABASE_URL: "", ENCRYPTION_KEY: KEY })).output;
}

// Last: the recovery ends the owner's sessions and access tokens (ownerApi).
test("the owner's recovery link: the token leaves the address; the success shows in place and the browser forgets the link", async ({ browser }) => {
  const output = await recoverOwner();
  const link = /https?:\/\/\S+\/recover\?token=lko_[0-9A-Za-z]{36}/.exec(output)?.[0];
  expect(link, output).toBeTruthy();
  const context = await browser.newContext();
  const page = await context.newPage();
  await openLink(page, link!, "recover", () => expect(page.getByRole("heading", { name: "Recover the owner account" })).toBeVisible(), 15 * 60);
  await untilHydrated(page.getByLabel("New password", { exact: true }));
  await page.getByLabel("New password", { exact: true }).fill(`${NEW_PASSWORD} for the owner`);
  await page.getByLabel("Confirm new password").fill(`${NEW_PASSWORD} for the owner`);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("Your new password is set")).toBeVisible();
  expect(page.url()).toBe(instance.url("/recover"));
  await expectNoLinkCookie(context, "recover");
  await page.reload();
  await expect(page.getByText("This recovery link is not valid")).toBeVisible();
  await context.close();
});
