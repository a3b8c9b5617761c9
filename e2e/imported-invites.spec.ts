/**
 * r46: an invite made by `npm run users -- import --invite-without-password` in the browser: Team → Invites names its
 * inviter as the operator (command line), on a desktop and at 390 px, and the invite page the link opens says the
 * instance's operator invited them, not a person of the team. Screenshots in test-results/ for a look.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signIn, untilDashboardHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { runNpmScript } from "./support/npm-script";
import { noteSecret } from "./support/secrets";

const KEY = crypto.randomBytes(32).toString("base64");
const instance = useInstance({ ENCRYPTION_KEY: KEY });

test("an imported invite is the operator's in Team → Invites (desktop and 390 px) and on the invite page", async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  await setUpOwner(instance);
  const file = path.join(instance.dataDir, "invite.csv");
  fs.writeFileSync(file, "email,name,role,groups\nina.imported@example.com,Ina Imported,admin,Ops\n");
  const env = { DATA_DIR: instance.dataDir, DATABASE_URL: instance.databaseUrl ?? "", ENCRYPTION_KEY: KEY };
  const run = await runNpmScript("users", ["import", file, "--invite-without-password", "--create-groups", "--apply", "--url", instance.baseURL], env);
  expect(run.code, run.output).toBe(0);
  const link = run.output.match(/line 2, ina\.imported@example\.com: (\S+\/invite\?token=lki_[0-9A-Za-z]+)/)?.[1];
  expect(link, run.output).toBeTruthy();
  noteSecret(link!.split("token=")[1]);

  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/team/users?view=invites"));
  await untilDashboardHydrated(page);
  const row = page.getByRole("row", { name: /Ina Imported/ });
  await expect(row).toContainText("Operator (command line)");
  await expect(row).toContainText("Admin");
  await expect(row).toContainText("Ops");
  await page.screenshot({ path: testInfo.outputPath("invites-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await untilDashboardHydrated(page);
  // At 390 px the middle columns (Invited by among them) scroll sideways under the sticky name and actions.
  await expect(page.getByRole("row", { name: /Ina Imported/ }).getByRole("cell").filter({ hasText: "Operator (command line)" })).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath("invites-390.png"), fullPage: true });

  const invitee = await browser.newContext();
  try {
    const their = await invitee.newPage();
    await their.goto(link!);
    await expect(their.getByText("The operator of this instance invited you to Latchkey.")).toBeVisible();
    await their.screenshot({ path: testInfo.outputPath("invite-page.png"), fullPage: true });
  } finally {
    await invitee.close();
  }
});
