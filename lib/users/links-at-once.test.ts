/**
 * Review 16: one-time links followed several times at the same moment (two tabs, a mail scanner and the
 * person, an attacker racing the person). Each is checked before its password is hashed, outside the write
 * lock, and spent in a unit of work that checks it again: one use wins, and what is stored is what that use
 * sent (no loser's password written over the winner's). Fired with Promise.all; on PostgreSQL the checks
 * and units of work really overlap.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/crypto/passwords";
import { outboxIdle } from "@/lib/data/outbox";
import { db } from "@/lib/db/database";
import { activityEvents } from "@/lib/db/schema";
import { emailBlindIndex } from "@/lib/crypto/blind-index";
import { AT_ONCE } from "@/test/at-once";
import { createAccount, createUser, META, startSession, userRow } from "@/test/factories";
import { startMailInstance, sentTo } from "@/test/mail";
import type { TestSmtp } from "@/test/smtp-server";
import type { RequestMeta } from "@/lib/auth/actor";
import { confirmEmailChange, requestEmailChange } from "./email-change";
import { issueOwnerRecoveryLink, recoverOwnerWithLink } from "./owner-recovery";
import { createPasswordResetLink, resetPasswordWithToken } from "./password-reset";

const passwords = Array.from({ length: AT_ONCE }, (_, i) => `a fresh and unusual passphrase number ${i}`);
// Each from its own address: the confirm limit counts per address, and is not what this is about.
const from = (i: number): RequestMeta => ({ ip: `192.0.2.${40 + i}`, userAgent: "vitest" });

let smtp: TestSmtp;
afterAll(() => smtp?.stop());

const eventsOf = async (accountId: string, action: string) =>
  (await db().select({ id: activityEvents.id }).from(activityEvents).where(and(eq(activityEvents.accountId, accountId), eq(activityEvents.action, action)))).length;

/** The one use that went through: its index, after checking that no other did. */
function onlyWinner(results: PromiseSettledResult<unknown>[]): number {
  const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
  expect(won).toHaveLength(1);
  return won[0];
}

describe("one-time links followed several times at once", { timeout: 60_000 }, () => {
  it("a password reset link: one new password, the one its use sent", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { role: "owner", password: "the owner's own passphrase" });
    const person = await createUser(accountId, { password: "the forgotten passphrase" });
    const { token } = await createPasswordResetLink(await startSession(owner), person.id, META);
    const results = await Promise.allSettled(passwords.map((password, i) => resetPasswordWithToken({ token, password }, from(i))));
    const winner = onlyWinner(results);
    expect(await verifyPassword((await userRow(person.id))!.passwordHash!, passwords[winner])).toBe(true);
    expect(await eventsOf(accountId, "user.password.reset_by_link")).toBe(1);
  });

  it("an owner recovery link: one new password, the one its use sent", async () => {
    const accountId = await createAccount();
    const owner = await createUser(accountId, { role: "owner", email: `owner-${crypto.randomUUID()}@example.com`, password: "the forgotten passphrase" });
    const { token } = await issueOwnerRecoveryLink(owner.email);
    const results = await Promise.allSettled(passwords.map((password, i) => recoverOwnerWithLink(token, password, from(i))));
    const winner = onlyWinner(results);
    expect(await verifyPassword((await userRow(owner.id))!.passwordHash!, passwords[winner])).toBe(true);
    expect(await eventsOf(accountId, "user.recovered")).toBe(1);
  });

  it("an email change's confirmation link: the address changes once", async () => {
    const instance = await startMailInstance();
    smtp = instance.smtp;
    const person = await createUser(instance.accountId, { email: "before-at-once@example.com" });
    await requestEmailChange(await startSession(person), { email: "after-at-once@example.com" }, META);
    await outboxIdle();
    const token = /\/confirm-email\?token=(lke_[0-9A-Za-z]+)/.exec((await smtp.waitFor(sentTo("after-at-once@example.com"))).text ?? "")?.[1];
    expect(token).toBeTruthy();
    onlyWinner(await Promise.allSettled(Array.from({ length: AT_ONCE }, (_, i) => confirmEmailChange({ token }, from(i)))));
    expect((await userRow(person.id))!.emailIndex).toBe(emailBlindIndex("after-at-once@example.com"));
    expect(await eventsOf(instance.accountId, "user.email.changed")).toBe(1);
  });
});

