/**
 * Review 6: a member (role "user": no users:read, no invites:read) can't list the directory, yet Profile →
 * Email answers whether any address belongs to someone in the account, and even whether it has a pending
 * invite: requestEmailChange runs assertEmailAvailable and throws its Conflict ("A user with this email
 * already exists" / "A pending invite for this email already exists") to the caller. Mail is on (it must
 * be, to change an email), so the answer can be the same either way, with the address told by mail
 * that it is already in use.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createInvite } from "@/lib/invites/invites";
import { createInviteSchema } from "@/lib/invites/schemas";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createAccount, createUser, META, startSession, type TestUser } from "@/test/factories";
import { sendMailThrough } from "@/test/mail";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";
import { requestEmailChange } from "./email-change";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;
const PASSWORD = "a member's own passphrase 58";

beforeAll(async () => {
  smtp = await startSmtpServer();
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner", email: "the-owner@example.com" });
  await sendMailThrough(smtp, owner);
}, 60_000);
afterAll(() => smtp.stop());
beforeEach(async () => {
  await resetRateLimits();
});

async function answerFor(member: Awaited<ReturnType<typeof startSession>>, email: string): Promise<string> {
  try {
    return (await requestEmailChange(member, { email, current_password: PASSWORD }, META)).message.replace(email, "<email>");
  } catch (err) {
    return `${(err as Error).constructor.name}: ${(err as Error).message}`;
  }
}

describe("a member can't probe the directory through the email change", { timeout: 60_000 }, () => {
  it("answers the same for a member's address, an invitee's and a free one", async () => {
    const member = await startSession(await createUser(accountId, { role: "user", password: PASSWORD }));
    await createInvite(await startSession(owner), createInviteSchema.parse({ email: "invitee@example.com", name: "Invitee", role: "user", expires_in: 86_400 }), META);
    const free = await answerFor(member, "nobody-here@example.com");
    expect({ owner: await answerFor(member, "the-owner@example.com"), invitee: await answerFor(member, "invitee@example.com") }).toEqual({ owner: free, invitee: free });
  });
});
