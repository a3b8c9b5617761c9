/**
 * Review 6: emails are personal data, kept only sealed or as a blind index (DESIGN.md; the sign-in
 * throttle keys its per-email counts by the blind index for that reason). "Forgot password?" counts its
 * per-email limit (lib/users/password-reset.ts requestPasswordReset → passwordResetEmailLimit) under the
 * normalised address itself, so rate_limits holds, in plain text, every address someone asked a reset
 * for: members' real addresses among them, readable by anyone with the database file or a backup taken
 * within the window, and which addresses were asked about (and when) is itself telling.
 */
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { rateLimits } from "@/lib/db/schema";
import { createAccount, createUser, META } from "@/test/factories";
import { passwordResetRequestsIdle, requestPasswordReset } from "@/lib/users/password-reset";

describe("rate-limit keys carry no personal data", () => {
  it("a reset request leaves no plain email in rate_limits", async () => {
    const accountId = await createAccount();
    await createUser(accountId, { role: "owner" });
    const person = await createUser(accountId, { email: "Jane.Member@Example.com" });
    await requestPasswordReset(person.email, META);
    await passwordResetRequestsIdle();
    const keys = (await db().select({ key: rateLimits.key }).from(rateLimits)).map((r) => r.key);
    expect(keys.filter((k) => k.toLowerCase().includes("jane.member@example.com"))).toEqual([]);
  });
});
