/**
 * Mail as a person uses it, with a real SMTP server: the owner turns mail on
 * in Settings → Email, invites someone by email, the invitee opens the link
 * from the received message, sets a password and signs in; then forgets it
 * and recovers it with "Forgot password?", and changes it from Profile (the
 * new address confirms). Screenshots of the settings page
 * on a desktop and a phone.
 */
import { expect, test } from "@playwright/test";
import { signIn } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { linkIn, recipientIs, startSmtpServer, type TestSmtp } from "./support/smtp";

const instance = useInstance();
test.describe.configure({ mode: "serial", timeout: 180_000 });
let smtp: TestSmtp;
const INVITEE = { name: "Mona Mailed", email: "mona.mailed@example.test" };
const FIRST = "mona's first passphrase, long";
const SECOND = "violet harbour kettle drum 58";

test.beforeAll(async () => {
  smtp = await startSmtpServer();
  await setUpOwner(instance);
});
test.afterAll(async () => {
  await smtp.stop();
});

test("the owner turns mail on in Settings → Email and sends a test message", async ({ page }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/settings/email"));
  await expect(page.getByText("Mail is off")).toBeVisible();
  await page.getByLabel("SMTP host").fill("127.0.0.1");
  await page.getByRole("button", { name: "Save email settings" }).click();
  // Refused: no public URL or sender yet; what was typed stays.
  await expect(page.getByText("Set the public address first")).toBeVisible();
  await expect(page.getByLabel("SMTP host")).toHaveValue("127.0.0.1");
  await page.getByLabel("Public URL").fill(instance.baseURL);
  await page.getByLabel("Port").fill(String(smtp.port));
  await page.getByLabel("Security", { exact: true }).selectOption("none");
  await page.getByLabel("From address").fill("latchkey@example.test");
  await page.getByRole("button", { name: "Save email settings" }).click();
  await expect(page.getByText("Mail is on.", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Port")).toHaveValue(String(smtp.port));
  await page.getByRole("button", { name: "Send test email" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The server accepted the message" })).toBeVisible();
  await smtp.waitFor(recipientIs(OWNER.email));
  await page.screenshot({ path: test.info().outputPath("settings-email.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("settings-email-phone.png"), fullPage: true });
});

test("an invite by email: the link in the message sets a password, then the person signs in", async ({ page, browser }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/team/users"));
  await page.getByRole("button", { name: "Add User" }).click();
  const dialog = page.getByRole("dialog", { name: "Add User" });
  await dialog.getByRole("tab", { name: "Invite User" }).click();
  await dialog.getByLabel("Name", { exact: true }).fill(INVITEE.name);
  await dialog.getByLabel("Email", { exact: true }).fill(INVITEE.email);
  await expect(dialog.getByLabel("Send the invite by email")).toBeChecked();
  await dialog.getByRole("button", { name: "Create Invite Link" }).click();
  await expect(dialog.getByText(`The invite is on its way to ${INVITEE.email}`)).toBeVisible();

  const mail = await smtp.waitFor(recipientIs(INVITEE.email));
  const link = linkIn(mail.text, instance.baseURL, "/invite");
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await invitee.getByLabel("Password", { exact: true }).fill(FIRST);
  await invitee.getByLabel("Confirm password").fill(FIRST);
  await invitee.getByRole("button", { name: "Create Account" }).click();
  await expect(invitee).toHaveURL(/\/login/);
  await signIn(invitee, instance.baseURL, INVITEE.email, FIRST);
  await expect(invitee.getByRole("heading", { level: 1 })).toBeVisible();
});

test("forgot password: the link from the message sets a new password once", async ({ browser }) => {
  // Mail through a real SMTP server plus two sign-ins (argon2): over a minute on a busy machine.
  test.setTimeout(120_000);
  const page = await (await browser.newContext()).newPage();
  await page.goto(instance.url("/login"));
  await page.getByRole("link", { name: "Forgot password?" }).click();
  // The sign-in page has an email field too: fill only once the link's page is there.
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await page.getByLabel("Email", { exact: true }).fill(INVITEE.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status").filter({ hasText: "If an account exists for that email" })).toBeVisible();
  const mail = await smtp.waitFor((m) => recipientIs(INVITEE.email)(m) && /new password/i.test(m.subject ?? ""));
  const link = linkIn(mail.text, instance.baseURL, "/reset-password");
  await page.goto(link);
  await page.getByLabel("New password", { exact: true }).fill(SECOND);
  await page.getByLabel("Confirm new password").fill(SECOND);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("Your new password is set")).toBeVisible();
  await signIn(page, instance.baseURL, INVITEE.email, SECOND);
  // This browser is not the one the invite was accepted in (its device cookie differs, the make doesn't): a notice.
  const device = (await page.context().cookies()).find((c) => c.name === "latchkey-device");
  expect(device?.httpOnly).toBe(true);
  const notice = await smtp.waitFor((m) => recipientIs(INVITEE.email)(m) && /new browser/i.test(m.subject ?? ""));
  expect(notice.text).not.toContain(device!.value);
  // The link was used up.
  const again = await (await browser.newContext()).newPage();
  await again.goto(link);
  await expect(again.getByText("This link is invalid, used or expired")).toBeVisible();
});

test("an email change from Profile takes effect when the new address confirms; the old one gets a notice", async ({ browser }) => {
  test.setTimeout(120_000);
  const NEW = "mona.moved@example.test";
  const page = await (await browser.newContext()).newPage();
  await signIn(page, instance.baseURL, INVITEE.email, SECOND);
  await page.goto(instance.url("/profile"));
  const form = page.locator("form").filter({ has: page.getByRole("button", { name: "Change email" }) });
  await form.getByLabel("Email", { exact: true }).fill(NEW);
  // A wrong current password keeps the new address typed and says so at the field.
  await form.getByLabel("Current password").fill("not my password at all 7");
  await form.getByRole("button", { name: "Change email" }).click();
  await expect(form.getByText("Current password is incorrect").first()).toBeVisible();
  await expect(form.getByLabel("Email", { exact: true })).toHaveValue(NEW);
  await form.getByLabel("Current password").fill(SECOND);
  await form.getByRole("button", { name: "Change email" }).click();
  await expect(form.getByRole("status")).toContainText(`We sent a link to ${NEW}`);
  const notice = await smtp.waitFor((m) => recipientIs(INVITEE.email)(m) && /being changed/i.test(m.subject ?? ""));
  expect(notice.text).not.toContain("/confirm-email");
  const mail = await smtp.waitFor((m) => recipientIs(NEW)(m) && /confirm your new email/i.test(m.subject ?? ""));
  // Until the link is used, the old address is still the one.
  await page.reload();
  await expect(form.getByLabel("Email", { exact: true })).toHaveValue(INVITEE.email);
  await page.goto(linkIn(mail.text, instance.baseURL, "/confirm-email"));
  await page.getByRole("button", { name: "Confirm my new email" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Your email is now ${NEW}` })).toBeVisible();
  await page.goto(instance.url("/profile"));
  await expect(form.getByLabel("Email", { exact: true })).toHaveValue(NEW);
});
