/**
 * An email change is how an account can be taken over ("Forgot password?" to the new address), so asking
 * for one needs proof, and a pending one ends with what should end it (lib/users/email-change.ts,
 * lib/users/reactions.ts). Found by the round-12 review:
 * 1. A pending email change survived the person's password change and an admin's "sign out everywhere":
 *    someone who briefly held a session asked to move the email to their own address; the victim got the
 *    notice and changed their password, yet the link still confirmed for 24 hours, without any session.
 * 2. Asking needed no proof: a stolen session, or an access token scoped to groups only, was enough.
 *    Now an account with a password must give it, and a token limited to some permissions can't ask.
 * 3. A password-reset link survived a change of the email address it was sent to.
 * 4. A pending email change survived an admin setting the address: opening the link later undid the
 *    admin's save.
 */
import { eq } from "drizzle-orm";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { emailChanges } from "@/lib/db/schema";
import { Forbidden } from "@/lib/errors";
import { authenticateAccessToken, mintAccessToken } from "@/lib/tokens/access-tokens";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { outboxIdle } from "@/lib/data/outbox";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { createUser, META, startSession, type TestUser } from "@/test/factories";
import { sentTo, startMailInstance } from "@/test/mail";
import type { TestSmtp } from "@/test/smtp-server";
import { resetTokenIn } from "@/test/takeover";
import { afterNextPasswordCheck } from "@/test/password-check-race";
import { revokeUserSessions } from "./access-control";
import { confirmEmailChange, requestEmailChange } from "./email-change";
import { updateUser } from "./lifecycle";
import { changeOwnPassword } from "./password";
import { getUser } from "./queries";
import { passwordResetRequestsIdle, requestPasswordReset, resetPasswordWithToken } from "./password-reset";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;
const PASSWORD = "the victim's own passphrase 31";
const changeLink = (text: string | undefined) => /\/confirm-email\?token=(lke_[0-9A-Za-z]+)/.exec(text ?? "")?.[1];

beforeAll(async () => ({ smtp, accountId, owner } = await startMailInstance()), 60_000);
afterAll(() => smtp.stop());
beforeEach(async () => {
  await resetRateLimits();
});

/** The attacker, holding one of the victim's sessions, moves the email to their own address and keeps the link. */
async function attackerAsksForEmailChange(victim: TestUser, attackerAddress: string): Promise<string> {
  const stolen = await startSession(victim);
  await requestEmailChange(stolen, { email: attackerAddress, current_password: PASSWORD }, META);
  await outboxIdle();
  return changeLink((await smtp.waitFor(sentTo(attackerAddress))).text)!;
}

describe("links that outlive what should end them", { timeout: 60_000 }, () => {
  it("a pending email change dies when the person changes their password", async () => {
    const victim = await createUser(accountId, { password: PASSWORD });
    const token = await attackerAsksForEmailChange(victim, "attacker-1@evil.example");
    // The victim reads the notice and changes their password (every other session ends).
    await changeOwnPassword(await startSession(victim), victim.id, { old_password: PASSWORD, new_password: "a brand new passphrase 4417" }, META);
    await expect(confirmEmailChange({ token }, META)).rejects.toThrow();
  });

  it("a pending email change dies when an admin signs the person out everywhere", async () => {
    const victim = await createUser(accountId, { password: PASSWORD });
    const token = await attackerAsksForEmailChange(victim, "attacker-2@evil.example");
    await revokeUserSessions(await startSession(owner), victim.id, {}, META);
    await expect(confirmEmailChange({ token }, META)).rejects.toThrow();
  });

  it("a reset link mailed to the old address stops working once an admin changes the email", async () => {
    const victim = await createUser(accountId, { email: "old-mailbox@example.com", password: PASSWORD });
    await requestPasswordReset(victim.email, META);
    await passwordResetRequestsIdle();
    await outboxIdle();
    const token = resetTokenIn((await smtp.waitFor(sentTo("old-mailbox@example.com"))).text)!;
    expect(token).toMatch(/^lkr_/);
    // The old mailbox is no longer the person's (left the company, compromised): the admin moves the email.
    await updateUser(await startSession(owner), victim.id, { email: "new-mailbox@example.com" }, META);
    await expect(resetPasswordWithToken({ token, password: "whoever holds the old mailbox 9" }, META)).rejects.toThrow();
  });

  it("a pending email change dies when an admin sets the email: the admin's save stands", async () => {
    const victim = await createUser(accountId, { email: "kept-by-admin@example.com", password: PASSWORD });
    const token = await attackerAsksForEmailChange(victim, "attacker-4@evil.example");
    const admin = await startSession(owner);
    await updateUser(admin, victim.id, { email: "set-by-admin@example.com" }, META);
    await expect(confirmEmailChange({ token }, META)).rejects.toThrow();
    expect((await getUser(admin, victim.id)).email).toBe("set-by-admin@example.com");
  });

  it("asking needs the current password, and a token limited to some permissions can't ask", async () => {
    const person = await createUser(accountId, { role: "admin", password: PASSWORD });
    const session = await startSession(person);
    await expect(requestEmailChange(session, { email: "no-proof@evil.example" }, META)).rejects.toMatchObject({ fieldErrors: { current_password: ["Current password is required"] } });
    await expect(requestEmailChange(session, { email: "no-proof@evil.example", current_password: "a guess at the passphrase 1" }, META)).rejects.toMatchObject({
      fieldErrors: { current_password: ["Current password is incorrect"] },
    });
    const { plain } = await writeSystem((tx) =>
      mintAccessToken(tx, { accountId, userId: person.id, name: "groups-sync", expiresInDays: 1, createdBy: person.id, permissions: ["groups:read", "groups:update"] }),
    );
    const scoped = (await authenticateAccessToken(plain))!;
    await expect(requestEmailChange(scoped, { email: "attacker-3@evil.example", current_password: PASSWORD }, META)).rejects.toBeInstanceOf(Forbidden);
  });
  it("an email change whose current password was changed while it was checked asks nothing (the change wins)", async () => {
    const person = await createUser(accountId, { role: "admin", password: PASSWORD });
    const theirs = await startSession(person);
    // A session would end with the password change; an access token (kept unless the person asks) doesn't.
    const { plain } = await writeSystem((tx) => mintAccessToken(tx, { accountId, userId: person.id, name: "leaked", expiresInDays: 1, createdBy: person.id }));
    const stolen = (await authenticateAccessToken(plain))!;
    afterNextPasswordCheck(() => changeOwnPassword(theirs, person.id, { old_password: PASSWORD, new_password: "the person's brand new passphrase 7" }, META));
    await expect(requestEmailChange(stolen, { email: "attacker-5@evil.example", current_password: PASSWORD }, META)).rejects.toMatchObject({
      fieldErrors: { current_password: ["Current password is incorrect"] },
    });
    await outboxIdle();
    expect(smtp.messages.some(sentTo("attacker-5@evil.example"))).toBe(false);
    expect(await db().select().from(emailChanges).where(eq(emailChanges.userId, person.id))).toEqual([]);
  });
});
