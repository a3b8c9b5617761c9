import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { verifyPassword } from "@/lib/crypto/passwords";
import { outboxIdle } from "@/lib/data/outbox";
import { Invalid, PreconditionFailed, RateLimited } from "@/lib/errors";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createSession, resolveSession } from "@/lib/sessions/sessions";
import { writeSystem } from "@/lib/data/unit-of-work";
import { newDeviceId } from "@/lib/http/device-cookie";
import { createAccount, createUser, META, startSession, updateUserRow, userRow, type TestUser } from "@/test/factories";
import { sendMailThrough } from "@/test/mail";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";
import { resetTokenIn } from "@/test/takeover";
import { FORGOT_PASSWORD_ANSWER, passwordResetRequestsIdle, requestPasswordReset, resetPasswordWithToken, sendPasswordResetLink } from "./password-reset";

// The email lookup, passed through; a test holds it to show the answer doesn't wait for it.
const emailLookup = vi.hoisted(() => ({ held: Promise.resolve() }));
vi.mock("./records", async (importOriginal) => {
  const records = await importOriginal<typeof import("./records")>();
  const findUserRowsByEmail: typeof records.findUserRowsByEmail = async (...args) => {
    await emailLookup.held;
    return records.findUserRowsByEmail(...args);
  };
  return { ...records, findUserRowsByEmail };
});

// The device check, passed through and counted: a limited address asks it whether or not the email is someone's.
const deviceChecks = vi.hoisted(() => ({ count: 0 }));
vi.mock("@/lib/mail/reactions", async (importOriginal) => {
  const reactions = await importOriginal<typeof import("@/lib/mail/reactions")>();
  const isKnownDeviceOf: typeof reactions.isKnownDeviceOf = async (...args) => {
    deviceChecks.count += 1;
    return reactions.isKnownDeviceOf(...args);
  };
  return { ...reactions, isKnownDeviceOf };
});

const NEW = "a completely fresh passphrase 77";
let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;

const mailTo = (address: string, subject: RegExp) => smtp.waitFor((m) => JSON.stringify(m.to).includes(address) && subject.test(m.subject ?? ""));

beforeAll(async () => {
  smtp = await startSmtpServer();
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner", password: "the owner's own passphrase" });
  await sendMailThrough(smtp, owner, { current_password: "the owner's own passphrase" });
}, 60_000);

afterAll(() => smtp.stop());

beforeEach(async () => {
  await resetRateLimits();
});

async function requestAndReadLink(user: TestUser): Promise<string> {
  const before = smtp.messages.length;
  expect((await requestPasswordReset(user.email, META)).message).toBe(FORGOT_PASSWORD_ANSWER);
  await passwordResetRequestsIdle();
  await outboxIdle();
  const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && JSON.stringify(m.to).includes(user.email) && /new password/i.test(m.subject ?? ""));
  expect(mail.text).toContain("https://team.example.com/reset-password?token=");
  expect(mail.html).toContain("https://team.example.com/reset-password?token=");
  return resetTokenIn(mail.text)!;
}

// Password hashing and a real SMTP server: slow on a loaded machine.
describe("forgot password", { timeout: 60_000 }, () => {
  it("gives the same answer for a known and an unknown email before looking it up, and mails only the known one", async () => {
    const known = await createUser(accountId, { password: "an old passphrase here" });
    // Whether an email is known is learnt by its lookup: the answer (and so its time) must not wait for it. The
    // lookup is held until the answer is in; comparing the answers' times compared the OS scheduler's noise.
    const answerWithLookupHeld = async (email: string) => {
      await passwordResetRequestsIdle();
      await outboxIdle();
      let release!: () => void;
      emailLookup.held = new Promise((resolve) => (release = resolve));
      let giveUp: NodeJS.Timeout | undefined;
      try {
        const started = performance.now();
        const answer = await Promise.race([
          requestPasswordReset(email, META),
          new Promise((resolve) => (giveUp = setTimeout(resolve, 15_000, "no answer in 15 s while the email's lookup was held"))),
        ]);
        return { answer, ms: performance.now() - started };
      } finally {
        clearTimeout(giveUp);
        release();
        emailLookup.held = Promise.resolve();
      }
    };
    const answers = [await answerWithLookupHeld(known.email), await answerWithLookupHeld("nobody-here@example.com")];
    expect(answers.map((a) => a.answer)).toEqual([{ message: FORGOT_PASSWORD_ANSWER }, { message: FORGOT_PASSWORD_ANSWER }]);
    // Every answer comes after the same fixed wait (a lower bound: a loaded machine only lengthens it).
    for (const { ms } of answers) expect(ms).toBeGreaterThanOrEqual(240);
    await passwordResetRequestsIdle();
    await outboxIdle();
    await mailTo(known.email, /new password/i);
    expect(smtp.messages.some((m) => JSON.stringify(m.to).includes("nobody-here"))).toBe(false);
  });

  it("sets the password once with the link, ends every session, and sends the 'password changed' notice", async () => {
    const person = await createUser(accountId, { password: "an old passphrase here" });
    const session = await startSession(person);
    const token = await requestAndReadLink(person);
    await resetPasswordWithToken({ token, password: NEW }, META);
    expect(await verifyPassword((await userRow(person.id))!.passwordHash!, NEW)).toBe(true);
    expect(await resolveSession(session.sessionId)).toBeNull();
    const again = await resetPasswordWithToken({ token, password: "yet another passphrase 99" }, META).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Invalid);
    expect(await verifyPassword((await userRow(person.id))!.passwordHash!, NEW)).toBe(true);
    await outboxIdle();
    await mailTo(person.email, /password was changed/i);
  });

  it("refuses an expired link, a malformed one, a weak password, and a link of a user blocked since", async () => {
    const person = await createUser(accountId, { password: "an old passphrase here" });
    const token = await requestAndReadLink(person);
    await expect(resetPasswordWithToken({ token, password: NEW }, META, new Date(Date.now() + 31 * 60_000))).rejects.toBeInstanceOf(Invalid);
    await expect(resetPasswordWithToken({ token: "lkr_nonsense", password: NEW }, META)).rejects.toBeInstanceOf(Invalid);
    const weak = await resetPasswordWithToken({ token, password: "password" }, META).catch((e: unknown) => e);
    expect((weak as Invalid).fieldErrors.password).toBeTruthy();
    await updateUserRow(person.id, { isBlocked: true });
    await expect(resetPasswordWithToken({ token, password: NEW }, META)).rejects.toBeInstanceOf(Invalid);
    expect(await verifyPassword((await userRow(person.id))!.passwordHash!, "an old passphrase here")).toBe(true);
  });

  it("tells a person of an external provider where to change it, with no link", async () => {
    const external = await createUser(accountId, {});
    await updateUserRow(external.id, { idpId: "some-provider" });
    await requestPasswordReset(external.email, META);
    await passwordResetRequestsIdle();
    await outboxIdle();
    const mail = await mailTo(external.email, /about your password/i);
    expect(resetTokenIn(mail.text)).toBeUndefined();
    expect(mail.text).toMatch(/identity provider or directory/);
  });

  it("is throttled per email", async () => {
    const person = await createUser(accountId, { password: "an old passphrase here" });
    for (let i = 0; i < 3; i++) await requestPasswordReset(person.email, META);
    await expect(requestPasswordReset(person.email, META)).rejects.toBeInstanceOf(RateLimited);
    await passwordResetRequestsIdle();
  });

  it("once an address's requests are used up, asks a browser's device cookie the same queries for a known and an unknown email", async () => {
    const person = await createUser(accountId, { password: "an old passphrase here" });
    const checksFor = async (email: string) => {
      const stranger = { ...META, ip: "198.51.100.10", device: newDeviceId() };
      for (let i = 0; i < 3; i++) await requestPasswordReset(email, stranger);
      const before = deviceChecks.count;
      await expect(requestPasswordReset(email, stranger)).rejects.toBeInstanceOf(RateLimited);
      return deviceChecks.count - before;
    };
    // Before, only a known email's device was looked up: one query more, timeable from outside.
    expect(await checksFor("nobody-limited@example.com")).toBe(await checksFor(person.email));
    await passwordResetRequestsIdle();
  });

  it("still mails the person's own browser a link once strangers have used up the address's requests", async () => {
    const person = await createUser(accountId, { password: "an old passphrase here" });
    const theirs = newDeviceId();
    // They signed in with this browser before: the new-browser reaction remembers it.
    await writeSystem((tx) => createSession(tx, person, "password", { ...META, device: theirs }));
    const stranger = { ...META, ip: "198.51.100.9", device: newDeviceId() };
    for (let i = 0; i < 3; i++) await requestPasswordReset(person.email, stranger);
    await expect(requestPasswordReset(person.email, stranger)).rejects.toBeInstanceOf(RateLimited);
    await expect(requestPasswordReset(person.email, { ...stranger, device: null })).rejects.toBeInstanceOf(RateLimited);
    await passwordResetRequestsIdle();

    const before = smtp.messages.length;
    expect((await requestPasswordReset(person.email, { ...META, device: theirs })).message).toBe(FORGOT_PASSWORD_ANSWER);
    await passwordResetRequestsIdle();
    await outboxIdle();
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && JSON.stringify(m.to).includes(person.email) && /new password/i.test(m.subject ?? ""));
    expect(resetTokenIn(mail.text)).toBeDefined();
    // Their browser has a limit of its own; another person's known browser is a stranger here.
    for (let i = 0; i < 2; i++) await requestPasswordReset(person.email, { ...META, device: theirs });
    await expect(requestPasswordReset(person.email, { ...META, device: theirs })).rejects.toBeInstanceOf(RateLimited);
    const other = await createUser(accountId, { password: "another passphrase here" });
    const othersBrowser = newDeviceId();
    await writeSystem((tx) => createSession(tx, other, "password", { ...META, device: othersBrowser }));
    await expect(requestPasswordReset(person.email, { ...META, device: othersBrowser })).rejects.toBeInstanceOf(RateLimited);
    await passwordResetRequestsIdle();
  });
});

// Password hashing and a real SMTP server: slow on a loaded machine.
describe("an admin's Send reset link", { timeout: 60_000 }, () => {
  it("mails the person a working link", async () => {
    const person = await createUser(accountId, { password: "an old passphrase here" });
    const before = smtp.messages.length;
    await sendPasswordResetLink(await startSession(owner), person.id, META);
    await outboxIdle();
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before && JSON.stringify(m.to).includes(person.email));
    await resetPasswordWithToken({ token: resetTokenIn(mail.text), password: NEW }, META);
    expect(await verifyPassword((await userRow(person.id))!.passwordHash!, NEW)).toBe(true);
  });

  it("says the person has no email address instead of failing", async () => {
    const person = await createUser(accountId, { password: "an old passphrase here" });
    await updateUserRow(person.id, { emailCiphertext: null, emailIndex: null });
    const error = await sendPasswordResetLink(await startSession(owner), person.id, META).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreconditionFailed);
    expect((error as Error).message).toBe("This person has no email address");
  });
});
