import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailBlindIndex } from "@/lib/crypto/blind-index";
import { outboxIdle } from "@/lib/data/outbox";
import { Conflict, Invalid, PreconditionFailed } from "@/lib/errors";
import { createAccount, createUser, META, startSession, updateUserRow, userRow, type TestUser } from "@/test/factories";
import { sendMailThrough, sentTo } from "@/test/mail";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";
import { confirmEmailChange, requestEmailChange } from "./email-change";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;
const linkIn = (text: string | undefined) => /\/confirm-email\?token=(lke_[0-9A-Za-z]+)/.exec(text ?? "")?.[1];

beforeAll(async () => {
  smtp = await startSmtpServer();
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner" });
}, 60_000);
afterAll(() => smtp.stop());

async function mailOn() {
  await sendMailThrough(smtp, owner);
}

// Password hashing and a real SMTP server: slow on a loaded machine.
describe("email change with confirmation", { timeout: 60_000 }, () => {
  it("needs mail: without it the person is told to ask an admin", async () => {
    const person = await createUser(accountId);
    await expect(requestEmailChange(await startSession(person), { email: "new-nomail@example.com" }, META)).rejects.toBeInstanceOf(PreconditionFailed);
  });

  it("changes nothing until the new address confirms; the old one gets a notice; the link works once", async () => {
    await mailOn();
    const person = await createUser(accountId, { email: "old-address@example.com" });
    await requestEmailChange(await startSession(person), { email: "new-address@example.com" }, META);
    expect((await userRow(person.id))!.emailIndex).toBe(emailBlindIndex("old-address@example.com"));
    await outboxIdle();
    const notice = await smtp.waitFor(sentTo("old-address@example.com"));
    expect(notice.subject).toMatch(/being changed/);
    expect(linkIn(notice.text)).toBeUndefined();
    const confirm = await smtp.waitFor(sentTo("new-address@example.com"));
    const token = linkIn(confirm.text)!;
    expect(await confirmEmailChange({ token }, META)).toEqual({ email: "new-address@example.com" });
    expect((await userRow(person.id))!.emailIndex).toBe(emailBlindIndex("new-address@example.com"));
    await expect(confirmEmailChange({ token }, META)).rejects.toBeInstanceOf(Invalid);
  });

  it("refuses an address someone else has, and works for a person who had no email", async () => {
    await mailOn();
    const taken = await createUser(accountId);
    const person = await createUser(accountId);
    // Someone who may read the directory is told; a member gets the usual answer, and the address a mail saying nothing changed.
    await expect(requestEmailChange(await startSession(await createUser(accountId, { role: "admin" })), { email: taken.email }, META)).rejects.toBeInstanceOf(Conflict);
    const answer = await requestEmailChange(await startSession(person), { email: taken.email }, META);
    expect(answer.message).toContain("We sent a link");
    await outboxIdle();
    const inUse = await smtp.waitFor(sentTo(taken.email!));
    expect(inUse.subject).toContain("This address is already in use");
    expect(inUse.text).not.toContain("/confirm-email");
    await updateUserRow(person.id, { emailCiphertext: null, emailIndex: null });
    await requestEmailChange(await startSession(person), { email: "first-address@example.com" }, META);
    await outboxIdle();
    const confirm = await smtp.waitFor(sentTo("first-address@example.com"));
    await confirmEmailChange({ token: linkIn(confirm.text) }, META);
    expect((await userRow(person.id))!.emailIndex).toBe(emailBlindIndex("first-address@example.com"));
  });
});
