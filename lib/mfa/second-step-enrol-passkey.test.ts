/**
 * A passkey as the factor set up during sign-in (enforcement on, no factor
 * yet), against @simplewebauthn/server's real verification with a software
 * authenticator: registered for the pending step's person only, proves the
 * step, issues the recovery codes, and the next sign-in asks for it. Refused
 * without a pending step, with another person's step or challenge, for a
 * step that must prove a factor instead, and throttled like codes.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { RequestMeta } from "@/lib/auth/actor";
import type { SignInLimits } from "@/lib/config";
import { db } from "@/lib/db/database";
import { mfaPasskeys, sessions } from "@/lib/db/schema";
import { Invalid, PreconditionFailed } from "@/lib/errors";
import { resolveSession } from "@/lib/sessions/sessions";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, lastEvent, META, setPublicAddress, startSession, type TestUser } from "@/test/factories";
import { softwarePasskey } from "@/test/software-authenticator";
import { parseAuthenticationResponse } from "./passkey-records";
import { updateSecurityPolicy } from "./policy";
import { mfaSummary } from "./records";
import { CodeThrottled, completeSecondStep, SecondStepExpired, SecondStepRequired, startEnrolment } from "./second-step";
import { finishEnrolmentPasskey, startEnrolmentPasskey } from "./second-step-enrol-passkey";
import { completeSecondStepWithPasskey, secondStepPasskeyOptions } from "./second-step-passkey";

const ORIGIN = "https://team.example.com";
const PASSWORD = "a long and unusual passphrase";
const LIMITS: SignInLimits = { freeAttempts: 5, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 1000, lockoutFailures: 100, lockoutWindowSeconds: 86_400 };

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
  const owner = await createUser(accountId, { role: "owner", password: PASSWORD });
  await setPublicAddress(accountId, ORIGIN);
  await updateSecurityPolicy(await startSession(owner), { require_for: "everyone", grace_days: 0 }, META, new Date(Date.now() - 60_000));
});

const addresses = new Map<string, RequestMeta>();
function from(user: { id: string }): RequestMeta {
  if (!addresses.has(user.id)) addresses.set(user.id, { ip: `203.0.113.${addresses.size + 1}`, userAgent: "vitest" });
  return addresses.get(user.id)!;
}

async function passwordStep(user: TestUser): Promise<SecondStepRequired> {
  const err = await signInWithPassword(user.email, PASSWORD, from(user), new Date(), LIMITS).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SecondStepRequired);
  return err as SecondStepRequired;
}

const sessionsOf = async (userId: string) => db().select().from(sessions).where(eq(sessions.userId, userId));

describe("a passkey set up during sign-in", () => {
  it("registers for the pending person, proves the step with ten recovery codes, and is the next sign-in's second step", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const step = await passwordStep(user);
    expect(step.enrol).toBe(true);
    // The page had started an app set-up too; choosing the passkey leaves no half-done app behind.
    await startEnrolment(step.token);
    const options = await startEnrolmentPasskey(step.token);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
    expect(Buffer.from(options.user.id, "base64url").toString()).toBe(user.id);
    const passkey = softwarePasskey(user.id);
    const codes = await finishEnrolmentPasskey(step.token, { name: "Chrome on Linux", response: passkey.register(options, ORIGIN) }, from(user), new Date(), LIMITS);
    expect(codes).toHaveLength(10);
    expect(await lastEvent()).toMatchObject({ action: "mfa.factor.added", targetId: user.id, details: expect.objectContaining({ factor: "passkey", during_sign_in: true }) });
    expect(await mfaSummary(db(), user.id)).toMatchObject({ totp: false, passkeys: 1, recoveryCodesLeft: 10 });
    expect(await sessionsOf(user.id)).toHaveLength(0);
    // Proven once: the step takes no second passkey.
    await expect(startEnrolmentPasskey(step.token)).rejects.toThrow(SecondStepExpired);

    const signedIn = await completeSecondStep(step.token, "", from(user), new Date(), LIMITS);
    expect(await resolveSession(signedIn.sessionId)).toMatchObject({ userId: user.id });
    expect(await lastEvent()).toMatchObject({ action: "user.login", details: expect.objectContaining({ second_factor: "enrolment" }) });

    // The next sign-in asks for the passkey.
    const next = await passwordStep(user);
    expect(next.enrol).toBe(false);
    const assertion = passkey.assert(await secondStepPasskeyOptions(next.token), ORIGIN);
    const again = await completeSecondStepWithPasskey(next.token, parseAuthenticationResponse(JSON.stringify(assertion))!, from(user), new Date(), LIMITS);
    expect(again.userId).toBe(user.id);
  });

  it("is refused without a pending step, with another person's step or challenge, and for a step that must prove a factor", async () => {
    const pat = await createUser(accountId, { password: PASSWORD });
    const sam = await createUser(accountId, { password: PASSWORD });
    const patStep = await passwordStep(pat);
    const samStep = await passwordStep(sam);
    const samOptions = await startEnrolmentPasskey(samStep.token);
    const made = softwarePasskey(sam.id).register(samOptions, ORIGIN);

    // No pending step (no cookie, a made-up one).
    await expect(startEnrolmentPasskey("")).rejects.toThrow(SecondStepExpired);
    await expect(finishEnrolmentPasskey("", { name: "Mine", response: made }, from(sam), new Date(), LIMITS)).rejects.toThrow(SecondStepExpired);
    await expect(finishEnrolmentPasskey("x".repeat(43), { name: "Mine", response: made }, from(sam), new Date(), LIMITS)).rejects.toThrow(SecondStepExpired);
    // Pat's step with the answer to Sam's challenge: the challenge is bound to Sam's step, so Pat has none.
    await expect(finishEnrolmentPasskey(patStep.token, { name: "Sam's", response: made }, from(pat), new Date(), LIMITS)).rejects.toThrow(PreconditionFailed);
    // ... and with a challenge of Pat's own, Sam's answer doesn't check out.
    await startEnrolmentPasskey(patStep.token);
    await expect(finishEnrolmentPasskey(patStep.token, { name: "Sam's", response: made }, from(pat), new Date(), LIMITS)).rejects.toThrow(Invalid);
    expect((await db().select().from(mfaPasskeys).where(eq(mfaPasskeys.userId, pat.id))).length).toBe(0);
    // Sam's challenge was left alone by all that: Sam's own answer registers for Sam.
    expect(await finishEnrolmentPasskey(samStep.token, { name: "Sam's laptop", response: made }, from(sam), new Date(), LIMITS)).toHaveLength(10);
    expect((await db().select().from(mfaPasskeys).where(eq(mfaPasskeys.userId, sam.id))).length).toBe(1);
    expect(await sessionsOf(sam.id)).toHaveLength(0);

    // Sam now has a factor: a new step must prove it, never add another one past it.
    const samNext = await passwordStep(sam);
    expect(samNext.enrol).toBe(false);
    await expect(startEnrolmentPasskey(samNext.token)).rejects.toThrow(SecondStepExpired);
    await expect(finishEnrolmentPasskey(samNext.token, { name: "Extra", response: made }, from(sam), new Date(), LIMITS)).rejects.toThrow(SecondStepExpired);
  });

  it("requires user verification, uses a challenge once, and waits after five refused answers", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const step = await passwordStep(user);
    const passkey = softwarePasskey(user.id);
    const options = await startEnrolmentPasskey(step.token);
    await expect(finishEnrolmentPasskey(step.token, { name: "Laptop", response: passkey.register(options, ORIGIN, { userVerified: false }) }, from(user), new Date(), LIMITS)).rejects.toThrow(Invalid);
    // The challenge went with that answer.
    await expect(finishEnrolmentPasskey(step.token, { name: "Laptop", response: passkey.register(options, ORIGIN) }, from(user), new Date(), LIMITS)).rejects.toThrow(PreconditionFailed);
    for (let i = 0; i < 3; i++) {
      const fresh = await startEnrolmentPasskey(step.token);
      await expect(finishEnrolmentPasskey(step.token, { name: "Laptop", response: passkey.register(fresh, "https://evil.example") }, from(user), new Date(), LIMITS)).rejects.toThrow(Invalid);
    }
    const last = await startEnrolmentPasskey(step.token);
    await expect(finishEnrolmentPasskey(step.token, { name: "Laptop", response: passkey.register(last, ORIGIN) }, from(user), new Date(), LIMITS)).rejects.toThrow(CodeThrottled);
    expect(await mfaSummary(db(), user.id)).toMatchObject({ passkeys: 0, recoveryCodesLeft: 0 });
  });
});
