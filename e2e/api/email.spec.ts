/**
 * Mail over the REST API with a real SMTP server: the owner's settings (the
 * SMTP password write-only, the public URL first), invites by email and
 * Resend, "Forgot password" (same answer for any email, the link works once),
 * an admin's "Send reset link", the email change confirmation, and recent
 * deliveries. Links in mail are built from the public URL, never from the
 * request's Host.
 */
import { expect, test } from "@playwright/test";
import { expectApiError, expectFieldErrors, signIn, signInOrFail } from "../support/api";
import { setUpOwner, useInstance } from "../support/instance";
import { invitee, acceptInvite, lookupInvite } from "../support/invites-api";
import { linkIn, recipientIs, startSmtpServer, type TestSmtp } from "../support/smtp";
import { choosePassword, Client, cookieClient, personWithRole, tokenClient } from "../support/users-api";

const instance = useInstance();
const PUBLIC = "https://team.example.test";
let smtp: TestSmtp;
let ownerApi: Client;

type MailSettings = { enabled: boolean; host: string | null; username: string | null; has_username: boolean; has_password: boolean; source: string; public_url: string | null };
type Delivery = { id: string; to: string; subject: string; state: string; attempts: number; last_error: string | null };

const tokenOf = (link: string) => decodeURIComponent(new URL(link).searchParams.get("token")!);

test.beforeAll(async () => {
  smtp = await startSmtpServer({ user: "mailer", pass: "smtp-pass-1" });
  const owner = await setUpOwner(instance);
  ownerApi = tokenClient(instance, owner.personal_access_token);
});

test.afterAll(async () => {
  await smtp.stop();
});

const settings = () => ({
  host: "127.0.0.1",
  port: smtp.port,
  security: "none",
  username: "mailer",
  password: "smtp-pass-1",
  from_name: "Team",
  from_address: "latchkey@example.test",
  public_url: PUBLIC,
});

test.describe.serial("mail", () => {
  test("mail is off until the owner sets a public URL, a server and a sender; the password is never returned", async () => {
    const off = await ownerApi.get<MailSettings>("/api/settings/email");
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    // Invites by email are refused while mail is off (412), and nothing is created.
    expectApiError(await ownerApi.post("/api/users/invites", { ...invitee("nomail"), send_email: true }), 412);
    const missing = await ownerApi.put("/api/settings/email", { ...settings(), public_url: "" });
    expect(expectFieldErrors(missing, "public_url").public_url[0]).toMatch(/public address/);
    const admin = await personWithRole(ownerApi, "admin");
    expectApiError(await admin.client.put("/api/settings/email", settings()), 403);
    const saved = await ownerApi.put<MailSettings>("/api/settings/email", settings());
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ enabled: true, has_password: true, source: "settings", public_url: PUBLIC });
    expect(saved.text).not.toContain("smtp-pass-1");
    // A PUT names what changes: the rest keeps its stored values (mail stays on).
    const oneField = await ownerApi.put<MailSettings>("/api/settings/email", { notice_new_browser: false });
    expect(oneField.body, oneField.text).toMatchObject({ enabled: true, host: "127.0.0.1", username: "mailer", has_password: true, notices: { new_browser: false } });
    expect((await ownerApi.put<MailSettings>("/api/settings/email", { notice_new_browser: true })).status).toBe(200);
    // The stored SMTP password isn't sent to another server: it is given again (or removed).
    expect(expectFieldErrors(await ownerApi.put("/api/settings/email", { host: "localhost" }), "password").password[0]).toMatch(/^Enter the SMTP password again/);
    // The username is the owner's to see; others learn that one is set.
    expect((await admin.client.get<MailSettings>("/api/settings/email")).body).toMatchObject({ username: null, has_username: true });
    const test1 = await ownerApi.post<{ ok: boolean; response: string }>("/api/settings/email/test", { to: "owner-inbox@example.test" });
    expect(test1.body.ok, test1.body.response).toBe(true);
    await smtp.waitFor(recipientIs("owner-inbox@example.test"));
  });

  test("an invite by email carries a link on the public URL (not the address the request came to) that creates the account", async () => {
    const person = invitee("mailed");
    const created = await call(ownerApi.post<{ email_queued?: boolean; id: string }>("/api/users/invites", { ...person, send_email: true }));
    expect(created.email_queued).toBe(true);
    const mail = await smtp.waitFor(recipientIs(person.email));
    expect(mail.subject).toMatch(/invited/i);
    // The request went to 127.0.0.1:<port>; the link is on the configured public URL only.
    expect(mail.text).not.toContain("127.0.0.1");
    const link = linkIn(mail.text, PUBLIC, "/invite");
    expect(mail.html).toContain(link.replace(/&/g, "&amp;"));
    const password = choosePassword("mailed");
    const accepted = await acceptInvite(instance, tokenOf(link), password);
    expect(accepted.status, accepted.text).toBe(200);
    await signInOrFail(instance, person.email, password);
  });

  test("Resend mails a fresh link and the old one stops working", async () => {
    const person = invitee("resent");
    const created = await call(ownerApi.post<{ id: string; invite_link: string }>("/api/users/invites", person));
    const resent = await ownerApi.post<{ email_queued?: boolean; invite_link?: string }>(`/api/users/invites/${created.id}/resend`, {});
    expect(resent.status, resent.text).toBe(200);
    expect(resent.body.email_queued).toBe(true);
    expect(resent.body.invite_link).toBeUndefined();
    const mail = await smtp.waitFor(recipientIs(person.email));
    expect((await lookupInvite(instance, tokenOf(linkIn(mail.text, PUBLIC, "/invite")))).body.valid).toBe(true);
    expect((await lookupInvite(instance, created.invite_link)).status).toBe(404);
  });

  test("forgot password: the same answer for known and unknown emails; the link works once; other sessions end", async () => {
    const member = await personWithRole(ownerApi, "user");
    const known = await call(anonymous().post<{ message: string }>("/api/password-reset", { email: member.email }));
    const unknown = await call(anonymous().post<{ message: string }>("/api/password-reset", { email: "nobody-at-all@example.test" }));
    expect(known).toEqual(unknown);
    const mail = await smtp.waitFor((m) => recipientIs(member.email)(m) && /new password/i.test(m.subject ?? ""));
    const token = tokenOf(linkIn(mail.text, PUBLIC, "/reset-password"));
    expect(token).toMatch(/^lkr_/);
    const password = choosePassword("recovered");
    const done = await anonymous().post("/api/password-reset/confirm", { token, password });
    expect(done.status, done.text).toBe(200);
    expect((await cookieClient(instance, member.cookie).get("/api/users/current")).status).toBe(401);
    await signInOrFail(instance, member.email, password);
    const again = await anonymous().post("/api/password-reset/confirm", { token, password: choosePassword("again") });
    expectApiError(again, 422);
    expect((await signIn(instance, member.email, password)).signedIn).toBe(true);
    await expect.poll(() => smtp.messages.some((m) => recipientIs(member.email)(m) && /password was changed/i.test(m.subject ?? ""))).toBe(true);
  });

  test("an admin's Send reset link mails the person a working link", async () => {
    const member = await personWithRole(ownerApi, "user");
    const sent = await ownerApi.post<{ message: string }>(`/api/users/${member.user.id}/password-reset-link`, {});
    expect(sent.status, sent.text).toBe(200);
    const mail = await smtp.waitFor((m) => recipientIs(member.email)(m) && /new password/i.test(m.subject ?? ""));
    const password = choosePassword("adminlink");
    expect((await anonymous().post("/api/password-reset/confirm", { token: tokenOf(linkIn(mail.text, PUBLIC, "/reset-password")), password })).status).toBe(200);
    await signInOrFail(instance, member.email, password);
  });

  test("review 44: Send reset link is refused past 5 to one person an hour (429, Retry-After); an admin's edit of the address tells the old one", async () => {
    const member = await personWithRole(ownerApi, "user");
    for (let i = 0; i < 5; i++) expect((await ownerApi.post(`/api/users/${member.user.id}/password-reset-link`, {})).status).toBe(200);
    const refused = await ownerApi.post(`/api/users/${member.user.id}/password-reset-link`, {});
    expectApiError(refused, 429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3000);
    const moved = `moved-${Date.now()}@example.test`;
    const edit = await ownerApi.put(`/api/users/${member.user.id}`, { role: "user", auto_groups: [], is_blocked: false, email: moved });
    expect(edit.status, edit.text).toBe(200);
    const notice = await smtp.waitFor((m) => recipientIs(member.email)(m) && /email address was changed/i.test(m.subject ?? ""));
    expect(notice.text).not.toContain(moved);
  });

  test("an email change takes effect only when the new address confirms; the old address gets a notice", async () => {
    const member = await personWithRole(ownerApi, "user");
    const newEmail = `changed-${Date.now()}@example.test`;
    // The account has a password: the request needs it (a session or token alone doesn't move the email).
    const unproved = await member.client.post("/api/users/current/email", { email: newEmail });
    expect(unproved.status, unproved.text).toBe(422);
    expect(unproved.body).toMatchObject({ errors: { current_password: ["Current password is required"] } });
    const wrong = await member.client.post("/api/users/current/email", { email: newEmail, current_password: "not the password at all 1" });
    expect(wrong.status, wrong.text).toBe(422);
    const asked = await member.client.post("/api/users/current/email", { email: newEmail, current_password: member.password });
    expect(asked.status, asked.text).toBe(200);
    expect((await member.client.get<{ email: string }>("/api/users/current")).body.email).toBe(member.email);
    await smtp.waitFor((m) => recipientIs(member.email)(m) && /being changed/i.test(m.subject ?? ""));
    const confirm = await smtp.waitFor(recipientIs(newEmail));
    const token = tokenOf(linkIn(confirm.text, PUBLIC, "/confirm-email"));
    expect((await anonymous().post("/api/email-change/confirm", { token })).status).toBe(200);
    expect((await ownerApi.get<{ email: string }>(`/api/users/${member.user.id}`)).body.email).toBe(newEmail);
    expectApiError(await anonymous().post("/api/email-change/confirm", { token }), 422);
  });

  test("recent deliveries list recipients and states, never bodies; only a failed one can be retried", async () => {
    const list = await ownerApi.get<Delivery[]>("/api/settings/email/deliveries");
    expect(list.status).toBe(200);
    expect(list.body.length).toBeGreaterThan(3);
    expect(list.body.every((d) => d.state === "sent")).toBe(true);
    expect(list.text).not.toMatch(/lkr_|lki_|lke_|token=/);
    expectApiError(await ownerApi.post(`/api/settings/email/deliveries/${list.body[0].id}/retry`, {}), 404);
  });
});

function anonymous(): Client {
  return new Client(instance, {});
}

async function call<T>(pending: Promise<{ status: number; text: string; body: T }>): Promise<T> {
  const res = await pending;
  expect(res.status, res.text).toBe(200);
  return res.body;
}
