import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { attemptKeys, lockOf, locksNow, secondFactorIndex } from "@/lib/security/sign-in-throttle";
import { verifyPassword } from "@/lib/crypto/passwords";
import { digestToken } from "@/lib/crypto/secret-tokens";
import { emit, noneEnded } from "@/lib/data/effects";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { ownerRecoveryLinks, signInLockouts, signInSettings, users } from "@/lib/db/schema";
import { Invalid, NotFound, PreconditionFailed } from "@/lib/errors";
import { resolveSession } from "@/lib/sessions/sessions";
import { resetTwoFactorBySystem } from "@/lib/mfa/admin";
import { confirmTotpSetup, startTotpSetup } from "@/lib/mfa/factors";
import { mfaSummary } from "@/lib/mfa/records";
import { totpCode } from "@/lib/mfa/totp";
import { createAccount, createUser, META, startSession, eventsOf as accountEventsOf, userRow, type TestUser } from "@/test/factories";
import { authenticateAccessToken, mintAccessToken } from "@/lib/tokens/access-tokens";
import { oidcModels } from "@/lib/db/schema";
import { updateUser } from "./lifecycle";
import { changeOwnPassword } from "./password";
import { issueOwnerRecoveryLink, recoverOwnerWithLink, recoveryLinkState } from "./owner-recovery";

const OLD = "the forgotten passphrase, long enough";
const NEW = "a freshly chosen passphrase for the owner";

let accountId: string;
let owner: TestUser;

beforeEach(async () => {
  accountId = await createAccount();
  owner = await createUser(accountId, { role: "owner", password: OLD });
});

const eventsOf = (action: string) => accountEventsOf(accountId, action);

// Password hashing and the strength estimate take a while on a loaded machine.
describe("owner recovery links", () => {
  it("issues a link for the owner only, storing its digest, and records it as the system", async () => {
    const admin = await createUser(accountId, { role: "admin" });
    await expect(issueOwnerRecoveryLink(admin.email)).rejects.toThrow(NotFound);
    await expect(issueOwnerRecoveryLink("nobody@example.com")).rejects.toThrow(NotFound);

    const link = await issueOwnerRecoveryLink(owner.email.toUpperCase());
    expect(link.token).toMatch(/^lko_[0-9A-Za-z]{36}$/);
    expect(link.userId).toBe(owner.id);
    const [row] = await db().select().from(ownerRecoveryLinks).where(eq(ownerRecoveryLinks.userId, owner.id));
    expect(row.tokenDigest).toBe(digestToken(link.token));
    expect(JSON.stringify(row)).not.toContain(link.token);
    const [event] = await eventsOf("user.recovery_link.created");
    expect(event).toMatchObject({ actorType: "system", targetId: owner.id });
    expect(await recoveryLinkState(link.token)).toBe("valid");
  }, 60_000);

  it("sets the new password once, ends the owner's sessions, lifts a sign-in lock, and records it", async () => {
    const session = await startSession(owner);
    const keys = attemptKeys(owner.email, "198.51.100.1");
    await writeSystem(async (tx) => {
      await tx.insert(signInLockouts).values({ accountId, emailIndex: keys.emailIndex, failures: 100, windowStartedAt: new Date(), lockedUntil: new Date(Date.now() + 3_600_000) });
    });
    const link = await issueOwnerRecoveryLink(owner.email);

    await recoverOwnerWithLink(link.token, NEW, META);

    const row = (await userRow(owner.id))!;
    expect(await verifyPassword(row.passwordHash!, NEW)).toBe(true);
    expect(row.mustChangePassword).toBe(false);
    expect(await resolveSession(session.sessionId)).toBeNull();
    expect(await db().select().from(signInLockouts).where(eq(signInLockouts.emailIndex, keys.emailIndex))).toEqual([]);
    const [event] = await eventsOf("user.recovered");
    expect(event).toMatchObject({ actorId: owner.id, targetId: owner.id, ip: META.ip });
    expect(event.details).toMatchObject({ sessions_ended: 1, sign_in_unlocked: true });

    // Once: the same link again is refused and changes nothing.
    expect(await recoveryLinkState(link.token)).toBe("used");
    await expect(recoverOwnerWithLink(link.token, "yet another passphrase, quite long", META)).rejects.toThrow(PreconditionFailed);
    expect(await verifyPassword((await userRow(owner.id))!.passwordHash!, NEW)).toBe(true);
  }, 60_000);

  it("ends the owner's sign-ins at other apps (grants, refresh tokens) and keeps their personal access tokens", async () => {
    // An app's refresh token is a person's sign-in, like a session: whoever took the account may hold one.
    // The rows as the provider keeps them (each test here has its own account, so they are written for it directly).
    const grantId = `recovery-grant-${owner.id}`;
    const row = { accountId, userId: owner.id, clientId: "lka_recovery", grantId, payloadCiphertext: "sealed", expiresAt: new Date(Date.now() + 3_600_000) };
    await writeSystem((tx) => tx.insert(oidcModels).values([{ ...row, name: "Grant", id: grantId }, { ...row, name: "RefreshToken", id: `recovery-refresh-${owner.id}` }]));
    const token = await writeSystem((tx) => mintAccessToken(tx, { accountId, userId: owner.id, name: "terraform", expiresInDays: 1, createdBy: owner.id }));
    const link = await issueOwnerRecoveryLink(owner.email);

    await recoverOwnerWithLink(link.token, NEW, META);

    expect(await db().select().from(oidcModels).where(eq(oidcModels.userId, owner.id))).toEqual([]);
    expect(await authenticateAccessToken(token.plain)).not.toBeNull();
    const [ended] = await eventsOf("app.tokens.revoked");
    expect(ended).toMatchObject({ targetId: owner.id });
    expect(ended.details).toMatchObject({ reason: "password_changed", grants_ended: 1 });
  }, 60_000);

  it("lifts the lock on the owner's username and second factor too (review 43): the recovery is the way back in", async () => {
    const usernameKeys = attemptKeys(owner.username, "198.51.100.1");
    const lockedUntil = new Date(Date.now() + 3_600_000);
    await writeSystem(async (tx) => {
      for (const emailIndex of [usernameKeys.emailIndex, secondFactorIndex(owner.id)]) {
        await tx.insert(signInLockouts).values({ accountId, emailIndex, failures: 100, windowStartedAt: new Date(), lockedUntil });
      }
    });
    const before = await locksNow(accountId);
    expect([before.byUser.get(owner.id), lockOf({ byUser: new Map(), byIndex: before.byIndex }, owner.id)]).toEqual([lockedUntil, lockedUntil]);
    await recoverOwnerWithLink((await issueOwnerRecoveryLink(owner.email)).token, NEW, META);
    expect(lockOf(await locksNow(accountId), owner.id)).toBeNull();
    expect((await eventsOf("user.recovered"))[0].details).toMatchObject({ sign_in_unlocked: true });
  }, 60_000);

  it("expires after 15 minutes, and a newer link replaces an unused older one", async () => {
    const issuedAt = new Date(Date.now() - 16 * 60_000);
    const old = await issueOwnerRecoveryLink(owner.email, issuedAt);
    expect(await recoveryLinkState(old.token)).toBe("expired");
    await expect(recoverOwnerWithLink(old.token, NEW, META)).rejects.toThrow(/expired/);
    expect(await verifyPassword((await userRow(owner.id))!.passwordHash!, OLD)).toBe(true);

    const first = await issueOwnerRecoveryLink(owner.email);
    const second = await issueOwnerRecoveryLink(owner.email);
    expect(await recoveryLinkState(first.token)).toBe("unknown");
    await expect(recoverOwnerWithLink(first.token, NEW, META)).rejects.toThrow(NotFound);
    expect(await recoveryLinkState(second.token)).toBe("valid");
    expect(await recoveryLinkState("lko_not-even-well-formed")).toBe("unknown");
  }, 60_000);

  it("stops working once its person is no longer the owner (ownership moved after it was issued)", async () => {
    const link = await issueOwnerRecoveryLink(owner.email);
    const successor = await createUser(accountId, { role: "admin" });
    await writeSystem(async (tx) => {
      await tx.update(users).set({ role: "owner" }).where(eq(users.id, successor.id));
      await tx.update(users).set({ role: "admin" }).where(eq(users.id, owner.id));
    });
    expect(await recoveryLinkState(link.token)).toBe("expired");
    await expect(recoverOwnerWithLink(link.token, NEW, META)).rejects.toThrow(/expired/);
    expect(await verifyPassword((await userRow(owner.id))!.passwordHash!, OLD)).toBe(true);
  }, 60_000);

  it("stays expired once ownership moved away, even when it comes back (transferred there and back within the 15 minutes)", async () => {
    const link = await issueOwnerRecoveryLink(owner.email);
    const heir = await createUser(accountId, { role: "admin", password: "the heir's own long passphrase" });
    await updateUser(await startSession(owner), heir.id, { role: "owner" }, META, { password: OLD });
    expect(await recoveryLinkState(link.token)).toBe("expired");

    await updateUser(await startSession(heir), owner.id, { role: "owner" }, META, { password: "the heir's own long passphrase" });
    expect((await userRow(owner.id))!.role).toBe("owner");
    expect(await recoveryLinkState(link.token)).toBe("expired");
    await expect(recoverOwnerWithLink(link.token, NEW, META)).rejects.toThrow(/expired/);
    expect(await verifyPassword((await userRow(owner.id))!.passwordHash!, OLD)).toBe(true);
  }, 60_000);

  it("holds the new password to the password rules, and a refused one leaves the link usable", async () => {
    const link = await issueOwnerRecoveryLink(owner.email);
    await expect(recoverOwnerWithLink(link.token, "password1", META)).rejects.toThrow(Invalid);
    expect(await recoveryLinkState(link.token)).toBe("valid");
  }, 60_000);

  it("resets the owner's two-factor sign-in for the command, ending their sessions, recorded as the system", async () => {
    const actor = await startSession(owner);
    const { secret } = await startTotpSetup(actor, { password: OLD }, META);
    await confirmTotpSetup(actor, { code: totpCode(secret, new Date()) }, META);
    expect((await mfaSummary(db(), owner.id)).totp).toBe(true);
    const link = await issueOwnerRecoveryLink(owner.email);

    const reset = await resetTwoFactorBySystem(link.accountId, link.userId, "npm run recover-owner");

    expect(reset).toMatchObject({ hadFactor: true, sessionsEnded: 1 });
    expect(await mfaSummary(db(), owner.id)).toMatchObject({ totp: false, recoveryCodesLeft: 0 });
    expect(await resolveSession(actor.sessionId)).toBeNull();
    const [event] = await eventsOf("mfa.reset");
    expect(event).toMatchObject({ actorType: "system", actorId: null, targetId: owner.id, userAgent: "npm run recover-owner" });
    expect(event.details).toMatchObject({ had_totp: true, had_factor: true });
    // The link issued alongside still works.
    expect(await recoveryLinkState(link.token)).toBe("valid");
  }, 60_000);

  it("turns password sign-in back on when a sign-in rule had turned it off, so the new password lets the owner in", async () => {
    await writeSystem(async (tx) => {
      await tx.insert(signInSettings).values({ accountId, localLoginEnabled: false, updatedAt: new Date() });
    });
    const link = await issueOwnerRecoveryLink(owner.email);
    await recoverOwnerWithLink(link.token, NEW, META);
    const [settings] = await db().select().from(signInSettings).where(eq(signInSettings.accountId, accountId));
    expect(settings.localLoginEnabled).toBe(true);
    const [event] = await eventsOf("user.recovered");
    expect(event.details).toMatchObject({ password_sign_in_turned_on: true });
  }, 60_000);

  it("ends when the owner's password changes some other way (Profile), and /recover then calls it expired", async () => {
    // OWASP's reset-token guidance: a password change ends every unused reset link, or a link someone got hold
    // of (a terminal's scrollback, a shared paste) still takes the account after the owner changed their password.
    const link = await issueOwnerRecoveryLink(owner.email);
    await changeOwnPassword(await startSession(owner), owner.id, { old_password: OLD, new_password: NEW }, META);

    expect(await recoveryLinkState(link.token)).toBe("expired");
    await expect(recoverOwnerWithLink(link.token, "what the link's holder would set, long", META)).rejects.toThrow(/expired/);
    expect(await verifyPassword((await userRow(owner.id))!.passwordHash!, NEW)).toBe(true);
    // A new link after the change works.
    expect(await recoveryLinkState((await issueOwnerRecoveryLink(owner.email)).token)).toBe("valid");
  }, 60_000);

  it("ends when the password is set through a forgot-password link or an admin's reset (the same effects those paths emit)", async () => {
    const afterLink = await issueOwnerRecoveryLink(owner.email);
    await writeSystem((tx) => emit(tx, "user.password_changed", { accountId, userId: owner.id, revokeTokens: true, endAppGrants: true, ended: noneEnded() }));
    expect(await recoveryLinkState(afterLink.token)).toBe("expired");

    const afterReset = await issueOwnerRecoveryLink(owner.email);
    await writeSystem((tx) => emit(tx, "user.password_reset", { accountId, userId: owner.id, ended: noneEnded() }));
    expect(await recoveryLinkState(afterReset.token)).toBe("expired");
  }, 60_000);

  it("leaves another person's link alone, and a used link stays 'used'", async () => {
    const otherAccount = await createAccount();
    const otherOwner = await createUser(otherAccount, { role: "owner", password: OLD });
    const theirs = await issueOwnerRecoveryLink(otherOwner.email);
    const mine = await issueOwnerRecoveryLink(owner.email);
    await recoverOwnerWithLink(mine.token, NEW, META);
    expect(await recoveryLinkState(mine.token)).toBe("used");
    expect(await recoveryLinkState(theirs.token)).toBe("valid");
  }, 60_000);
});
