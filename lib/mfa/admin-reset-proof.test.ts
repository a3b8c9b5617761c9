/**
 * r52: an admin's "Reset two-factor" of someone else removes that person's protection, so from a browser session it
 * asks the admin's own proof first (lib/mfa/proof.ts: their password, else a code from their app, else a recent
 * sign-in), as the person's own factor changes do. An access token isn't asked (the rule of every step-up-guarded
 * route: creating a token, an ownership transfer, Settings → Email). Who may reset whose is decided before the proof,
 * and the reset is recorded with who and whose.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { Forbidden, Invalid, PreconditionFailed } from "@/lib/errors";
import { createAccount, createUser, eventsOf, insertTokenRow, lastEvent, META, startSession, type TestUser } from "@/test/factories";
import { resetTwoFactor } from "./admin";
import { confirmTotpSetup, startTotpSetup } from "./factors";
import { mfaSummary } from "./records";
import { totpCode } from "./totp";

const PASSWORD = "a long and unusual passphrase";
const ADMIN_PASSWORD = "the admin's own long passphrase";

let accountId: string;
let owner: TestUser;
let admin: TestUser;
beforeAll(async () => {
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner", password: PASSWORD });
  admin = await createUser(accountId, { role: "admin", password: ADMIN_PASSWORD });
});

async function withApp(user: TestUser): Promise<string> {
  const actor = await startSession(user);
  const { secret } = await startTotpSetup(actor, { password: user.id === admin.id ? ADMIN_PASSWORD : PASSWORD }, META);
  await confirmTotpSetup(actor, { code: totpCode(secret, new Date()) }, META);
  return secret;
}

const fieldErrorsOf = (e: unknown) => (e instanceof Invalid ? e.fieldErrors : e);

describe("an admin's reset of someone's two-factor asks the admin's proof", () => {
  it("from a session, without the admin's password, nothing goes; a wrong one is recorded; the right one resets", async () => {
    const member = await createUser(accountId, { password: PASSWORD });
    await withApp(member);
    const stolen = await startSession(admin);
    expect(fieldErrorsOf(await resetTwoFactor(stolen, member.id, META).catch((e: unknown) => e))).toEqual({ password: ["Current password is required"] });
    // The member's own password is no proof of the admin.
    expect(fieldErrorsOf(await resetTwoFactor(stolen, member.id, META, { password: PASSWORD }).catch((e: unknown) => e))).toEqual({ password: ["Current password is incorrect"] });
    expect(await lastEvent()).toMatchObject({ action: "mfa.proof.failed", actorId: admin.id, targetId: admin.id, details: { change: "two_factor.reset", reason: "password" } });
    expect((await mfaSummary(db(), member.id)).totp).toBe(true);

    await expect(resetTwoFactor(stolen, member.id, META, { password: ADMIN_PASSWORD })).resolves.toMatchObject({ sessionsEnded: 1 });
    expect(await mfaSummary(db(), member.id)).toMatchObject({ totp: false, recoveryCodesLeft: 0 });
    // Who and whose.
    expect(await lastEvent()).toMatchObject({ action: "mfa.reset", actorType: "user", actorId: admin.id, targetType: "user", targetId: member.id });
  });

  it("an admin without a password here proves it with a code from their app; without an app, a recent sign-in", async () => {
    const acct = await createAccount();
    await createUser(acct, { role: "owner", password: PASSWORD });
    const directoryAdmin = await createUser(acct, { role: "admin" });
    const member = await createUser(acct, { password: PASSWORD });
    await withApp(member);
    // No app and a sign-in an hour old: sign in again first.
    const old = await startSession(directoryAdmin, new Date(Date.now() - 3_600_000));
    await expect(resetTwoFactor(old, member.id, META)).rejects.toThrow(PreconditionFailed);
    const fresh = await startSession(directoryAdmin);
    await resetTwoFactor(fresh, member.id, META);
    expect((await mfaSummary(db(), member.id)).totp).toBe(false);
  });

  it("an access token isn't asked, as for the other step-up-guarded routes (made with the proof; automation)", async () => {
    const member = await createUser(accountId, { password: PASSWORD });
    await withApp(member);
    const { actor } = await writeSystem((tx) => insertTokenRow(tx, admin, "automation"));
    await expect(resetTwoFactor(actor, member.id, META)).resolves.toMatchObject({ sessionsEnded: 1 });
    expect(await lastEvent()).toMatchObject({ action: "mfa.reset", actorType: "token", targetId: member.id });
  });

  it("who may reset whose comes first: the owner's and one's own are refused without asking (or counting) a password", async () => {
    await withApp(owner);
    const session = await startSession(admin);
    const before = (await eventsOf(accountId, "mfa.proof.failed")).length;
    await expect(resetTwoFactor(session, owner.id, META, { password: "a guess" })).rejects.toThrow("Only the owner can reset the owner's two-factor sign-in");
    // An admin's own factors go through Profile (with its proof and its rules), not around them, even with the password.
    await expect(resetTwoFactor(session, admin.id, META, { password: ADMIN_PASSWORD })).rejects.toThrow(Forbidden);
    await expect(resetTwoFactor(await startSession(owner), owner.id, META, { password: PASSWORD })).rejects.toThrow("Remove your own second factors in Profile");
    expect((await eventsOf(accountId, "mfa.proof.failed")).length).toBe(before);
    expect((await mfaSummary(db(), owner.id)).totp).toBe(true);
  });

  it("the owner resets an admin's with the owner's own proof", async () => {
    const secondAdmin = await createUser(accountId, { role: "admin", password: PASSWORD });
    await withApp(secondAdmin);
    const ownerSession = await startSession(owner);
    await expect(resetTwoFactor(ownerSession, secondAdmin.id, META, {})).rejects.toThrow(Invalid);
    await resetTwoFactor(ownerSession, secondAdmin.id, META, { password: PASSWORD });
    expect(await lastEvent()).toMatchObject({ action: "mfa.reset", actorId: owner.id, targetId: secondAdmin.id });
  });
});
