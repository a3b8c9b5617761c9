/**
 * An app asked Pat to confirm it's them (`onlyPerson`: ./only-person.ts): a password, a passkey or a second step that
 * proves Sam is refused (no session, no second step for Sam, on record against Pat), while a wrong credential for
 * Sam fails exactly as any wrong one does, and Pat's own still signs in. The external providers' and the
 * directory's side: lib/sign-in/reauthentication.test.ts, lib/idp/ldap/ldap.test.ts.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { RequestMeta } from "@/lib/auth/actor";
import type { SignInLimits } from "@/lib/config";
import { db } from "@/lib/db/database";
import { mfaPendingSteps, sessions } from "@/lib/db/schema";
import { confirmTotpSetup, startTotpSetup } from "@/lib/mfa/factors";
import { parseAuthenticationResponse } from "@/lib/mfa/passkey-records";
import { finishPasskeyRegistration, startPasskeyRegistration } from "@/lib/mfa/passkeys";
import { completeSecondStep, SecondStepRequired } from "@/lib/mfa/second-step";
import { totpCode } from "@/lib/mfa/totp";
import { PasskeySignInFailed, passwordlessOptions, signInWithPasskey } from "@/lib/sign-in/passkey-sign-in";
import { SignInFailed, SignInThrottled, signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, lastEvent, META, setPublicAddress, startSession, type TestUser } from "@/test/factories";
import { softwarePasskey } from "@/test/software-authenticator";
import { NotThePerson } from "./only-person";

const ORIGIN = "https://team.example.com";
const PASSWORD = "a long and unusual passphrase";
// Two free failures per address and per identifier: a refusal that counted would show by the third.
const LIMITS: SignInLimits = { freeAttempts: 2, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 2, lockoutFailures: 100, lockoutWindowSeconds: 86_400 };

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
  // A public address (Settings → Email): the relying party for passkeys.
  await setPublicAddress(accountId, ORIGIN);
});

let addresses = 0;
/** Each test signs in from its own address: the throttle's memory of one doesn't reach the next. */
const freshAddress = (): RequestMeta => ({ ip: `203.0.113.${++addresses}`, userAgent: "vitest" });
const sessionsOf = async (userId: string) => db().select().from(sessions).where(eq(sessions.userId, userId));
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

async function refusedForPat(pat: TestUser, method?: Record<string, unknown>) {
  expect(await lastEvent()).toMatchObject({ action: "user.login.failed", actorId: pat.id, targetId: pat.id, details: { reason: "not_the_person", ...method } });
}

describe("a password on Pat's confirm page", () => {
  it("refuses Sam's right password (no session, on record for Pat), fails Sam's wrong one as any, and lets Pat in", async () => {
    const pat = await createUser(accountId, { password: PASSWORD });
    const sam = await createUser(accountId, { password: PASSWORD });
    const from = freshAddress();

    const err = await failure(signInWithPassword(sam.email, PASSWORD, from, new Date(), LIMITS, pat.id));
    expect(err).toBeInstanceOf(NotThePerson);
    expect(await sessionsOf(sam.id)).toHaveLength(0);
    await refusedForPat(pat);

    // A wrong password for Sam reads as every wrong password does: no hint whom it names.
    const wrong = await failure(signInWithPassword(sam.email, "not sam's password", freshAddress(), new Date(), LIMITS, pat.id));
    const nobody = await failure(signInWithPassword("nobody@example.com", "not sam's password", freshAddress(), new Date(), LIMITS));
    expect(wrong).toBeInstanceOf(SignInFailed);
    expect(wrong).not.toBeInstanceOf(NotThePerson);
    expect(wrong).toEqual(nobody);
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", details: { reason: "unknown_email" } });

    // Pat's own password answers; without anyone asked, Sam signs in as ever.
    expect(await signInWithPassword(pat.email, PASSWORD, from, new Date(), LIMITS, pat.id)).toMatchObject({ userId: pat.id });
    expect(await signInWithPassword(sam.email, PASSWORD, freshAddress(), new Date(), LIMITS)).toMatchObject({ userId: sam.id });
  });

  it("doesn't count a refused right password against the throttle: Pat trying again from there isn't kept waiting", async () => {
    const pat = await createUser(accountId, { password: PASSWORD });
    const sam = await createUser(accountId, { password: PASSWORD });
    const from = freshAddress();
    for (let i = 0; i < 4; i++) expect(await failure(signInWithPassword(sam.email, PASSWORD, from, new Date(), LIMITS, pat.id))).toBeInstanceOf(NotThePerson);
    expect(await signInWithPassword(pat.email, PASSWORD, from, new Date(), LIMITS, pat.id)).toMatchObject({ userId: pat.id });
    // Wrong passwords still count, on the confirm page as anywhere.
    for (let i = 0; i < 2; i++) expect(await failure(signInWithPassword(sam.email, "wrong", from, new Date(), LIMITS, pat.id))).toBeInstanceOf(SignInFailed);
    expect(await failure(signInWithPassword(sam.email, "wrong", from, new Date(), LIMITS, pat.id))).toBeInstanceOf(SignInThrottled);
  });
});

describe("a second step on Pat's confirm page", () => {
  async function withTotp(user: TestUser): Promise<string> {
    const actor = await startSession(user);
    const { secret } = await startTotpSetup(actor, { password: PASSWORD }, META);
    await confirmTotpSetup(actor, { code: totpCode(secret, new Date(Date.now() - 60_000)) }, META, new Date(Date.now() - 60_000));
    return secret;
  }

  it("refuses Sam's right password before any second step is begun", async () => {
    const pat = await createUser(accountId, { password: PASSWORD });
    const sam = await createUser(accountId, { password: PASSWORD });
    await withTotp(sam);
    expect(await failure(signInWithPassword(sam.email, PASSWORD, freshAddress(), new Date(), LIMITS, pat.id))).toBeInstanceOf(NotThePerson);
    expect(await db().select().from(mfaPendingSteps).where(eq(mfaPendingSteps.userId, sam.id))).toHaveLength(0);
    await refusedForPat(pat);
  });

  it("refuses Sam's pending step (begun elsewhere) before its code is used: no session, the code still good", async () => {
    const pat = await createUser(accountId, { password: PASSWORD });
    const sam = await createUser(accountId, { password: PASSWORD });
    const secret = await withTotp(sam);
    const from = freshAddress();
    const step = await failure(signInWithPassword(sam.email, PASSWORD, from, new Date(), LIMITS));
    expect(step).toBeInstanceOf(SecondStepRequired);
    const { token } = step as SecondStepRequired;
    const code = totpCode(secret, new Date());
    const before = (await sessionsOf(sam.id)).length;

    expect(await failure(completeSecondStep(token, code, from, new Date(), LIMITS, pat.id))).toBeInstanceOf(NotThePerson);
    expect(await sessionsOf(sam.id)).toHaveLength(before);
    await refusedForPat(pat, { method: "password", step: "second_step" });
    // Nothing was used up: the same code finishes Sam's own sign-in where nobody is asked.
    expect(await completeSecondStep(token, code, from, new Date(), LIMITS)).toMatchObject({ userId: sam.id });
  });
});

describe("a passkey on Pat's confirm page", () => {
  const answer = (value: Record<string, unknown>) => parseAuthenticationResponse(JSON.stringify(value))!;

  async function withPasskey(user: TestUser) {
    const passkey = softwarePasskey(user.id);
    const actor = await startSession(user);
    const created = await startPasskeyRegistration(actor, { password: PASSWORD }, META);
    await finishPasskeyRegistration(actor, { name: "Laptop", response: passkey.register(created, ORIGIN) }, META);
    return passkey;
  }

  it("refuses Sam's passkey (no session, on record for Pat), fails an unverified one as any, and lets Pat's in", async () => {
    const pat = await createUser(accountId, { password: PASSWORD });
    const sam = await createUser(accountId, { password: PASSWORD });
    const [patKey, samKey] = [await withPasskey(pat), await withPasskey(sam)];
    const from = freshAddress();
    const before = (await sessionsOf(sam.id)).length;

    const options = await passwordlessOptions("browser", META);
    expect(await failure(signInWithPasskey("browser", answer(samKey.assert(options, ORIGIN)), from, new Date(), LIMITS, pat.id))).toBeInstanceOf(NotThePerson);
    expect(await sessionsOf(sam.id)).toHaveLength(before);
    await refusedForPat(pat, { method: "passkey" });

    // An answer that proves nobody reads as every failed passkey does.
    const again = await passwordlessOptions("browser", META);
    const unverified = samKey.assert(again, ORIGIN, { userVerified: false });
    expect(await failure(signInWithPasskey("browser", answer(unverified), from, new Date(), LIMITS, pat.id))).toBeInstanceOf(PasskeySignInFailed);

    const patOptions = await passwordlessOptions("browser", META);
    expect(await signInWithPasskey("browser", answer(patKey.assert(patOptions, ORIGIN)), from, new Date(), LIMITS, pat.id)).toMatchObject({ userId: pat.id });
  });
});
