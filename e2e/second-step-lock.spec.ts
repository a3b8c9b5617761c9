/**
 * r52: a person locked out of the second step (too many wrong codes: lib/mfa/code-guesses.ts, counted apart from the
 * password) shows as locked in Team → Users' list, as a password lock does, and on their page; Unlock ends it and
 * the list says so. A cap of 3 failures a day here, so three wrong codes lock.
 */
import { expect, test, type Browser } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { signIn, startSignIn, untilDashboardHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { personWithRole, tokenClient } from "./support/users-api";

const instance = useInstance({ SIGNIN_LOCKOUT_FAILURES: "3" });
test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);

const code = (base32: string, stepsAhead = 0) => TOTP.generate({ secret: Secret.fromBase32(base32), timestamp: Date.now() + stepsAhead * 30_000 });
const wrongCode = (base32: string) => {
  const right = new Set([-1, 0, 1].map((s) => code(base32, s)));
  for (let n = 0; ; n++) {
    const guess = String(n).padStart(6, "0");
    if (!right.has(guess)) return guess;
  }
};

async function freshPage(browser: Browser, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  return { context, page: await context.newPage() };
}

test("three wrong codes lock the second step: the list shows it, and Unlock ends it", async ({ browser }) => {
  const owner = await setUpOwner(instance);
  const api = tokenClient(instance, owner.personal_access_token);
  const p = await personWithRole(api, "user", { name: "Cody Codes" });

  // Cody sets up an authenticator app in Profile.
  const cody = await freshPage(browser);
  await startSignIn(cody.page, instance.baseURL, p.email, p.password);
  await expect(cody.page).not.toHaveURL(/\/login/);
  await cody.page.goto(instance.url("/profile"));
  await untilDashboardHydrated(cody.page);
  const section = cody.page.getByRole("region", { name: "Two-factor authentication" });
  await section.getByRole("button", { name: "Set up authenticator app" }).click();
  await section.getByLabel("Your password").fill(p.password);
  await section.getByRole("button", { name: "Continue" }).click();
  const secret = await section.getByLabel("Secret key").inputValue();
  await section.getByLabel("Code from the app").fill(code(secret));
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await cody.context.close();

  // Someone with Cody's password guesses at the code: three wrong, and the step is locked for the day.
  const thief = await freshPage(browser);
  await startSignIn(thief.page, instance.baseURL, p.email, p.password);
  await expect(thief.page).toHaveURL(/\/login\/two-factor/);
  for (let i = 0; i < 3; i++) {
    await thief.page.getByLabel("Authentication code").fill(wrongCode(secret));
    await thief.page.getByRole("button", { name: "Verify" }).click();
    await expect(thief.page.getByLabel("Authentication code")).toHaveAccessibleDescription(/not right|Too many/);
  }
  await thief.context.close();

  // The owner sees Cody locked in the list (a phone's width), as a password lock is shown.
  const admin = await freshPage(browser, { width: 390, height: 844 });
  await signIn(admin.page, instance.baseURL, OWNER.email, OWNER.password);
  await admin.page.goto(instance.url("/team/users"));
  const row = admin.page.getByRole("row", { name: /Cody Codes/ });
  await expect(row).toContainText("Locked");
  // At a phone's width the table scrolls sideways: the status is there, one swipe along.
  // (to the far edge: the sticky name column would cover it at the near one)
  await row.getByText("Locked", { exact: true }).evaluate((el) => el.scrollIntoView({ inline: "end", block: "center" }));
  await expect(row.getByText("Locked", { exact: true })).toBeInViewport();
  await admin.page.screenshot({ path: test.info().outputPath("users-second-step-locked-390.png"), fullPage: true });

  // Cody's page says so too, and its Unlock ends the lock.
  await admin.page.goto(instance.url(`/team/users/${p.user.id}`));
  await expect(admin.page.getByText(/Sign-in is locked after too many failed attempts/)).toBeVisible();
  await untilDashboardHydrated(admin.page);
  await admin.page.getByRole("button", { name: "Unlock", exact: true }).click();
  await admin.page.getByRole("dialog", { name: /Unlock Cody Codes/ }).getByRole("button", { name: "Unlock" }).click();
  await expect(admin.page.getByRole("region", { name: "Notifications" }).getByText(/User unlocked/)).toBeVisible();
  await admin.page.goto(instance.url("/team/users"));
  await expect(admin.page.getByRole("row", { name: /Cody Codes/ })).not.toContainText("Locked");
  await admin.context.close();

  // And Cody's right code signs in again.
  const back = await freshPage(browser);
  await startSignIn(back.page, instance.baseURL, p.email, p.password);
  await expect(back.page).toHaveURL(/\/login\/two-factor/);
  await back.page.getByLabel("Authentication code").fill(code(secret, 1));
  await back.page.getByRole("button", { name: "Verify" }).click();
  await expect(back.page).not.toHaveURL(/\/login/);
  await back.context.close();
});
