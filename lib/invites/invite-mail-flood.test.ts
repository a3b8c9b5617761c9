/**
 * Review 9c (resource exhaustion, outbound mail): "Resend" mails the invitee a fresh link, and so does
 * creating an invite with send_email. Both need invites:create, which an automation token may be scoped
 * to; at 600 requests a minute such a token (leaked, or its script in a loop) had the instance mail one
 * outside address without end: a third party flooded from the organisation's mail server, and the mail
 * provider's quota (and reputation) spent. Invite mails to one address are now budgeted per hour.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import { outboxIdle } from "@/lib/data/outbox";
import { RateLimited } from "@/lib/errors";
import { inviteMailLimit } from "@/lib/security/limits";
import { createAccount, createUser, META, startSession, type TestUser } from "@/test/factories";
import { sendMailThrough } from "@/test/mail";
import { startSmtpServer, type TestSmtp } from "@/test/smtp-server";
import { createInvite, deleteInvite, resendInvite } from "./invites";
import { createInviteSchema, INVITE_EXPIRY } from "./schemas";

let smtp: TestSmtp;
let owner: TestUser;
let admin: SessionActor;

beforeAll(async () => {
  smtp = await startSmtpServer();
  const accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner" });
  admin = await startSession(await createUser(accountId, { role: "admin" }));
  await sendMailThrough(smtp, owner);
}, 60_000);
afterAll(() => smtp.stop());

const mailsTo = (address: string) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(address)).length;
const invite = (email: string) => createInviteSchema.parse({ email, name: "Invitee", role: "user", send_email: true });

describe("invite mails to one address", { timeout: 60_000 }, () => {
  it("Resend in a loop: the hour's budget is mailed, then 429 and nothing more is sent", async () => {
    const budget = inviteMailLimit().points;
    expect(budget).toBe(5);
    const address = "victim-resend@example.net";
    const { invite: made } = await createInvite(admin, invite(address), META);
    for (let i = 1; i < budget; i++) await resendInvite(admin, made.id, INVITE_EXPIRY.defaultSeconds, META);
    const refusal = await resendInvite(admin, made.id, INVITE_EXPIRY.defaultSeconds, META).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(RateLimited);
    expect((refusal as RateLimited).message).toMatch(/^Too many invite emails to this address\. Try again in (59|60) minutes\.$/);
    expect((refusal as RateLimited).retryAfterSeconds).toBeGreaterThan(3500);
    // Refused attempts don't count: the window doesn't move, and the next one is refused the same way.
    await expect(resendInvite(admin, made.id, INVITE_EXPIRY.defaultSeconds, META)).rejects.toBeInstanceOf(RateLimited);
    // outboxIdle waits for the delivery pass every commit nudged, and the test SMTP server keeps a message before it
    // acknowledges it: every mail sent is in smtp.messages then (a fixed 500 ms wait on top only hid a late one).
    await outboxIdle();
    // A resend drops the previous mail if it wasn't sent yet (its link is dead): the last link arrives, at most the budget.
    expect(mailsTo(address)).toBeGreaterThanOrEqual(1);
    expect(mailsTo(address)).toBeLessThanOrEqual(budget);
  });

  it("create and withdraw in a loop: counted per address, not per invite", async () => {
    const budget = inviteMailLimit().points;
    const address = "victim-create@example.net";
    for (let i = 0; i < budget; i++) {
      const { invite: made } = await createInvite(admin, invite(address), META);
      await deleteInvite(admin, made.id, META);
    }
    await expect(createInvite(admin, invite(address), META)).rejects.toBeInstanceOf(RateLimited);
    // Another address has its own budget.
    await createInvite(admin, invite("someone-else@example.net"), META);
    // (As above: no fixed wait.) A withdrawn invite's mail that wasn't sent yet goes with it (review 31): at most the budget.
    await outboxIdle();
    expect(mailsTo(address)).toBeLessThanOrEqual(budget);
    expect(mailsTo("someone-else@example.net")).toBe(1);
  });
});
