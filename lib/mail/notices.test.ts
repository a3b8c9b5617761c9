import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emit } from "@/lib/data/effects";
import { resetTwoFactor } from "@/lib/mfa/admin";
import { outboxIdle } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { createSession } from "@/lib/sessions/sessions";
import { createAccessToken } from "@/lib/tokens/personal-tokens";
import { createAccount, createUser, META, startSession, updateUserRow, type TestUser } from "@/test/factories";
import { sendMailThrough } from "@/test/mail";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;
// No wait before counting mails: outboxIdle() waits for the delivery pass every commit nudged, and the test SMTP
// server keeps a message before it acknowledges it, so every mail sent is in smtp.messages by then (a fixed
// 300 ms on top let a wrongly sent mail count only if it came in time).
const to = (address: string, subject: RegExp) => (m: { to?: unknown; subject?: string }) => JSON.stringify(m.to).includes(address) && subject.test(m.subject ?? "");

async function notices(on: boolean) {
  await sendMailThrough(smtp, owner, { notice_two_factor_changed: on, notice_access_token_created: on });
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner" });
}, 60_000);
afterAll(() => smtp.stop());

// Password hashing and a real SMTP server: slow on a loaded machine.
describe("security notices", { timeout: 60_000 }, () => {
  it("mails a sign-in from a new browser, not the first one nor a known one", async () => {
    await notices(true);
    const person = await createUser(accountId);
    const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const signInWith = (userAgent: string) => writeSystem((tx) => createSession(tx, person, "password", { ip: "198.51.100.4", userAgent }));
    await signInWith(firefox);
    await signInWith(firefox.replace("128.0", "129.0"));
    await outboxIdle();
    expect(smtp.messages.filter(to(person.email, /new browser/i))).toHaveLength(0);
    await signInWith(chrome);
    await outboxIdle();
    const mail = await smtp.waitFor(to(person.email, /new browser/i));
    expect(mail.text).toContain("Chrome on Windows");
    await signInWith(chrome);
    await outboxIdle();
    expect(smtp.messages.filter(to(person.email, /new browser/i))).toHaveLength(1);
  });

  it("tells browsers apart by their device cookie: the victim's make of browser on another machine is news", async () => {
    await notices(true);
    const person = await createUser(accountId);
    const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const signIn = (device: string | null, userAgent = chrome) => writeSystem((tx) => createSession(tx, person, "password", { ip: "198.51.100.4", userAgent, device }));
    const newBrowserMails = () => smtp.messages.filter(to(person.email, /new browser/i)).length;
    // Known before device cookies existed (no cookie), then the first sign-in with one: neither is news.
    await signIn(null);
    await signIn("AAAAAAAAAAAAAAAAAAAAAA");
    // The same browser after an update.
    await signIn("AAAAAAAAAAAAAAAAAAAAAA", chrome.replace("131.0", "132.0"));
    await outboxIdle();
    expect(newBrowserMails()).toBe(0);
    // Another machine with the same make of browser (the old check saw nothing new here).
    await signIn("BBBBBBBBBBBBBBBBBBBBBB");
    await outboxIdle();
    const mail = await smtp.waitFor(to(person.email, /new browser/i));
    expect(mail.text).toContain("Chrome on Windows");
    await signIn("BBBBBBBBBBBBBBBBBBBBBB");
    await outboxIdle();
    expect(newBrowserMails()).toBe(1);
  });

  it("mails a new access token and a two-factor change, each only while the owner leaves it on", async () => {
    await notices(true);
    const person = await createUser(accountId);
    await createAccessToken(await startSession(person), person.id, { name: "laptop", expires_in: 30 }, META);
    await writeSystem((tx) => emit(tx, "user.two_factor_changed", { accountId, userId: person.id, change: "enabled" }));
    await outboxIdle();
    const token = await smtp.waitFor(to(person.email, /access token/i));
    expect(token.text).toContain('"laptop"');
    await smtp.waitFor(to(person.email, /two-factor/i));

    await notices(false);
    const quiet = await createUser(accountId);
    await createAccessToken(await startSession(quiet), quiet.id, { name: "desktop", expires_in: 30 }, META);
    await writeSystem((tx) => emit(tx, "user.two_factor_changed", { accountId, userId: quiet.id }));
    await outboxIdle();
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes(quiet.email))).toHaveLength(0);
  });

  it("mails the person when an admin resets their two-factor sign-in (the two-factor capability fires the effect)", async () => {
    await notices(true);
    const person = await createUser(accountId);
    await resetTwoFactor(await startSession(owner), person.id, META);
    await outboxIdle();
    await smtp.waitFor(to(person.email, /two-factor/i));
  });

  it("sends nothing to a person without an email address, and does not fail the change", async () => {
    await notices(true);
    const person = await createUser(accountId);
    await updateUserRow(person.id, { emailCiphertext: null, emailIndex: null });
    await expect(createAccessToken(await startSession(person), person.id, { name: "no-inbox", expires_in: 30 }, META)).resolves.toBeTruthy();
    await writeSystem((tx) => emit(tx, "user.two_factor_changed", { accountId, userId: person.id }));
  });
});
