/**
 * Mail as a person uses it, with a real SMTP server: the owner turns mail on
 * in Settings → Email, invites someone by email, the invitee opens the link
 * from the received message, sets a password and signs in; then forgets it
 * and recovers it with "Forgot password?", and changes it from Profile (the
 * new address confirms). Someone a recruiter invited sees "Not confirmed" and
 * confirms the address from Profile. Screenshots of the settings page
 * on a desktop and a phone.
 */
import { expect, test } from "@playwright/test";
import { signIn, submitSignIn, untilDashboardHydrated, untilHydrated } from "./support/browser";
import { OWNER, setUpOwner, useInstance } from "./support/instance";
import { acceptInvite } from "./support/invites-api";
import { linkIn, recipientIs, startSmtpServer, type TestSmtp } from "./support/smtp";
import { personWithRole, tokenClient, type Client } from "./support/users-api";

const instance = useInstance();
test.describe.configure({ mode: "serial", timeout: 180_000 });
let smtp: TestSmtp;
let ownerApi: Client;
const INVITEE = { name: "Mona Mailed", email: "mona.mailed@example.test" };
const FIRST = "mona's first passphrase, long";
const SECOND = "violet harbour kettle drum 58";

test.beforeAll(async () => {
  smtp = await startSmtpServer();
  ownerApi = tokenClient(instance, (await setUpOwner(instance)).personal_access_token);
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
  // Where mail goes changes: a session proves it's the owner (a taken cookie can't send reset links
  // elsewhere); the refusal keeps what was typed.
  await expect(page.getByText("Current password is required").first()).toBeVisible();
  await expect(page.getByLabel("Port")).toHaveValue(String(smtp.port));
  await expect(page.getByLabel("From address")).toHaveValue("latchkey@example.test");
  await page.getByLabel("Your password").fill(OWNER.password);
  await page.getByRole("button", { name: "Save email settings" }).click();
  await expect(page.getByText("Mail is on.", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Port")).toHaveValue(String(smtp.port));
  await page.getByRole("button", { name: "Send test email" }).click();
  await expect(page.getByRole("status").filter({ hasText: "The server accepted the message" })).toBeVisible();
  await smtp.waitFor(recipientIs(OWNER.email));
  // Listed where an admin checks "did my test mail go?", sent at once (not queued, so no Retry).
  const tested = page.getByRole("table", { name: "Recent deliveries" }).getByRole("row").filter({ hasText: OWNER.email });
  await expect(tested).toHaveCount(1);
  await expect(tested).toContainText("Sent");
  await expect(tested.getByRole("button", { name: /Retry/ })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("settings-email.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: test.info().outputPath("settings-email-phone.png"), fullPage: true });
});

test("an invite by email: the link in the message sets a password, then the person signs in", async ({ page, browser }) => {
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/team/users"));
  await untilDashboardHydrated(page);
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add user" });
  await dialog.getByRole("tab", { name: "Invite user" }).click();
  await dialog.getByLabel("Name", { exact: true }).fill(INVITEE.name);
  await dialog.getByLabel("Email", { exact: true }).fill(INVITEE.email);
  await expect(dialog.getByLabel("Send the invite by email")).toBeChecked();
  // The button says what it will do: with the box unticked it makes a link to hand over, ticked it sends.
  await dialog.getByLabel("Send the invite by email").uncheck();
  await expect(dialog.getByRole("button", { name: "Create invite link" })).toBeVisible();
  await dialog.getByLabel("Send the invite by email").check();
  await expect(dialog.getByRole("button", { name: "Create invite link" })).toHaveCount(0);
  await dialog.getByRole("button", { name: "Send invite", exact: true }).click();
  await expect(dialog.getByText(`The invite is on its way to ${INVITEE.email}`)).toBeVisible();

  const mail = await smtp.waitFor(recipientIs(INVITEE.email));
  const link = linkIn(mail.text, instance.baseURL, "/invite");
  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await untilHydrated(invitee.getByLabel("Password", { exact: true }));
  await invitee.getByLabel("Password", { exact: true }).fill(FIRST);
  await invitee.getByLabel("Confirm password").fill(FIRST);
  await invitee.getByRole("button", { name: "Create account" }).click();
  await expect(invitee).toHaveURL(/\/login/);
  await signIn(invitee, instance.baseURL, INVITEE.email, FIRST);
  await expect(invitee.getByRole("heading", { level: 1 })).toBeVisible();
});

test("forgot password: the link from the message sets a new password once", async ({ browser }) => {
  // Mail through a real SMTP server plus two sign-ins (argon2): over a minute on a busy machine.
  test.setTimeout(120_000);
  const page = await (await browser.newContext()).newPage();
  // A wrong password says what to do next: with mail on, "Forgot password?" (review 44); without, ask an admin
  // (e2e/activity.spec.ts). The same words for an address nobody has.
  for (const email of [INVITEE.email, "nobody.here@example.com"]) {
    await page.goto(instance.url("/login"));
    await submitSignIn(page, email, "not the password at all");
    await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password" })).toHaveText(
      "Invalid email or password. Check your email and password, or reset your password with “Forgot password?” below.",
    );
  }
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
  const password = page.getByLabel("New password", { exact: true });
  const confirm = page.getByLabel("Confirm new password");
  const submit = page.getByRole("button", { name: "Set new password" });
  // The checks below are the scripted form's (a refusal said at the field, which gets the focus): not before it.
  await untilHydrated(password);
  // Nothing typed: said at the field by the page (not the browser's bubble), which gets the focus.
  await submit.click();
  await expect(password).toHaveAccessibleDescription(/Password is required/);
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toBeFocused();
  // Too short, then two that differ: each said at its field; the passwords are emptied after a refusal.
  await password.fill("short");
  await confirm.fill("short");
  await submit.click();
  await expect(password).toHaveAccessibleDescription(/Password must be at least 8 characters/);
  await expect(password).toBeFocused();
  await expect(password).toHaveValue("");
  await password.fill(SECOND);
  await confirm.fill(`${SECOND} but different`);
  await submit.click();
  await expect(confirm).toHaveAccessibleDescription(/Passwords do not match/);
  await expect(confirm).toBeFocused();
  await password.fill(SECOND);
  await confirm.fill(SECOND);
  await submit.click();
  await expect(page.getByText("Your new password is set")).toBeVisible();
  // The sign-in form is prefilled with the address, which is not in the page's address (history).
  expect(page.url()).toBe(instance.url("/login?reset=1"));
  await expect(page.getByLabel("Email or username")).toHaveValue(INVITEE.email);
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
  await expect(again.getByLabel("New password", { exact: true })).toHaveCount(0);
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
  await page.getByRole("button", { name: "Confirm my email" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Your email is now ${NEW}` })).toBeVisible();
  await page.goto(instance.url("/profile"));
  await expect(form.getByLabel("Email", { exact: true })).toHaveValue(NEW);
});

test("an address nobody proved says \"Not confirmed\" until its owner confirms it from Profile", async ({ page, browser }) => {
  test.setTimeout(120_000);
  // A recruiter (invites:create, no user management) invites someone; the link went back to them too.
  const role = await ownerApi.post<{ id: string }>("/api/roles", { name: "Recruiter", description: "", permissions: ["invites:read", "invites:create"] });
  expect(role.status, role.text).toBe(200);
  const recruiter = await personWithRole(ownerApi, "user");
  expect((await ownerApi.put(`/api/users/${recruiter.user.id}/roles`, { role_ids: [role.body.id] })).status).toBe(200);
  const RITA = { email: "rita.recruited@example.test", password: "rita's own passphrase, long 84" };
  const invite = await recruiter.client.post<{ invite_link: string }>("/api/users/invites", { email: RITA.email, name: "Rita Recruited", role: "user" });
  expect(invite.status, invite.text).toBe(200);
  const accepted = await acceptInvite(instance, invite.body.invite_link, RITA.password);
  expect(accepted.status, accepted.text).toBe(200);

  // The owner sees it on the person's page.
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url(`/team/users/${accepted.body.user_id}`));
  await expect(page.getByText("Not confirmed")).toBeVisible();

  const person = await (await browser.newContext()).newPage();
  await signIn(person, instance.baseURL, RITA.email, RITA.password);
  await person.goto(instance.url("/profile"));
  const section = person.locator("section").filter({ has: person.getByRole("heading", { name: "Email address" }) });
  await expect(section.getByText("Not confirmed")).toBeVisible();
  await section.getByRole("button", { name: "Confirm this address" }).click();
  await expect(section.getByRole("status")).toContainText(`We sent a link to ${RITA.email}`);
  const mail = await smtp.waitFor((m) => recipientIs(RITA.email)(m) && /confirm your email address/i.test(m.subject ?? ""));
  await person.goto(linkIn(mail.text, instance.baseURL, "/confirm-email"));
  await person.getByRole("button", { name: "Confirm my email" }).click();
  await expect(person.getByRole("status").filter({ hasText: `Your email is now ${RITA.email}` })).toBeVisible();
  await person.goto(instance.url("/profile"));
  await expect(section.getByRole("button", { name: "Change email" })).toBeVisible();
  await expect(section.getByText("Not confirmed")).toHaveCount(0);
  await expect(section.getByRole("button", { name: "Confirm this address" })).toHaveCount(0);
  expect((await ownerApi.user(accepted.body.user_id)).email_verified).toBe(true);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Rita Recruited" })).toBeVisible();
  await expect(page.getByText("Not confirmed")).toHaveCount(0);
});

test("the owner sees \"Not confirmed\" in Team → Users and marks the address confirmed in Edit user; the save keeps it", async ({ page }) => {
  const made = await ownerApi.createUser({ email: "nico.unproven@example.test", name: "Nico Unproven", role: "user" });
  expect((await ownerApi.put(`/api/users/${made.id}`, { role: "user", auto_groups: [], is_blocked: false, email_verified: false })).status).toBe(200);

  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url("/team/users?search=nico.unproven"));
  const row = page.getByRole("row").filter({ hasText: "nico.unproven@example.test" });
  await expect(row.getByText("Not confirmed")).toBeVisible();

  await page.goto(instance.url(`/team/users/${made.id}`));
  const box = page.getByRole("checkbox", { name: "Email address confirmed" });
  await expect(box).not.toBeChecked();
  await box.check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Email address confirmed" })).toBeChecked();
  await expect(page.getByText("Not confirmed")).toHaveCount(0);
  expect((await ownerApi.user(made.id)).email_verified).toBe(true);

  // Unmarked elsewhere meanwhile: a rename from the open form leaves that alone.
  expect((await ownerApi.put(`/api/users/${made.id}`, { role: "user", auto_groups: [], is_blocked: false, email_verified: false })).status).toBe(200);
  await page.getByLabel("Name", { exact: true }).fill("Nico Renamed");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect.poll(async () => (await ownerApi.user(made.id)).name).toBe("Nico Renamed");
  expect((await ownerApi.user(made.id)).email_verified).toBe(false);
});

test("on their own page the owner sees their email read-only, pointing to Profile; a rename still saves (review 7)", async ({ page }) => {
  const me = await ownerApi.get<{ id: string }>("/api/users/current");
  await signIn(page, instance.baseURL, OWNER.email, OWNER.password);
  await page.goto(instance.url(`/team/users/${me.body.id}`));
  const email = page.getByLabel("Email", { exact: true });
  await expect(email).toHaveValue(OWNER.email);
  await expect(email).not.toBeEditable();
  await expect(page.getByText("Change your own email in Profile: it asks for your password and confirms the new address with a link.")).toBeVisible();
  // Renaming oneself still saves, and the address stays.
  await page.getByLabel("Name", { exact: true }).fill("Olive Renamed");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Changes saved")).toBeVisible();
  expect((await ownerApi.user(me.body.id))).toMatchObject({ name: "Olive Renamed", email: OWNER.email });
});
