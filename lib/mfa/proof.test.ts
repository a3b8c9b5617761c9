/**
 * Changing one's own second factors asks for proof that it's the person (lib/mfa/proof.ts), not someone
 * holding their session: setting up an authenticator app, making new recovery codes and adding a passkey
 * (lib/mfa/passkey-persistence.test.ts follows the stolen passkey to its end). Without a local password:
 * a current code from the app, used up; without an app either, a sign-in in the last minutes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { Invalid, PreconditionFailed, RateLimited } from "@/lib/errors";
import { endOtherSessions } from "@/lib/sessions/revoke";
import { resetUserPassword } from "@/lib/users/access-control";
import { changeOwnPassword } from "@/lib/users/password";
import { softwarePasskey } from "@/test/software-authenticator";
import { createAccount, createUser, lastEvent, META, setPublicAddress, startSession } from "@/test/factories";
import { confirmTotpSetup, regenerateRecoveryCodes, startTotpSetup } from "./factors";
import { finishPasskeyRegistration, startPasskeyRegistration } from "./passkeys";
import { RECENT_SIGN_IN_MINUTES } from "./proof";
import { mfaSummary } from "./records";
import { consumeRecoveryCode } from "./recovery-codes";
import { totpCode } from "./totp";

const PASSWORD = "a long and unusual passphrase";
const ORIGIN = "https://team.example.com";

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
  await setPublicAddress(accountId, ORIGIN);
});

const fieldErrorsOf = (e: unknown) => (e instanceof Invalid ? e.fieldErrors : e);

describe("with a local password", () => {
  it("setting up an authenticator app from a session alone is refused; the password lets it start", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const stolen = await startSession(user);
    expect(fieldErrorsOf(await startTotpSetup(stolen, {}, META).catch((e: unknown) => e))).toEqual({ password: ["Current password is required"] });
    expect(fieldErrorsOf(await startTotpSetup(stolen, { password: "a guess" }, META).catch((e: unknown) => e))).toEqual({ password: ["Current password is incorrect"] });
    // Someone holding the session without the password shows in the activity log.
    expect(await lastEvent()).toMatchObject({ action: "mfa.proof.failed", targetId: user.id, details: { change: "totp.set_up", reason: "password" } });
    // Nothing was kept that a later code could turn on.
    await expect(confirmTotpSetup(stolen, { code: "123456" }, META)).rejects.toThrow(PreconditionFailed);
    const { secret } = await startTotpSetup(stolen, { password: PASSWORD }, META);
    await confirmTotpSetup(stolen, { code: totpCode(secret, new Date()) }, META);
    expect((await mfaSummary(db(), user.id)).totp).toBe(true);
  });

  it("new recovery codes from a session alone are refused, and the old ones keep working", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await startSession(user);
    const { secret } = await startTotpSetup(actor, { password: PASSWORD }, META);
    const codes = (await confirmTotpSetup(actor, { code: totpCode(secret, new Date()) }, META))!;
    await expect(regenerateRecoveryCodes(actor, {}, META)).rejects.toThrow(Invalid);
    await expect(regenerateRecoveryCodes(actor, { password: "a guess" }, META)).rejects.toThrow(Invalid);
    expect(await writeSystem((tx) => consumeRecoveryCode(tx, user.id, codes[0], new Date()))).toBe(true);
    const fresh = await regenerateRecoveryCodes(actor, { password: PASSWORD }, META);
    expect(fresh).toHaveLength(10);
    expect(await lastEvent()).toMatchObject({ action: "mfa.recovery_codes.regenerated" });
    expect(await writeSystem((tx) => consumeRecoveryCode(tx, user.id, codes[1], new Date()))).toBe(false);
  });

  it("guesses share the password change's limit, per person", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await startSession(user);
    // From ten addresses, so that the sign-in throttle's delay per address (which counts them too: review 43) isn't what stops them.
    for (let i = 0; i < 10; i++) await expect(startPasskeyRegistration(actor, { password: `guess ${i}` }, { ...META, ip: `192.0.2.${i + 1}` })).rejects.toThrow(Invalid);
    await expect(startTotpSetup(actor, { password: PASSWORD }, META)).rejects.toThrow(RateLimited);
    await expect(changeOwnPassword(actor, user.id, { old_password: PASSWORD, new_password: "another long passphrase 71" }, META)).rejects.toThrow(RateLimited);
  });

  it("an empty password is no attempt: neither counted nor recorded, while a wrong one is both", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await startSession(user);
    const before = await lastEvent();
    for (let i = 0; i < 12; i++) {
      expect(fieldErrorsOf(await startPasskeyRegistration(actor, { password: "" }, META).catch((e: unknown) => e))).toEqual({ password: ["Current password is required"] });
    }
    await expect(regenerateRecoveryCodes(actor, {}, META)).rejects.toThrow(Invalid);
    expect((await lastEvent())?.id).toBe(before?.id);
    await expect(startTotpSetup(actor, { password: "a guess" }, META)).rejects.toThrow(Invalid);
    expect(await lastEvent()).toMatchObject({ action: "mfa.proof.failed", targetId: user.id, details: { change: "totp.set_up", reason: "password" } });
    await expect(startTotpSetup(actor, { password: PASSWORD }, META)).resolves.toMatchObject({ secret: expect.any(String) });
  });
});

describe("without a local password (a directory or an external provider signs them in)", () => {
  it("with an authenticator app: a current code, once", async () => {
    const user = await createUser(accountId);
    const actor = await startSession(user);
    const { secret } = await startTotpSetup(actor, {}, META);
    const setUpAt = new Date(Date.now() - 60_000);
    await confirmTotpSetup(actor, { code: totpCode(secret, setUpAt) }, META, setUpAt);
    expect(fieldErrorsOf(await regenerateRecoveryCodes(actor, {}, META).catch((e: unknown) => e))).toEqual({ code: ["Enter the code from your authenticator app"] });
    const code = totpCode(secret, new Date());
    await expect(startPasskeyRegistration(actor, { code }, META)).resolves.toMatchObject({ challenge: expect.any(String) });
    // Seen over a shoulder, the same code proves nothing a second time.
    await expect(regenerateRecoveryCodes(actor, { code }, META)).rejects.toThrow(Invalid);
  });

  it("an empty code is no attempt: neither counted nor recorded, while a wrong one is both", async () => {
    const user = await createUser(accountId);
    const actor = await startSession(user);
    const { secret } = await startTotpSetup(actor, {}, META);
    const setUpAt = new Date(Date.now() - 60_000);
    await confirmTotpSetup(actor, { code: totpCode(secret, setUpAt) }, META, setUpAt);
    const before = await lastEvent();
    for (let i = 0; i < 12; i++) {
      expect(fieldErrorsOf(await regenerateRecoveryCodes(actor, { code: i % 2 ? "" : "   " }, META).catch((e: unknown) => e))).toEqual({ code: ["Enter the code from your authenticator app"] });
    }
    expect((await lastEvent())?.id).toBe(before?.id);
    await expect(regenerateRecoveryCodes(actor, { code: "000000" }, META)).rejects.toThrow(Invalid);
    expect(await lastEvent()).toMatchObject({ action: "mfa.proof.failed", targetId: user.id, details: { change: "recovery_codes.regenerate", reason: "code" } });
    await expect(regenerateRecoveryCodes(actor, { code: totpCode(secret, new Date()) }, META)).resolves.toHaveLength(10);
  });

  it("without an app: a sign-in in the last minutes, else they sign in again", async () => {
    const user = await createUser(accountId);
    const old = await startSession(user, new Date(Date.now() - (RECENT_SIGN_IN_MINUTES + 1) * 60_000));
    await expect(startTotpSetup(old, {}, META)).rejects.toThrow(/Sign in again/);
    expect(await lastEvent()).toMatchObject({ action: "mfa.proof.failed", details: { change: "totp.set_up", reason: "sign_in_not_recent" } });
    await expect(startPasskeyRegistration(old, {}, META)).rejects.toThrow(PreconditionFailed);
    const fresh = await startSession(user);
    // Per session (review 43): a fresh sign-in elsewhere is no proof for the old session someone may have taken.
    await expect(startTotpSetup(old, {}, META)).rejects.toThrow(PreconditionFailed);
    await expect(startTotpSetup(fresh, {}, META)).resolves.toMatchObject({ secret: expect.any(String) });
  });
});

describe("taking the account back", () => {
  it("keeps the person's passkeys and app, and records them with the password change, the reset and signing out elsewhere", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await startSession(user);
    const key = softwarePasskey(user.id);
    await finishPasskeyRegistration(actor, { name: "Laptop", response: key.register(await startPasskeyRegistration(actor, { password: PASSWORD }, META), ORIGIN) }, META);
    const kept = { passkeys_kept: 1, authenticator_app_kept: false };

    await endOtherSessions(actor, META);
    expect(await lastEvent()).toMatchObject({ action: "user.sessions.revoked", details: expect.objectContaining(kept) });
    await changeOwnPassword(actor, user.id, { old_password: PASSWORD, new_password: "another long passphrase 72" }, META);
    expect(await lastEvent()).toMatchObject({ action: "user.password.changed", details: expect.objectContaining(kept) });
    const admin = await startSession(await createUser(accountId, { role: "owner" }));
    await resetUserPassword(admin, user.id, {}, META);
    expect(await lastEvent()).toMatchObject({ action: "user.password.reset", details: expect.objectContaining(kept) });
    expect((await mfaSummary(db(), user.id)).passkeys).toBe(1);
  });
});
