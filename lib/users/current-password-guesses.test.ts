/**
 * Review 43: the "current password" a signed-in person types before a change (Profile's password and email
 * changes, and the proof before changing sign-in factors or creating a token: lib/mfa/proof.ts) is a guess at the
 * password like one at the sign-in form. Someone holding a stolen session must not get more guesses there than
 * the form gives: both count in the sign-in throttle (lib/security/sign-in-throttle.ts), the growing delay per
 * person and address and the daily cap per person from anywhere. Before, only the password change's own limit
 * counted them (10 every 15 minutes, 960 a day, against the form's 100), and the form never saw them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RequestMeta } from "@/lib/auth/actor";
import type { SignInLimits } from "@/lib/config";
import { Invalid, RateLimited } from "@/lib/errors";
import { startPasskeyRegistration } from "@/lib/mfa/passkeys";
import { startTotpSetup } from "@/lib/mfa/factors";
import { signInWithPassword, SignInFailed, SignInThrottled } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, META, setPublicAddress, startSession } from "@/test/factories";
import { requestEmailChange } from "./email-change";
import { changeOwnPassword } from "./password";

const PASSWORD = "a long and unusual passphrase";
const LIMITS: SignInLimits = { freeAttempts: 5, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 1000, lockoutFailures: 100, lockoutWindowSeconds: 86_400 };
const elsewhere = (n: number): RequestMeta => ({ ip: `192.0.2.${n}`, userAgent: "vitest" });

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
  await setPublicAddress(accountId, "https://team.example.com");
});

describe("a wrong current password counts as a wrong password at sign-in", () => {
  it("five wrong at the proof, and the form makes that address wait, right password and all", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const stolen = await startSession(user);
    const guesses = [
      () => startTotpSetup(stolen, { password: "guess 1" }, META),
      () => startPasskeyRegistration(stolen, { password: "guess 2" }, META),
      () => changeOwnPassword(stolen, user.id, { old_password: "guess 3", new_password: "another long passphrase 71" }, META),
      () => requestEmailChange(stolen, { email: "new@example.com", current_password: "guess 4" }, META),
      () => startTotpSetup(stolen, { password: "guess 5" }, META),
    ];
    for (const guess of guesses) await expect(guess()).rejects.toThrow(Invalid);
    await expect(signInWithPassword(user.email, PASSWORD, META, new Date(), LIMITS)).rejects.toThrow(SignInThrottled);
    // And the next guess at the proof waits as well.
    await expect(startTotpSetup(stolen, { password: "guess 6" }, META)).rejects.toThrow(RateLimited);
  });

  it("guesses at the proof count in the person's daily cap, which then holds the form from every address", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const stolen = await startSession(user);
    for (let i = 0; i < 4; i++) await expect(startTotpSetup(stolen, { password: `guess ${i}` }, META)).rejects.toThrow(Invalid);
    const fewPerDay = { ...LIMITS, lockoutFailures: 5 };
    await expect(signInWithPassword(user.email, "guess 5", elsewhere(1), new Date(), fewPerDay)).rejects.toThrow(SignInFailed);
    // The fifth failure of the day: locked, and the right password is refused like a wrong one.
    await expect(signInWithPassword(user.email, PASSWORD, elsewhere(2), new Date(), fewPerDay)).rejects.toThrow(SignInFailed);
  });

  it("while the person is locked at the form, a session's proof is refused too, right password and all", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const session = await startSession(user);
    const fewPerDay = { ...LIMITS, lockoutFailures: 3 };
    for (let i = 0; i < 3; i++) await expect(signInWithPassword(user.email, `guess ${i}`, elsewhere(10 + i), new Date(), fewPerDay)).rejects.toThrow(SignInFailed);
    const refusal = await startTotpSetup(session, { password: PASSWORD }, META).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(RateLimited);
    expect((refusal as RateLimited).retryAfterSeconds).toBeGreaterThan(3600);
  });

  it("the right current password forgives the person's count, as a right one at the form does", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const session = await startSession(user);
    for (let i = 0; i < 4; i++) await expect(startTotpSetup(session, { password: `guess ${i}` }, META)).rejects.toThrow(Invalid);
    await expect(startTotpSetup(session, { password: PASSWORD }, META)).resolves.toMatchObject({ secret: expect.any(String) });
    for (let i = 0; i < 5; i++) await expect(signInWithPassword(user.email, `guess ${i}`, META, new Date(), LIMITS)).rejects.toThrow(SignInFailed);
  });
});
