/**
 * r52: while Settings → Security requires two-factor sign-in for someone, their last second factor stays: removing
 * the authenticator app or the last passkey is refused (before the proof is spent, and again under the write lock),
 * with the setting named and what to do. An admin's reset stays the deliberate exception: the person sets up anew at
 * their next sign-in.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Conflict, Invalid } from "@/lib/errors";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createAccount, createUser, lastEvent, META, setPublicAddress, startSession, type TestUser } from "@/test/factories";
import { softwarePasskey } from "@/test/software-authenticator";
import { confirmTotpSetup, removeTotp, startTotpSetup } from "./factors";
import { finishPasskeyRegistration, removePasskey, startPasskeyRegistration } from "./passkeys";
import { LAST_FACTOR_REQUIRED } from "./policy-texts";
import { mustKeepAFactor, updateSecurityPolicy } from "./policy";
import { mfaSummary } from "./records";
import { totpCode } from "./totp";
import { db } from "@/lib/db/database";
import { resetTwoFactor } from "./admin";
import { SecondStepRequired } from "./second-step";

const PASSWORD = "a long and unusual passphrase";
const ORIGIN = "https://team.example.com";

let accountId: string;
let owner: TestUser;
beforeAll(async () => {
  accountId = await createAccount();
  await setPublicAddress(accountId, ORIGIN);
  owner = await createUser(accountId, { role: "owner", password: PASSWORD });
});

async function require(requireFor: "nobody" | "everyone" | "admins", graceDays = 0) {
  await updateSecurityPolicy(await startSession(owner), { require_for: requireFor, grace_days: graceDays }, META);
}

async function withApp(user: TestUser) {
  const actor = await startSession(user);
  const { secret } = await startTotpSetup(actor, { password: PASSWORD }, META);
  await confirmTotpSetup(actor, { code: totpCode(secret, new Date()) }, META);
  return actor;
}

async function addPasskey(user: TestUser): Promise<string> {
  const actor = await startSession(user);
  const created = await startPasskeyRegistration(actor, { password: PASSWORD }, META);
  const done = await finishPasskeyRegistration(actor, { name: "Laptop", response: softwarePasskey(user.id).register(created, ORIGIN) }, META);
  return done.passkey.id;
}

describe("the last second factor while two-factor is required", () => {
  it("the authenticator app, alone, can't be removed; the refusal names the setting and comes before the proof", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await withApp(user);
    await require("everyone");
    expect(await mustKeepAFactor(db(), user)).toBe(true);
    const before = await lastEvent();
    // No password typed at all: the refusal is the rule's, not the proof's, and nothing is recorded or counted.
    const refused = await removeTotp(actor, {}, META).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Conflict);
    expect((refused as Error).message).toBe(LAST_FACTOR_REQUIRED);
    expect((await lastEvent())?.id).toBe(before?.id);
    await expect(removeTotp(actor, { password: PASSWORD }, META)).rejects.toThrow(LAST_FACTOR_REQUIRED);
    expect((await mfaSummary(db(), user.id)).totp).toBe(true);
    await require("nobody");
  });

  it("the last passkey can't be removed; with another factor beside it, it can", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const first = await addPasskey(user);
    const second = await addPasskey(user);
    await require("everyone");
    const actor = await startSession(user);
    await removePasskey(actor, first, { password: PASSWORD }, META);
    await expect(removePasskey(actor, second, { password: PASSWORD }, META)).rejects.toThrow(LAST_FACTOR_REQUIRED);
    expect((await mfaSummary(db(), user.id)).passkeys).toBe(1);
    // Add the app first, then the passkey may go (and the app, now the last, may not).
    await withApp(user);
    await removePasskey(actor, second, { password: PASSWORD }, META);
    await expect(removeTotp(actor, { password: PASSWORD }, META)).rejects.toThrow(Conflict);
    await require("nobody");
  });

  it("two tabs each removing one of two factors: one is refused under the write lock, one factor stays", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await withApp(user);
    const passkey = await addPasskey(user);
    await require("everyone");
    const results = await Promise.allSettled([removeTotp(actor, { password: PASSWORD }, META), removePasskey(actor, passkey, { password: PASSWORD }, META)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refusal = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refusal.reason).toBeInstanceOf(Conflict);
    const left = await mfaSummary(db(), user.id);
    expect(left.totp || left.passkeys > 0).toBe(true);
    await require("nobody");
  });

  it("the grace period doesn't free the last factor: it is time to set one up, not to drop one", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await withApp(user);
    await require("everyone", 30);
    await expect(removeTotp(actor, { password: PASSWORD }, META)).rejects.toThrow(LAST_FACTOR_REQUIRED);
    await require("nobody");
  });

  it("someone the requirement doesn't cover may remove their last factor (with the proof)", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    const actor = await withApp(user);
    await require("admins");
    expect(await mustKeepAFactor(db(), user)).toBe(false);
    await expect(removeTotp(actor, {}, META)).rejects.toThrow(Invalid);
    await removeTotp(actor, { password: PASSWORD }, META);
    expect((await mfaSummary(db(), user.id)).totp).toBe(false);
    await require("nobody");
  });

  it("an admin's reset is the exception: every factor goes, and the next sign-in sends the person to set-up", async () => {
    const user = await createUser(accountId, { password: PASSWORD });
    await withApp(user);
    await require("everyone");
    await resetTwoFactor(await startSession(owner), user.id, META, { password: PASSWORD });
    expect(await mfaSummary(db(), user.id)).toMatchObject({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
    const signedIn = await signInWithPassword(user.email, PASSWORD, { ip: "203.0.113.80", userAgent: "vitest" }).catch((e: unknown) => e);
    expect(signedIn).toBeInstanceOf(SecondStepRequired);
    expect((signedIn as SecondStepRequired).enrol).toBe(true);
    await require("nobody");
  });
});
