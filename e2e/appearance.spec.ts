/**
 * Settings → Appearance in the browser: the owner names the instance and
 * uploads a small PNG made here, sees the preview and what the server holds;
 * the sign-in page in a fresh browser shows the name and the logo, and the tab
 * title carries the name. axe-clean in both themes; screenshots at desktop and
 * 390 px of the settings page and the sign-in page.
 */
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import { expect, test } from "@playwright/test";
import { untilDashboardHydrated } from "./support/browser";
import { setUpOwner, useInstance } from "./support/instance";
import { solidPng } from "./support/png";
import { ownerPage } from "./support/dashboard";
import { expectAxeClean } from "./support/axe";

const instance = useInstance();
test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

const SHOTS = process.env.APPEARANCE_SCREENSHOTS ?? path.join(os.tmpdir(), "wt-appear-shots");

test.beforeAll(async () => {
  await setUpOwner(instance);
  fs.mkdirSync(SHOTS, { recursive: true });
});

test("the owner names the instance and uploads a logo; the sign-in page shows them to everyone", async ({ browser }) => {
  const { context, page } = await ownerPage(browser, instance);
  await page.goto(instance.url("/settings/appearance"));
  await expect(page.getByRole("link", { name: "Appearance" })).toHaveAttribute("aria-current", "page");

  // The limit is said beside the field; too long a name (pasted, say) is not cut short without a word, but
  // kept as typed and refused at the field.
  const name = page.getByLabel("Instance name");
  await expect(name).toHaveAccessibleDescription(/Up to 60 characters/);
  await name.fill("A".repeat(61));
  await expect(name).toHaveValue("A".repeat(61));
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(name).toHaveAccessibleDescription(/^Name must be at most 60 characters/);
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toBeFocused();
  await expect(name).toHaveValue("A".repeat(61));
  await expect(page.getByText("Name must be at most 60 characters")).toHaveCount(1);

  await name.fill("  Acme Team  ");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByText("Name saved.")).toBeVisible();
  await expect(name).toHaveValue("Acme Team");
  await expect(page).toHaveTitle("Appearance · Settings · Acme Team");
  // Every page's title ends in the name, a record's page too (a group's and the applications' said "Latchkey").
  await page.goto(instance.url("/settings/applications"));
  await expect(page).toHaveTitle("Applications · Settings · Acme Team");
  await page.goto(instance.url("/team/groups"));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Create group" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("Night shift");
  await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name: "Night shift" }).click();
  await expect(page).toHaveTitle("Night shift · Groups · Acme Team");
  await page.goto(instance.url("/settings/appearance"));
  await untilDashboardHydrated(page);

  // A file that isn't a picture: the field says so.
  await page.getByLabel("Logo file").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: Buffer.from("<html><script>alert(1)</script></html>") });
  await page.getByRole("button", { name: "Upload logo" }).click();
  await expect(page.getByText("Choose a PNG, JPEG or WebP picture.")).toBeVisible();

  await page.getByLabel("Logo file").setInputFiles({ name: "acme.png", mimeType: "image/png", buffer: solidPng(96, 32, [79, 70, 229]) });
  await expect(page.getByRole("img", { name: "Preview of the chosen picture" })).toBeVisible();
  await page.getByRole("button", { name: "Upload logo" }).click();
  await expect(page.getByText("Logo saved.")).toBeVisible();
  const current = page.getByRole("img", { name: "Current logo" });
  await expect(current).toBeVisible();
  // Visible comes before decoded: wait for the picture itself (a broken one stays at 0).
  await expect.poll(() => current.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : -1))).toBe(96);

  for (const theme of ["light", "dark"] as const) {
    await context.addCookies([{ name: "theme", value: theme, url: instance.baseURL }]);
    await page.reload();
    await expectAxeClean(page, { what: `settings/appearance (${theme})`, settle: true, soft: true });
  }
  await context.addCookies([{ name: "theme", value: "light", url: instance.baseURL }]);
  await page.reload();
  await page.screenshot({ path: path.join(SHOTS, "appearance-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(SHOTS, "appearance-390.png"), fullPage: true });
  await context.close();

  // Someone who isn't signed in, in a fresh browser.
  for (const theme of ["light", "dark"] as const) {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await fresh.addCookies([{ name: "theme", value: theme, url: instance.baseURL }]);
    const visitor = await fresh.newPage();
    await visitor.goto(instance.url("/login"));
    await expect(visitor.getByText("Acme Team", { exact: true })).toBeVisible();
    const logo = visitor.getByTestId("instance-logo");
    await expect(logo).toBeVisible();
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : -1))).toBe(96);
    await expect(visitor).toHaveTitle(/Acme Team$/);
    await expectAxeClean(visitor, { what: `login (${theme})`, settle: true, soft: true });
    if (theme === "light") {
      await visitor.screenshot({ path: path.join(SHOTS, "login-desktop.png"), fullPage: true });
      await visitor.setViewportSize({ width: 390, height: 844 });
      await visitor.screenshot({ path: path.join(SHOTS, "login-390.png"), fullPage: true });
    }
    await fresh.close();
  }
});
