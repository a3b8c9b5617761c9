/**
 * Review 44: the mail and its links (reset, email change, "Confirm this address"), as an attacker. Each case is
 * one attack; the ones that found something say what it was. Run on SQLite and PostgreSQL, with the test mail
 * server as the instance's (test/smtp-server.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq, like } from "drizzle-orm";
import { outboxIdle } from "@/lib/data/outbox";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { outbox, rateLimits } from "@/lib/db/schema";
import { Invalid, RateLimited } from "@/lib/errors";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { adminResetLinkLimit, emailChangeRequestDailyLimit, emailChangeRequestLimit, passwordResetEmailDailyLimit, passwordResetEmailLimit } from "@/lib/security/limits";
import { createUser, META, startSession, updateUserRow, userRow, type TestUser } from "@/test/factories";
import { sentTo, startMailInstance } from "@/test/mail";
import type { TestSmtp } from "@/test/smtp-server";
import { resetTokenIn } from "@/test/takeover";
import { updateUser } from "./lifecycle";
import { confirmEmailChange, requestEmailChange, requestEmailConfirmation } from "./email-change";
import { passwordResetRequestsIdle, requestPasswordReset, resetPasswordWithToken, sendPasswordResetLink } from "./password-reset";

const PASSWORD = "their own long passphrase 5150";
let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;

beforeAll(async () => ({ smtp, accountId, owner } = await startMailInstance()), 60_000);
afterAll(() => smtp.stop());
beforeEach(() => resetRateLimits());

const confirmTokenIn = (text: string | undefined) => /\/confirm-email\?token=(lke_[0-9A-Za-z]+)/.exec(text ?? "")?.[1];

describe("review 44: the mail and its links, as an attacker", { timeout: 60_000 }, () => {
  it("an admin's (or a script's) Send reset link in a loop: a few per person an hour, then 429 and no more mail", async () => {
    // Found: nothing bounded it. A token scoped to users:reset_password at its 600 requests a minute had the
    // organisation's mail server send one person a reset mail per request (the invite's mail had a per-address
    // budget since review 9c; this road had none).
    const victim = await createUser(accountId, { email: "reset-flood@example.net", password: PASSWORD });
    const admin = await startSession(owner);
    const allowed = adminResetLinkLimit().points;
    for (let i = 0; i < allowed; i++) await sendPasswordResetLink(admin, victim.id, META);
    await expect(sendPasswordResetLink(admin, victim.id, META)).rejects.toBeInstanceOf(RateLimited);
    await outboxIdle();
    expect(smtp.messages.filter(sentTo(victim.email))).toHaveLength(allowed);
    // Someone else's budget is their own; the person's own "Forgot password?" is not used up by the admin's.
    const other = await createUser(accountId, { password: PASSWORD });
    await sendPasswordResetLink(admin, other.id, META);
    expect((await requestPasswordReset(victim.email, META)).message).toMatch(/^If an account exists/);
    await passwordResetRequestsIdle();
    await outboxIdle();
    expect(smtp.messages.filter(sentTo(victim.email))).toHaveLength(allowed + 1);
  });

  it("strangers from many addresses asking a reset for one person all day: a few a day reach the inbox, then 429", async () => {
    // Found: the address's only budget was 3 per 15 minutes, so anyone with a fresh client address for each window
    // (a /64 each, or a few IPv4 addresses) had the instance mail one person a reset link 12 times an hour, 288 a
    // day, every day. Now also a daily budget per address; the answer stays the same for any address.
    const person = await createUser(accountId, { email: "reset-all-day@example.net", password: PASSWORD });
    const daily = passwordResetEmailDailyLimit().points;
    expect(daily).toBeLessThanOrEqual(10);
    let answered = 0;
    let refused = 0;
    // Windows of 15 minutes go by: the short window's counters are removed, as their expiry would.
    for (let window = 0; window < 8; window++) {
      for (let i = 0; i < passwordResetEmailLimit().points; i++) {
        const stranger = { ...META, ip: `198.51.100.${window * 10 + i + 1}` };
        const answer = await requestPasswordReset(person.email, stranger).catch((err: unknown) => err);
        if (answer instanceof RateLimited) refused += 1;
        else answered += 1;
      }
      await writeSystem((tx) => tx.delete(rateLimits).where(like(rateLimits.key, `${passwordResetEmailLimit().name}:%`)));
    }
    await passwordResetRequestsIdle();
    await outboxIdle();
    expect(answered).toBe(daily);
    expect(refused).toBe(8 * passwordResetEmailLimit().points - daily);
    expect(smtp.messages.filter(sentTo(person.email))).toHaveLength(daily);
    // An address nobody has is refused at the same count (the limit tells nothing about who has an account).
    let unknownAnswered = 0;
    for (let window = 0; window < 8; window++) {
      for (let i = 0; i < passwordResetEmailLimit().points; i++) {
        const answer = await requestPasswordReset("nobody-all-day@example.net", { ...META, ip: `203.0.113.${window * 10 + i + 1}` }).catch((err: unknown) => err);
        if (!(answer instanceof RateLimited)) unknownAnswered += 1;
      }
      await writeSystem((tx) => tx.delete(rateLimits).where(like(rateLimits.key, `${passwordResetEmailLimit().name}:%`)));
    }
    expect(unknownAnswered).toBe(daily);
    await passwordResetRequestsIdle();
  });

  it("a member asking email changes to an outside address all day: a few a day are mailed, then 429", async () => {
    // Found: only 5 per 15 minutes bounded it, 480 mails a day from one member's session to any address, each greeting
    // it with the member's own name (which may hold a link). Now also a daily budget per person.
    const member = await createUser(accountId, { name: "Claim it at https://prize.example" });
    const session = await startSession(member);
    const outsider = "spammed-all-day@example.org";
    const daily = emailChangeRequestDailyLimit().points;
    let mailed = 0;
    for (let window = 0; window < 4; window++) {
      for (let i = 0; i < emailChangeRequestLimit().points; i++) {
        const answer = await requestEmailChange(session, { email: outsider }, META).catch((err: unknown) => err);
        if (!(answer instanceof RateLimited)) mailed += 1;
      }
      await writeSystem((tx) => tx.delete(rateLimits).where(like(rateLimits.key, `${emailChangeRequestLimit().name}:%`)));
    }
    await outboxIdle();
    expect(mailed).toBe(daily);
    expect(smtp.messages.filter(sentTo(outsider))).toHaveLength(daily);
    // "Confirm this address" mails the account's own address, which nobody proved (it may be someone else's): the same budget.
    const unproven = await createUser(accountId, { email: "not-theirs@example.org" });
    await updateUserRow(unproven.id, { emailVerifiedAt: null });
    const theirs = await startSession(unproven);
    let confirmations = 0;
    for (let window = 0; window < 3; window++) {
      for (let i = 0; i < 5; i++) {
        const answer = await requestEmailConfirmation(theirs, META).catch((err: unknown) => err);
        if (!(answer instanceof RateLimited)) confirmations += 1;
      }
      await writeSystem((tx) => tx.delete(rateLimits).where(like(rateLimits.key, "email-confirmation:%")));
    }
    expect(confirmations).toBe(daily);
  });

  it("an email change confirmed after the account came to sign in through an identity provider: refused, address kept", async () => {
    // Found: the link was checked only against a block. The request refuses a person whose email is the provider's,
    // but a change asked for before the account was linked (by verified email) still moved the address later.
    const person = await createUser(accountId, { email: "soon-linked@example.net" });
    await requestEmailChange(await startSession(person), { email: "moved-later@example.net" }, META);
    const mail = await smtp.waitFor(sentTo("moved-later@example.net"));
    const token = confirmTokenIn(mail.text);
    expect(token).toBeTruthy();
    await updateUserRow(person.id, { idpId: "header" });
    await expect(confirmEmailChange({ token }, META)).rejects.toBeInstanceOf(Invalid);
    const row = await userRow(person.id);
    expect(row.emailIndex).not.toBeNull();
    const { openIdentity } = await import("./records");
    expect(openIdentity(row).email).toBe("soon-linked@example.net");
  });

  it("an admin moving someone's address: the old address is told, without the new one", async () => {
    // Found: a member's own change tells the current address, an admin's (or a stolen admin session's) said nothing
    // to anyone: the next "Forgot password?" went to the new address and the person never heard of it.
    const person = await createUser(accountId, { email: "was-here@example.net" });
    const admin = await startSession(owner);
    await updateUser(admin, person.id, { email: "now-there@example.net" }, META);
    const notice = await smtp.waitFor(sentTo("was-here@example.net"));
    expect(notice.subject).toMatch(/email address was changed/i);
    expect(notice.text).not.toContain("now-there@example.net");
    expect(notice.html || "").not.toContain("now-there@example.net");
    // The same mailbox in other letters has moved nowhere: no notice.
    const recased = await createUser(accountId, { email: "same-box@example.net" });
    await updateUser(admin, recased.id, { email: "Same-Box@Example.net" }, META);
    await outboxIdle();
    expect(smtp.messages.filter((m) => /same-box@example\.net/i.test(JSON.stringify(m.to)))).toHaveLength(0);
  });

  it("held: a change link superseded by a newer request moves nothing, nor does a used one", async () => {
    const person = await createUser(accountId, { email: "changes-mind@example.net" });
    const session = await startSession(person);
    await requestEmailChange(session, { email: "first-choice@example.net" }, META);
    const first = confirmTokenIn((await smtp.waitFor(sentTo("first-choice@example.net"))).text);
    await requestEmailChange(session, { email: "second-choice@example.net" }, META);
    const second = confirmTokenIn((await smtp.waitFor(sentTo("second-choice@example.net"))).text);
    await expect(confirmEmailChange({ token: first }, META)).rejects.toBeInstanceOf(Invalid);
    expect(await confirmEmailChange({ token: second }, META)).toEqual({ email: "second-choice@example.net" });
    // Used once: the same link again is refused.
    await expect(confirmEmailChange({ token: second }, META)).rejects.toBeInstanceOf(Invalid);
  });

  it("held: a reset link mailed to a local person stops working once they sign in through a provider", async () => {
    const person = await createUser(accountId, { email: "reset-then-linked@example.net", password: PASSWORD });
    await sendPasswordResetLink(await startSession(owner), person.id, META);
    const token = resetTokenIn((await smtp.waitFor(sentTo(person.email))).text);
    expect(token).toBeTruthy();
    await updateUserRow(person.id, { idpId: "header" });
    await expect(resetPasswordWithToken({ token, password: "a brand new passphrase 881" }, META)).rejects.toBeInstanceOf(Invalid);
  });

  it("held: an address with a line break, a second recipient, a display name, a look-alike letter or a direction mark is refused before any mail", async () => {
    const lookAlikes = ["victim@ex\u0430mple.net", "\uff56ictim@example.net", "victim@example.net\u200f", "\u202evictim@example.net"];
    for (const email of ["victim@example.net\r\nBcc: list@evil.example", "victim@example.net, list@evil.example", "Boss <victim@example.net>", '"a,b"@example.net', "victim@example.net\u0000", ...lookAlikes]) {
      await expect(requestPasswordReset(email, META)).rejects.toBeInstanceOf(Invalid);
    }
  });

  it("held: a reset mail rests sealed: its token, link and address are nowhere in the outbox row", async () => {
    const person = await createUser(accountId, { email: "sealed-outbox@example.net", password: PASSWORD });
    await sendPasswordResetLink(await startSession(owner), person.id, META);
    const token = resetTokenIn((await smtp.waitFor(sentTo(person.email))).text);
    expect(token).toBeTruthy();
    const rows = await db().select().from(outbox).where(eq(outbox.userId, person.id));
    expect(rows.length).toBeGreaterThan(0);
    const raw = JSON.stringify(rows);
    for (const secret of [token!, token!.slice(4), person.email, "/reset-password"]) expect(raw).not.toContain(secret);
  });
});
