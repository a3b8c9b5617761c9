/**
 * `npm run recover-owner -- --email X` on the server prints a one-time link;
 * the locked-out owner opens it, sets a new password, and signs in with it.
 * The link works once, and the recovery is in the activity log.
 */
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { signIn } from "./support/api";
import { untilHydrated } from "./support/browser";
import { openInstanceDatabase } from "./support/database";
import { OWNER, setUpOwner } from "./support/instance";
import { startServer, type Instance } from "./support/server";
import { tokenClient } from "./support/users-api";
import { runNpmScript, type ScriptRun } from "./support/npm-script";

/** The instance's key, given to the server and to the command alike. */
const RECOVERY_KEY = crypto.randomBytes(32).toString("base64");

const NEW_PASSWORD = "a recovered owner's new passphrase";

let instance: Instance;
let token: string;

test.beforeAll(async () => {
  instance = await startServer({ DATABASE_URL: "", ENCRYPTION_KEY: RECOVERY_KEY });
  token = (await setUpOwner(instance)).personal_access_token;
});

test.afterAll(async () => {
  await instance?.stop();
});

function recoverOwner(email: string): Promise<ScriptRun> {
  return runNpmScript("recover-owner", ["--email", email, "--url", instance.baseURL], { DATA_DIR: instance.dataDir, DATABASE_URL: "", ENCRYPTION_KEY: RECOVERY_KEY });
}

test("a locked-out owner gets back in through a one-time link and sets a new password", async ({ page }) => {
  test.setTimeout(300_000);
  const refused = await recoverOwner("someone-else@example.com");
  expect(refused.code, refused.output).toBe(1);
  expect(refused.output).toContain("no owner has this email");

  const issued = await recoverOwner(OWNER.email);
  expect(issued.code, issued.output).toBe(0);
  const link = new RegExp(`${instance.baseURL.replace(/[.:/]/g, "\\$&")}/recover\\?token=lko_[0-9A-Za-z]{36}`).exec(issued.output)?.[0];
  expect(link, issued.output).toBeTruthy();
  expect(issued.output).toContain("valid 15 minutes");

  await page.goto(link!);
  await expect(page.getByRole("heading", { name: "Recover the owner account" })).toBeVisible();
  const password = page.getByLabel("New password", { exact: true });
  await untilHydrated(password);
  // Nothing typed: said at the field by the page (not the browser's bubble), which gets the focus; the link stays good.
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(password).toHaveAccessibleDescription(/Password is required/);
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toBeFocused();
  await password.fill("short");
  await page.getByLabel("Confirm new password").fill("short");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(password).toHaveAccessibleDescription(/Password must be at least 8 characters/);
  await expect(password).toBeFocused();
  await expect(password).toHaveValue("");
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Confirm new password").fill("not the same at all, sorry");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByLabel("Confirm new password")).toHaveAccessibleDescription(/Passwords do not match/);
  await expect(page.getByLabel("Confirm new password")).toBeFocused();
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("Your new password is set")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  // The old password is gone, the new one works; the link is spent.
  expect((await signIn(instance, OWNER.email, OWNER.password)).signedIn).toBe(false);
  expect((await signIn(instance, OWNER.email, NEW_PASSWORD)).signedIn).toBe(true);
  await page.goto(link!);
  await expect(page.getByText("This recovery link was already used")).toBeVisible();
  await expect(page.getByLabel("New password", { exact: true })).toHaveCount(0);

  const events = await tokenClient(instance, token).get<Array<{ activity_code: string; initiator_type: string }>>(
    "/api/events?action=user.recovery_link.created,user.recovered",
  );
  expect(events.status, events.text).toBe(200);
  expect(events.body.map((e) => [e.activity_code, e.initiator_type])).toEqual([
    ["user.recovered", "user"],
    ["user.recovery_link.created", "system"],
  ]);

  // A link past its 15 minutes says so, and asks for nothing.
  const late = await recoverOwner(OWNER.email);
  expect(late.code, late.output).toBe(0);
  const lateLink = /https?:\/\/\S+\/recover\?token=lko_[0-9A-Za-z]{36}/.exec(late.output)?.[0];
  expect(lateLink, late.output).toBeTruthy();
  const database = openInstanceDatabase(instance);
  try {
    database.prepare("UPDATE owner_recovery_links SET expires_at = ? WHERE used_at IS NULL").run(Date.now() - 60_000);
  } finally {
    database.close();
  }
  await page.goto(lateLink!);
  await expect(page.getByText("This recovery link has expired")).toBeVisible();
  await expect(page.getByLabel("New password", { exact: true })).toHaveCount(0);
});
