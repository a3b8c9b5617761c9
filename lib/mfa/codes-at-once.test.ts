/**
 * Review 16: second-factor codes used twice at the same moment. Each request is fired together with
 * Promise.all; on PostgreSQL their checks (outside the write lock) and units of work really overlap.
 * Held: a pending step makes one session whatever arrives at once, an authenticator code proves once
 * (at sign-in and as the proof before a change of factors), a recovery code is used once.
 */
import { and, eq, isNull } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { RequestMeta } from "@/lib/auth/actor";
import type { SignInLimits } from "@/lib/config";
import { db } from "@/lib/db/database";
import { mfaRecoveryCodes } from "@/lib/db/schema";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { AT_ONCE, fulfilled, sessionsOf } from "@/test/at-once";
import { createAccount, createUser, META, startSession, type TestUser } from "@/test/factories";
import { confirmTotpSetup, startTotpSetup } from "./factors";
import { assertProvesItsThem } from "./proof";
import { completeSecondStep, SecondStepRequired } from "./second-step";
import { totpCode } from "./totp";

const PASSWORD = "a long and unusual passphrase";
// Generous: these tests are about using one code twice, not about the throttle (lib/mfa/second-step.test.ts).
const LIMITS: SignInLimits = { freeAttempts: 100, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 1000, lockoutFailures: 1000, lockoutWindowSeconds: 86_400 };
const T0 = new Date("2026-03-01T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const from = (n: number): RequestMeta => ({ ip: `198.51.100.${n}`, userAgent: "vitest" });

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
});

async function userWithTotp(password: string | null = PASSWORD): Promise<{ user: TestUser; secret: string; codes: string[] }> {
  const user = await createUser(accountId, { password: password ?? undefined });
  const actor = await startSession(user);
  const { secret } = await startTotpSetup(actor, password ? { password } : {}, META, T0);
  const codes = await confirmTotpSetup(actor, { code: totpCode(secret, T0) }, META, T0);
  return { user, secret, codes: codes! };
}

async function pendingStep(user: TestUser, now: Date): Promise<string> {
  const step = await signInWithPassword(user.email, PASSWORD, from(1), now, LIMITS).catch((e: unknown) => e);
  expect(step).toBeInstanceOf(SecondStepRequired);
  return (step as SecondStepRequired).token;
}

const codesLeft = async (userId: string) =>
  (await db().select({ id: mfaRecoveryCodes.id }).from(mfaRecoveryCodes).where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)))).length;

describe("the second step, one code sent several times at once", () => {
  it("one authenticator code: one session", async () => {
    await resetRateLimits();
    const { user, secret } = await userWithTotp();
    const token = await pendingStep(user, at(60));
    const before = await sessionsOf(user.id);
    const code = totpCode(secret, at(61));
    expect(await fulfilled(Array.from({ length: AT_ONCE }, (_, i) => () => completeSecondStep(token, code, from(10 + i), at(61), LIMITS)))).toBe(1);
    expect(await sessionsOf(user.id)).toBe(before + 1);
  });

  it("one authenticator code at several pending steps at once (the person and someone with their password): one session (review 32)", async () => {
    await resetRateLimits();
    const { user, secret } = await userWithTotp();
    const tokens = [];
    for (let i = 0; i < AT_ONCE; i++) tokens.push(await pendingStep(user, at(60)));
    const before = await sessionsOf(user.id);
    const code = totpCode(secret, at(61));
    expect(await fulfilled(tokens.map((token, i) => () => completeSecondStep(token, code, from(40 + i), at(61), LIMITS)))).toBe(1);
    expect(await sessionsOf(user.id)).toBe(before + 1);
  });

  it("one recovery code: one session, one code used", async () => {
    await resetRateLimits();
    const { user, codes } = await userWithTotp();
    const token = await pendingStep(user, at(60));
    const before = await sessionsOf(user.id);
    expect(await fulfilled(Array.from({ length: AT_ONCE }, (_, i) => () => completeSecondStep(token, codes[0], from(20 + i), at(61), LIMITS)))).toBe(1);
    expect(await sessionsOf(user.id)).toBe(before + 1);
    expect(await codesLeft(user.id)).toBe(codes.length - 1);
  });

  it("different recovery codes on one step: one session, and only the code that made it is used", async () => {
    await resetRateLimits();
    const { user, codes } = await userWithTotp();
    const token = await pendingStep(user, at(60));
    const before = await sessionsOf(user.id);
    expect(await fulfilled(codes.slice(0, AT_ONCE).map((code, i) => () => completeSecondStep(token, code, from(30 + i), at(61), LIMITS)))).toBe(1);
    expect(await sessionsOf(user.id)).toBe(before + 1);
    expect(await codesLeft(user.id)).toBe(codes.length - 1);
  });
});

describe("proving it's them with a code, several times at once", () => {
  it("one authenticator code proves one change, not several (a person without a password: the code is the proof)", async () => {
    await resetRateLimits();
    const { user, secret } = await userWithTotp(null);
    const actor = await startSession(user);
    const now = new Date();
    const code = totpCode(secret, now);
    expect(await fulfilled(Array.from({ length: AT_ONCE }, () => () => assertProvesItsThem(actor, { code }, "token.create", META, now)))).toBe(1);
  });
});
