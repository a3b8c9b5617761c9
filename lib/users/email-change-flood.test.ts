/**
 * Review 9c (resource exhaustion, outbound mail): asking to change one's email mails the new address (a
 * confirmation link, or "this address is already in use") and the current one. The only bound was the
 * password proof's guessing limit (PASSWORD_CHANGE_ATTEMPTS_PER_15_MIN, 10 by default, which an operator
 * may raise), and a row without a password hash had none: a member's session in a loop had the instance
 * mail an outside address 40 times an hour or more. Now each person may ask a few times per 15 minutes,
 * as for "Confirm this address". (The test's person has no password, so only the new limit applies.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboxIdle } from "@/lib/data/outbox";
import { RateLimited } from "@/lib/errors";
import { emailChangeRequestLimit } from "@/lib/security/limits";
import { createUser, META, startSession, type TestUser } from "@/test/factories";
import { sentTo, startMailInstance } from "@/test/mail";
import type { TestSmtp } from "@/test/smtp-server";
import { requestEmailChange } from "./email-change";

let smtp: TestSmtp;
let accountId: string;
let owner: TestUser;

beforeAll(async () => ({ smtp, accountId, owner } = await startMailInstance()), 60_000);
afterAll(() => smtp.stop());

describe("email change requests in a loop", { timeout: 60_000 }, () => {
  it("a person without a password: a few requests per 15 minutes, then 429 and no more mail", async () => {
    const allowed = emailChangeRequestLimit().points;
    expect(allowed).toBe(5);
    const person = await createUser(accountId);
    const session = await startSession(person);
    const victim = "flooded@example.net";
    for (let i = 0; i < allowed; i++) await requestEmailChange(session, { email: victim }, META);
    const refusal = await requestEmailChange(session, { email: victim }, META).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(RateLimited);
    expect((refusal as RateLimited).message).toMatch(/^Too many requests\. Try again in \d+ minutes?\.$/);
    await expect(requestEmailChange(session, { email: "another@example.net" }, META)).rejects.toBeInstanceOf(RateLimited);
    // outboxIdle waits for the delivery pass every commit nudged, and the test SMTP server keeps a message before it
    // acknowledges it: every mail sent is in smtp.messages then (a fixed 500 ms wait on top only hid a late one).
    await outboxIdle();
    expect(smtp.messages.filter(sentTo(victim))).toHaveLength(allowed);
    expect(smtp.messages.filter(sentTo("another@example.net"))).toHaveLength(0);
    // Someone else's requests are their own.
    const other = await createUser(accountId);
    await requestEmailChange(await startSession(other), { email: "other-new@example.net" }, META);
  });
});
