/**
 * Review 43: guessing a person's authenticator code, as an attacker. A code is six digits and three of them are
 * right at any moment (one step either side), so what keeps it a second factor is how many guesses anyone gets
 * per person. There are two places to guess: the sign-in's second step (someone with the password) and the proof
 * before a change (lib/mfa/proof.ts: someone holding the session of a person without a password, for whom the
 * code is the proof, and a right guess mints recovery codes, a passkey or a year-long access token). Both count
 * in one per-person throttle (lib/mfa/code-guesses.ts), in the database, so neither adds guesses to the other
 * and no replica or address has its own count.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RequestMeta } from "@/lib/auth/actor";
import type { SignInLimits } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { Invalid, RateLimited } from "@/lib/errors";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { getUser, listUsers, userFiltersSchema } from "@/lib/users/queries";
import { userStatus } from "@/lib/users/status";
import { unlockUser } from "@/lib/users/sign-in-lock";
import { createAccount, createUser, META, startSession, type TestUser } from "@/test/factories";
import { resetTwoFactor } from "./admin";
import { confirmTotpSetup, regenerateRecoveryCodes, startTotpSetup } from "./factors";
import { updateSecurityPolicy } from "./policy";
import { beginSecondStepIfNeeded, CodeThrottled, completeSecondStep, confirmEnrolment, SecondStepRequired, startEnrolment, WrongCode } from "./second-step";
import { TOTP_PERIOD_SECONDS, totpCode } from "./totp";

const PASSWORD = "a long and unusual passphrase";
const LIMITS: SignInLimits = { freeAttempts: 5, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 1000, lockoutFailures: 100, lockoutWindowSeconds: 86_400 };

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
});

/** A six-digit code that is none of the three the app accepts now. */
function wrongCodeFor(secret: string, now = new Date()): string {
  const right = [-1, 0, 1].map((d) => totpCode(secret, new Date(now.getTime() + d * TOTP_PERIOD_SECONDS * 1000)));
  for (let n = 0; ; n++) {
    const guess = String(n).padStart(6, "0");
    if (!right.includes(guess)) return guess;
  }
}

/** A person the directory signs in (no local password) with the authenticator app on, and a session of theirs. */
async function directoryPersonWithApp(inAccount = accountId) {
  const user = await createUser(inAccount);
  const actor = await startSession(user);
  const { secret } = await startTotpSetup(actor, {}, META);
  const setUpAt = new Date(Date.now() - 2 * TOTP_PERIOD_SECONDS * 1000);
  await confirmTotpSetup(actor, { code: totpCode(secret, setUpAt) }, META, setUpAt);
  return { user, actor, secret };
}

/** The directory's password was right: the pending step, as lib/sign-in/password-sign-in.ts begins it. */
async function directoryStep(user: TestUser): Promise<string> {
  const step = await writeSystem((tx) => beginSecondStepIfNeeded(tx, user, "ldap", new Date()));
  expect(step).toBeInstanceOf(SecondStepRequired);
  return step!.token;
}

const elsewhere = (n: number): RequestMeta => ({ ip: `192.0.2.${n}`, userAgent: "vitest" });

describe("one count of code guesses per person", () => {
  it("wrong codes at the proof count at the sign-in's second step: after five, the right code there waits", async () => {
    const { user, actor, secret } = await directoryPersonWithApp();
    for (let i = 0; i < 5; i++) await expect(regenerateRecoveryCodes(actor, { code: wrongCodeFor(secret) }, META)).rejects.toThrow(Invalid);
    const token = await directoryStep(user);
    await expect(completeSecondStep(token, totpCode(secret, new Date()), META, new Date(), LIMITS)).rejects.toThrow(CodeThrottled);
    // And the proof itself waits as the second step does.
    await expect(regenerateRecoveryCodes(actor, { code: totpCode(secret, new Date()) }, META)).rejects.toThrow(RateLimited);
  });

  it("the second step's daily cap, reached from other addresses, stops the proof too, right code and all", async () => {
    const { user, actor, secret } = await directoryPersonWithApp();
    const token = await directoryStep(user);
    const fewPerDay = { ...LIMITS, lockoutFailures: 3 };
    for (let i = 0; i < 3; i++) {
      await expect(completeSecondStep(token, wrongCodeFor(secret), elsewhere(i + 1), new Date(), fewPerDay)).rejects.toThrow(WrongCode);
    }
    const refusal = await regenerateRecoveryCodes(actor, { code: totpCode(secret, new Date()) }, META).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(RateLimited);
    expect((refusal as RateLimited).retryAfterSeconds).toBeGreaterThan(3600);
  });

  it("a right code at the proof forgives the person's wrong ones, as at sign-in", async () => {
    const { user, actor, secret } = await directoryPersonWithApp();
    for (let i = 0; i < 4; i++) await expect(regenerateRecoveryCodes(actor, { code: wrongCodeFor(secret) }, META)).rejects.toThrow(Invalid);
    await expect(regenerateRecoveryCodes(actor, { code: totpCode(secret, new Date()) }, META)).resolves.toHaveLength(10);
    const token = await directoryStep(user);
    for (let i = 0; i < 4; i++) await expect(completeSecondStep(token, wrongCodeFor(secret), META, new Date(), LIMITS)).rejects.toThrow(WrongCode);
    // Four after the forgiving proof, not eight: the fifth try is still free.
    await expect(completeSecondStep(token, wrongCodeFor(secret), META, new Date(), LIMITS)).rejects.toThrow(WrongCode);
  });

  it("a right password doesn't forgive wrong codes: signing in again, the code still waits (held)", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await startSession(user);
    const { secret } = await startTotpSetup(actor, { password: PASSWORD }, META);
    const setUpAt = new Date(Date.now() - 2 * TOTP_PERIOD_SECONDS * 1000);
    await confirmTotpSetup(actor, { code: totpCode(secret, setUpAt) }, META, setUpAt);
    const step = async () => {
      const e = await signInWithPassword(user.email, PASSWORD, META, new Date(), LIMITS).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(SecondStepRequired);
      return (e as SecondStepRequired).token;
    };
    const first = await step();
    for (let i = 0; i < 5; i++) await expect(completeSecondStep(first, wrongCodeFor(secret), META, new Date(), LIMITS)).rejects.toThrow(WrongCode);
    const second = await step();
    await expect(completeSecondStep(second, totpCode(secret, new Date()), META, new Date(), LIMITS)).rejects.toThrow(CodeThrottled);
  });

  it("an admin's Unlock ends the second factor's lock too, and the person's page shows it while it holds", async () => {
    // Someone with the password runs the person's codes into the daily cap: the person can't sign in for a day,
    // and the remedy an admin has for a lock (Team → Users → Unlock) must reach this one.
    const admin = await startSession(await createUser(accountId, { role: "admin", password: PASSWORD }));
    const { user, secret } = await directoryPersonWithApp();
    const token = await directoryStep(user);
    const fewPerDay = { ...LIMITS, lockoutFailures: 3 };
    for (let i = 0; i < 3; i++) {
      await expect(completeSecondStep(token, wrongCodeFor(secret), elsewhere(20 + i), new Date(), fewPerDay)).rejects.toThrow(WrongCode);
    }
    expect((await getUser(admin, user.id)).lockedUntil).toBeInstanceOf(Date);
    // r52: Team → Users' list shows it on the person's row too, as it shows the password's lock.
    const listed = async () => (await listUsers(admin, userFiltersSchema.parse({ search: user.email, limit: 25 }))).items.find((u) => u.id === user.id);
    expect((await listed())?.lockedUntil).toBeInstanceOf(Date);
    expect(userStatus((await listed())!)).toBe("locked");
    expect(await unlockUser(admin, user.id, META)).toMatchObject({ was_locked: true });
    expect((await getUser(admin, user.id)).lockedUntil).toBeNull();
    expect((await listed())?.lockedUntil).toBeNull();
    const again = await directoryStep(user);
    await expect(completeSecondStep(again, totpCode(secret, new Date()), META, new Date(), LIMITS)).resolves.toMatchObject({ userId: user.id });
  });

  it("an admin's two-factor reset ends the old factor's lock: set-up isn't held by codes of the app it removed", async () => {
    const acct = await createAccount();
    const owner = await startSession(await createUser(acct, { role: "owner", password: PASSWORD }));
    await updateSecurityPolicy(owner, { require_for: "everyone", grace_days: 0 }, META);
    const { user, secret } = await directoryPersonWithApp(acct);
    const token = await directoryStep(user);
    for (let i = 0; i < 3; i++) {
      await expect(completeSecondStep(token, wrongCodeFor(secret), elsewhere(30 + i), new Date(), { ...LIMITS, lockoutFailures: 3 })).rejects.toThrow(WrongCode);
    }
    // The person lost their phone and asked the owner: the reset is the remedy, and set-up follows at the next sign-in.
    await resetTwoFactor(owner, user.id, META, { password: PASSWORD });
    const enrol = await directoryStep(user);
    const { secret: fresh } = await startEnrolment(enrol);
    await expect(confirmEnrolment(enrol, totpCode(fresh, new Date()), META, new Date(), LIMITS)).resolves.toHaveLength(10);
  });
});
