/**
 * Passkeys' rules against @simplewebauthn/server's real verification, with a
 * software authenticator (test/software-authenticator.ts): registering
 * (named, sealed, user verification required, challenges single-use and
 * expiring), renaming and removing one's own only, the second step with a
 * passkey (bound to the pending step, throttled like codes), passwordless
 * sign-in (bound to the browser, the same refusal for every reason), and an
 * admin's reset.
 */
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import type { RequestMeta } from "@/lib/auth/actor";
import type { SignInLimits } from "@/lib/config";
import { db } from "@/lib/db/database";
import { mfaPasskeys, sessions } from "@/lib/db/schema";
import { Invalid, NotFound, PreconditionFailed } from "@/lib/errors";
import { resolveSession } from "@/lib/sessions/sessions";
import { listUsers, userFiltersSchema } from "@/lib/users/queries";
import { createAccount, createUser, lastEvent, META, setPublicAddress, startSession, type TestUser, updateUserRow } from "@/test/factories";
import { softwarePasskey, type SoftwarePasskey } from "@/test/software-authenticator";
import { resetTwoFactor } from "./admin";
import { parseAuthenticationResponse } from "./passkey-records";
import { PasskeySignInFailed, passwordlessOptions, signInWithPasskey } from "@/lib/sign-in/passkey-sign-in";
import { attestationWithoutCertificates, finishPasskeyRegistration, ownPasskeys, removePasskey, renamePasskey, startPasskeyRegistration } from "./passkeys";
import { mfaSummary } from "./records";
import { recoveryCodesLeft } from "./recovery-codes";
import { CodeThrottled, SecondStepRequired } from "./second-step";
import { completeSecondStepWithPasskey, PasskeyNotAccepted, secondStepPasskeyOptions } from "./second-step-passkey";

const ORIGIN = "https://team.example.com";
const PASSWORD = "a long and unusual passphrase";
const LIMITS: SignInLimits = { freeAttempts: 5, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 1000, lockoutFailures: 100, lockoutWindowSeconds: 86_400 };

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
  // Without a public address there is no relying party, and the message says what to set.
  const early = await startSession(await createUser(accountId, { password: PASSWORD }));
  await expect(startPasskeyRegistration(early, { password: PASSWORD }, META)).rejects.toThrow(/PUBLIC_URL/);
  expect((await ownPasskeys(early)).available).toBe(false);
  // Settings → Email's public address (PUBLIC_URL would win over it).
  await setPublicAddress(accountId, ORIGIN);
});

const addresses = new Map<string, RequestMeta>();
function from(user: { id: string }): RequestMeta {
  if (!addresses.has(user.id)) addresses.set(user.id, { ip: `198.51.100.${addresses.size + 1}`, userAgent: "vitest" });
  return addresses.get(user.id)!;
}
const answer = (value: Record<string, unknown>) => parseAuthenticationResponse(JSON.stringify(value))!;

/** A user with one registered software passkey. */
async function userWithPasskey(options: Parameters<typeof createUser>[1] = {}): Promise<{ user: TestUser; passkey: SoftwarePasskey; codes: string[] | null; id: string }> {
  const user = await createUser(accountId, { password: PASSWORD, ...options });
  const actor = await startSession(user);
  const passkey = softwarePasskey(user.id);
  const created = await startPasskeyRegistration(actor, { password: PASSWORD }, META);
  const done = await finishPasskeyRegistration(actor, { name: "Work laptop", response: passkey.register(created, ORIGIN) }, META);
  return { user, passkey, codes: done.recoveryCodes, id: done.passkey.id };
}

describe("registering a passkey", () => {
  it("stores a named passkey (name and key sealed), and the first factor comes with ten recovery codes", async () => {
    const { user, codes, id } = await userWithPasskey();
    expect(codes).toHaveLength(10);
    const actor = await startSession(user);
    const second = softwarePasskey(user.id);
    const done = await finishPasskeyRegistration(actor, { name: "  YubiKey  5 ", response: second.register(await startPasskeyRegistration(actor, { password: PASSWORD }, META), ORIGIN) }, META);
    expect(done.recoveryCodes).toBeNull();
    expect(done.passkey.name).toBe("YubiKey 5");
    expect((await ownPasskeys(actor)).passkeys.map((p) => p.name)).toEqual(["Work laptop", "YubiKey 5"]);
    expect(await mfaSummary(db(), user.id)).toMatchObject({ passkeys: 2, recoveryCodesLeft: 10 });
    const [row] = await db().select().from(mfaPasskeys).where(eq(mfaPasskeys.id, id));
    expect(row.nameCiphertext).not.toContain("Work laptop");
    expect(row.accountId).toBe(accountId);
    expect(await lastEvent()).toMatchObject({ action: "mfa.factor.added", details: expect.objectContaining({ factor: "passkey" }) });
    // Team → Users: a passkey counts as a second factor in the 2FA filter and the user's summary.
    const admin = await startSession(await createUser(accountId, { role: "admin", password: PASSWORD }));
    const on = await listUsers(admin, userFiltersSchema.parse({ mfa: "on", limit: 100 }));
    expect(on.items.map((u) => u.id)).toContain(user.id);
    expect(on.items.find((u) => u.id === user.id)?.mfa).toMatchObject({ totp: false, passkeys: 2 });
    const off = await listUsers(admin, userFiltersSchema.parse({ mfa: "off", limit: 100 }));
    expect(off.items.map((u) => u.id)).not.toContain(user.id);
  });

  it("refuses an answer without user verification, from another origin, for a used or expired challenge, or without a name", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await startSession(user);
    const key = softwarePasskey(user.id);
    let options = await startPasskeyRegistration(actor, { password: PASSWORD }, META);
    await expect(finishPasskeyRegistration(actor, { name: "Phone", response: key.register(options, ORIGIN, { userVerified: false }) }, META)).rejects.toThrow(Invalid);
    // That answer used the challenge up.
    await expect(finishPasskeyRegistration(actor, { name: "Phone", response: key.register(options, ORIGIN) }, META)).rejects.toThrow(PreconditionFailed);
    options = await startPasskeyRegistration(actor, { password: PASSWORD }, META);
    await expect(finishPasskeyRegistration(actor, { name: "Phone", response: key.register(options, "https://evil.example.net") }, META)).rejects.toThrow(Invalid);
    options = await startPasskeyRegistration(actor, { password: PASSWORD }, META, new Date(Date.now() - 6 * 60_000));
    await expect(finishPasskeyRegistration(actor, { name: "Phone", response: key.register(options, ORIGIN) }, META)).rejects.toThrow(PreconditionFailed);
    options = await startPasskeyRegistration(actor, { password: PASSWORD }, META);
    await expect(finishPasskeyRegistration(actor, { name: "   ", response: key.register(options, ORIGIN) }, META)).rejects.toThrow(Invalid);
    expect((await mfaSummary(db(), user.id)).passkeys).toBe(0);
  });

  it("refuses attestation that carries certificates (checking them would fetch addresses the answer names)", async () => {
    const key = softwarePasskey();
    const plain = key.register({ challenge: "abc", rp: { id: "team.example.com" } }, ORIGIN) as { response: { attestationObject: string } };
    expect(await attestationWithoutCertificates(plain.response.attestationObject)).toBe(true);
    expect(await attestationWithoutCertificates("not cbor at all")).toBe(false);
  });
});

describe("renaming and removing", () => {
  it("renames and removes only one's own passkeys; removing needs the password; the last factor takes the recovery codes", async () => {
    const { user, id } = await userWithPasskey();
    const other = await userWithPasskey();
    const actor = await startSession(user);
    await expect(renamePasskey(actor, other.id, { name: "Mine now" }, META)).rejects.toThrow(NotFound);
    await expect(removePasskey(actor, other.id, { password: PASSWORD }, META)).rejects.toThrow(NotFound);
    expect((await renamePasskey(actor, id, { name: "Old laptop" }, META)).name).toBe("Old laptop");
    expect(await lastEvent()).toMatchObject({ action: "mfa.passkey.renamed" });
    await expect(removePasskey(actor, id, { password: "not my password" }, META)).rejects.toThrow(Invalid);
    await removePasskey(actor, id, { password: PASSWORD }, META);
    expect(await mfaSummary(db(), user.id)).toMatchObject({ passkeys: 0, recoveryCodesLeft: 0 });
    expect(await lastEvent()).toMatchObject({ action: "mfa.factor.removed", details: expect.objectContaining({ factor: "passkey" }) });
    expect((await mfaSummary(db(), other.user.id)).passkeys).toBe(1);
  });
});

describe("a passkey as the second step", () => {
  async function passwordStep(user: TestUser): Promise<string> {
    const err = await signInWithPassword(user.email, PASSWORD, from(user), new Date(), LIMITS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecondStepRequired);
    return (err as SecondStepRequired).token;
  }

  it("after the password, the person's passkey makes the session; the challenge works once", async () => {
    const { user, passkey, id } = await userWithPasskey();
    const token = await passwordStep(user);
    const options = await secondStepPasskeyOptions(token);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([passkey.credentialId.toString("base64url")]);
    expect(options.userVerification).toBe("required");
    const response = answer(passkey.assert(options, ORIGIN));
    const signedIn = await completeSecondStepWithPasskey(token, response, from(user), new Date(), LIMITS);
    expect(await resolveSession(signedIn.sessionId)).toMatchObject({ userId: user.id });
    expect(await lastEvent()).toMatchObject({ action: "user.login", details: expect.objectContaining({ second_factor: "passkey" }) });
    const [row] = await db().select().from(mfaPasskeys).where(eq(mfaPasskeys.id, id));
    expect(row.lastUsedAt).not.toBeNull();
    // A new password step; the old answer (its challenge used up) proves nothing.
    const again = await passwordStep(user);
    await secondStepPasskeyOptions(again);
    await expect(completeSecondStepWithPasskey(again, response, from(user), new Date(), LIMITS)).rejects.toThrow(PasskeyNotAccepted);
    expect(await lastEvent()).toMatchObject({ action: "mfa.passkey.failed" });
  });

  it("refuses someone else's passkey, and an answer without user verification; five failures and it must wait", async () => {
    const { user, passkey } = await userWithPasskey();
    const stranger = await userWithPasskey();
    const token = await passwordStep(user);
    const sessionsBefore = (await db().select().from(sessions).where(eq(sessions.userId, user.id))).length;
    await expect(completeSecondStepWithPasskey(token, answer(stranger.passkey.assert(await secondStepPasskeyOptions(token), ORIGIN)), from(user), new Date(), LIMITS)).rejects.toThrow(PasskeyNotAccepted);
    for (let i = 0; i < 4; i++) {
      const options = await secondStepPasskeyOptions(token);
      await expect(completeSecondStepWithPasskey(token, answer(passkey.assert(options, ORIGIN, { userVerified: false })), from(user), new Date(), LIMITS)).rejects.toThrow(PasskeyNotAccepted);
    }
    const options = await secondStepPasskeyOptions(token);
    await expect(completeSecondStepWithPasskey(token, answer(passkey.assert(options, ORIGIN)), from(user), new Date(), LIMITS)).rejects.toThrow(CodeThrottled);
    expect((await db().select().from(sessions).where(eq(sessions.userId, user.id))).length).toBe(sessionsBefore);
  });
});

describe("passwordless sign-in", () => {
  it("signs in with the passkey alone, bound to the browser that asked", async () => {
    const { user, passkey } = await userWithPasskey();
    const options = await passwordlessOptions("browser-one", META);
    expect(options.allowCredentials ?? []).toEqual([]);
    // Another browser's binding doesn't fit this challenge.
    await expect(signInWithPasskey("browser-two", answer(passkey.assert(options, ORIGIN)), from(user), new Date(), LIMITS)).rejects.toThrow(PasskeySignInFailed);
    const fresh = await passwordlessOptions("browser-one", META);
    const signedIn = await signInWithPasskey("browser-one", answer(passkey.assert(fresh, ORIGIN)), from(user), new Date(), LIMITS);
    expect(signedIn.userId).toBe(user.id);
    expect(await resolveSession(signedIn.sessionId)).toMatchObject({ userId: user.id });
    expect(await lastEvent()).toMatchObject({ action: "user.login", details: expect.objectContaining({ method: "passkey", second_factor: "passkey" }) });
  });

  it("refuses a cloned authenticator: a signature counter that doesn't move past the stored one (review 43, held)", async () => {
    const { user, passkey, id } = await userWithPasskey();
    const first = await passwordlessOptions("browser-clone", META);
    await signInWithPasskey("browser-clone", answer(passkey.assert(first, ORIGIN)), from(user), new Date(), LIMITS);
    const [stored] = await db().select().from(mfaPasskeys).where(eq(mfaPasskeys.id, id));
    expect(stored.counter).toBe(1);
    // A copy of the key taken before that sign-in answers with the counter it had: 1 again, then 0 + 1 again.
    passkey.counter = 0;
    const second = await passwordlessOptions("browser-clone", META);
    await expect(signInWithPasskey("browser-clone", answer(passkey.assert(second, ORIGIN)), from(user), new Date(), LIMITS)).rejects.toThrow(PasskeySignInFailed);
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", details: { reason: "passkey_not_verified", method: "passkey" } });
    // The same copy at the second step after the password: refused too.
    const step = await signInWithPassword(user.email, PASSWORD, from(user), new Date(), LIMITS).catch((e: unknown) => e);
    expect(step).toBeInstanceOf(SecondStepRequired);
    const token = (step as SecondStepRequired).token;
    passkey.counter = 0;
    await expect(completeSecondStepWithPasskey(token, answer(passkey.assert(await secondStepPasskeyOptions(token), ORIGIN)), from(user), new Date(), LIMITS)).rejects.toThrow(PasskeyNotAccepted);
    const [after] = await db().select().from(mfaPasskeys).where(eq(mfaPasskeys.id, id));
    expect(after.counter).toBe(1);
  });

  it("gives a blocked user, an unverified answer, an unknown passkey and another user's handle the same refusal", async () => {
    const blocked = await userWithPasskey();
    await updateUserRow(blocked.user.id, { isBlocked: true });
    const messages: string[] = [];
    const refuse = async (make: (o: Awaited<ReturnType<typeof passwordlessOptions>>) => Record<string, unknown>, reason: string) => {
      const options = await passwordlessOptions("browser-x", META);
      const err = await signInWithPasskey("browser-x", answer(make(options)), META, new Date(), LIMITS).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PasskeySignInFailed);
      messages.push((err as Error).message);
      expect(await lastEvent()).toMatchObject({ action: "user.login.failed", details: expect.objectContaining({ reason }) });
    };
    await refuse((o) => blocked.passkey.assert(o, ORIGIN), "blocked_user");
    const ok = await userWithPasskey();
    await refuse((o) => ok.passkey.assert(o, ORIGIN, { userVerified: false }), "passkey_not_verified");
    await refuse((o) => softwarePasskey().assert(o, ORIGIN), "unknown_passkey");
    await refuse((o) => ok.passkey.assert(o, ORIGIN, { userHandle: blocked.user.id }), "unknown_passkey");
    // A directory (or identity provider) user's passkey is a second factor only: the directory keeps its say.
    const directory = await userWithPasskey();
    await updateUserRow(directory.user.id, { idpId: "ldap-source" });
    await refuse((o) => directory.passkey.assert(o, ORIGIN), "external_identity");
    expect(new Set(messages).size).toBe(1);
  });
});

describe("an admin's reset", () => {
  it("removes passkeys with the other factors", async () => {
    const { user } = await userWithPasskey();
    const admin = await startSession(await createUser(accountId, { role: "admin", password: PASSWORD }));
    await resetTwoFactor(admin, user.id, META, { password: PASSWORD });
    expect(await mfaSummary(db(), user.id)).toMatchObject({ passkeys: 0, recoveryCodesLeft: 0 });
    expect(await recoveryCodesLeft(db(), user.id)).toBe(0);
  });
});
