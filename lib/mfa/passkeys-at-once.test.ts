/**
 * Review 16's leftover: a passkey challenge answered several times at the same moment. Each request is fired
 * together with Promise.all; on PostgreSQL their units of work really overlap, and the write lock orders the
 * `DELETE … RETURNING` that takes the challenge (./webauthn.ts takeChallenge). Answers come from the software
 * authenticator (test/software-authenticator.ts) against @simplewebauthn/server's real verification.
 * Held: one challenge makes one session (passwordless or as the second step) and registers one passkey, whether
 * one answer is sent again or several answers are signed for it.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { RequestMeta } from "@/lib/auth/actor";
import type { SignInLimits } from "@/lib/config";
import { db } from "@/lib/db/database";
import { mfaPasskeys } from "@/lib/db/schema";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { passwordlessOptions, signInWithPasskey } from "@/lib/sign-in/passkey-sign-in";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { AT_ONCE, fulfilled, sessionsOf } from "@/test/at-once";
import { createAccount, createUser, META, setPublicAddress, startSession, type TestUser } from "@/test/factories";
import { softwarePasskey, type SoftwarePasskey } from "@/test/software-authenticator";
import { parseAuthenticationResponse } from "./passkey-records";
import { finishPasskeyRegistration, startPasskeyRegistration } from "./passkeys";
import { SecondStepRequired } from "./second-step";
import { completeSecondStepWithPasskey, secondStepPasskeyOptions } from "./second-step-passkey";

const ORIGIN = "https://team.example.com";
const PASSWORD = "a long and unusual passphrase";
// Generous: these tests are about one challenge answered twice, not about the throttle (./passkeys.test.ts).
const LIMITS: SignInLimits = { freeAttempts: 100, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 1000, lockoutFailures: 1000, lockoutWindowSeconds: 86_400 };
const from = (n: number): RequestMeta => ({ ip: `198.51.100.${n}`, userAgent: "vitest" });
const answer = (value: Record<string, unknown>) => parseAuthenticationResponse(JSON.stringify(value))!;

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
  await setPublicAddress(accountId, ORIGIN);
});

async function userWithPasskey(): Promise<{ user: TestUser; passkey: SoftwarePasskey }> {
  const user = await createUser(accountId, { password: PASSWORD });
  const actor = await startSession(user);
  const passkey = softwarePasskey(user.id);
  const options = await startPasskeyRegistration(actor, { password: PASSWORD }, META);
  await finishPasskeyRegistration(actor, { name: "Laptop", response: passkey.register(options, ORIGIN) }, META);
  return { user, passkey };
}

const passkeysOf = async (userId: string) => (await db().select({ id: mfaPasskeys.id }).from(mfaPasskeys).where(eq(mfaPasskeys.userId, userId))).length;

describe("one passkey challenge answered several times at once", () => {
  it("passwordless: one answer sent six times makes one session", async () => {
    await resetRateLimits();
    const { user, passkey } = await userWithPasskey();
    const options = await passwordlessOptions("browser-at-once", META);
    const response = passkey.assert(options, ORIGIN);
    const before = await sessionsOf(user.id);
    expect(await fulfilled(Array.from({ length: AT_ONCE }, (_, i) => () => signInWithPasskey("browser-at-once", answer(response), from(10 + i), new Date(), LIMITS)))).toBe(1);
    expect(await sessionsOf(user.id)).toBe(before + 1);
  });

  it("passwordless: six answers signed for one challenge make one session", async () => {
    await resetRateLimits();
    const { user, passkey } = await userWithPasskey();
    const options = await passwordlessOptions("browser-signed-six", META);
    const responses = Array.from({ length: AT_ONCE }, () => passkey.assert(options, ORIGIN));
    const before = await sessionsOf(user.id);
    expect(await fulfilled(responses.map((response, i) => () => signInWithPasskey("browser-signed-six", answer(response), from(20 + i), new Date(), LIMITS)))).toBe(1);
    expect(await sessionsOf(user.id)).toBe(before + 1);
  });

  it("as the second step: six answers signed for one challenge make one session", async () => {
    await resetRateLimits();
    const { user, passkey } = await userWithPasskey();
    const step = await signInWithPassword(user.email, PASSWORD, from(30), new Date(), LIMITS).catch((e: unknown) => e);
    expect(step).toBeInstanceOf(SecondStepRequired);
    const token = (step as SecondStepRequired).token;
    const options = await secondStepPasskeyOptions(token);
    const responses = Array.from({ length: AT_ONCE }, () => passkey.assert(options, ORIGIN));
    const before = await sessionsOf(user.id);
    expect(await fulfilled(responses.map((response, i) => () => completeSecondStepWithPasskey(token, answer(response), from(40 + i), new Date(), LIMITS)))).toBe(1);
    expect(await sessionsOf(user.id)).toBe(before + 1);
  });

  it("registering: six authenticators answering one challenge register one passkey", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await startSession(user);
    const options = await startPasskeyRegistration(actor, { password: PASSWORD }, META);
    const responses = Array.from({ length: AT_ONCE }, () => softwarePasskey(user.id).register(options, ORIGIN));
    expect(await fulfilled(responses.map((response, i) => () => finishPasskeyRegistration(actor, { name: `Laptop ${i}`, response }, META)))).toBe(1);
    expect(await passkeysOf(user.id)).toBe(1);
  });
});
