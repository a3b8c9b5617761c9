import { beforeAll, describe, expect, it } from "vitest";
import { signInWithPassword } from "@/lib/sign-in/password-sign-in";
import type { RequestMeta } from "@/lib/auth/actor";
import type { SignInLimits } from "@/lib/config";
import { db } from "@/lib/db/database";
import { activityEvents, mfaPendingSteps, mfaRecoveryCodes, mfaTotp, sessions } from "@/lib/db/schema";
import { writeSystem } from "@/lib/data/unit-of-work";
import { Forbidden } from "@/lib/errors";
import { createGroup } from "@/lib/groups/groups";
import { setUserGroups } from "@/lib/groups/membership";
import { setGroupRoles, setUserRoles } from "@/lib/roles/assignments";
import { createRole } from "@/lib/roles/roles";
import { setGroupMembership } from "@/lib/users/group-members";
import { endOtherSessions } from "@/lib/sessions/revoke";
import { resolveSession } from "@/lib/sessions/sessions";
import { resetUserPassword, revokeUserSessions } from "@/lib/users/access-control";
import { setUserBlocked, updateUser } from "@/lib/users/lifecycle";
import { changeOwnPassword } from "@/lib/users/password";
import { eq } from "drizzle-orm";
import { createAccount, createUser, lastEvent, META, startSession, type TestUser } from "@/test/factories";
import { resetTwoFactor } from "./admin";
import { confirmTotpSetup, startTotpSetup } from "./factors";
import { updateSecurityPolicy } from "./policy";
import { mfaSummary } from "./records";
import { CodeMissing, CodeThrottled, completeSecondStep, confirmEnrolment, SecondStepExpired, SecondStepRequired, startEnrolment, WrongCode } from "./second-step";
import { totpCode } from "./totp";

const PASSWORD = "a long and unusual passphrase";
const LIMITS: SignInLimits = { freeAttempts: 5, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 1000, lockoutFailures: 100, lockoutWindowSeconds: 86_400 };
const T0 = new Date("2026-03-01T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
});

/** A user with the authenticator app on (set up at T0) and their ten recovery codes. */
async function userWithTotp(role: TestUser["role"] = "user"): Promise<{ user: TestUser; secret: string; codes: string[] }> {
  return userWithTotpIn(accountId, role);
}

async function userWithTotpIn(acct: string, role: TestUser["role"]): Promise<{ user: TestUser; secret: string; codes: string[] }> {
  const user = await createUser(acct, { role, password: PASSWORD });
  const actor = await startSession(user);
  const { secret } = await startTotpSetup(actor, { password: PASSWORD }, META);
  const codes = await confirmTotpSetup(actor, { code: totpCode(secret, T0) }, META, T0);
  return { user, secret, codes: codes! };
}

async function passwordStep(user: TestUser, now: Date): Promise<SecondStepRequired> {
  const error = await signInWithPassword(user.email, PASSWORD, from(user), now, LIMITS).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SecondStepRequired);
  return error as SecondStepRequired;
}

/** Each user signs in from their own address: the tests' clocks jump around, and an address's throttle remembers. */
const addresses = new Map<string, RequestMeta>();
function from(user: { id: string }): RequestMeta {
  if (!addresses.has(user.id)) addresses.set(user.id, { ip: `198.51.100.${addresses.size + 1}`, userAgent: "vitest" });
  return addresses.get(user.id)!;
}

const sessionsOf = async (userId: string) => db().select().from(sessions).where(eq(sessions.userId, userId));

describe("the second step", () => {
  it("makes no session for a right password alone; a code from the app makes one", async () => {
    const { user, secret } = await userWithTotp();
    const before = (await sessionsOf(user.id)).length;
    const step = await passwordStep(user, at(60));
    expect(step.enrol).toBe(false);
    expect(await sessionsOf(user.id)).toHaveLength(before);

    const signedIn = await completeSecondStep(step.token, totpCode(secret, at(61)), from(user), at(61), LIMITS);
    expect(signedIn.usedRecoveryCode).toBe(false);
    expect(await resolveSession(signedIn.sessionId, at(61))).toMatchObject({ userId: user.id });
    expect(await lastEvent()).toMatchObject({ action: "user.login", actorId: user.id, details: { method: "password", second_factor: "totp" } });
    // Team → Users shows the app and when it was last used.
    const summary = await mfaSummary(db(), user.id);
    expect(summary).toMatchObject({ totp: true, passkeys: 0, passkeysLastUsedAt: null, recoveryCodesLeft: 10 });
    expect(summary.totpLastUsedAt).toBeInstanceOf(Date);
    // Single use: the step is gone.
    await expect(completeSecondStep(step.token, totpCode(secret, at(62)), from(user), at(62), LIMITS)).rejects.toThrow(SecondStepExpired);
  });

  it("accepts an authenticator code once: the same code in a new step is refused", async () => {
    const { user, secret } = await userWithTotp();
    const code = totpCode(secret, at(120));
    await completeSecondStep((await passwordStep(user, at(120))).token, code, from(user), at(120), LIMITS);
    const again = await passwordStep(user, at(125));
    await expect(completeSecondStep(again.token, code, from(user), at(125), LIMITS)).rejects.toThrow(WrongCode);
    expect(await lastEvent()).toMatchObject({ action: "mfa.code.failed", targetId: user.id, details: { reason: "wrong_code" } });
  });

  it("refuses a code after five minutes, and a step replaced by a newer sign-in", async () => {
    const { user, secret } = await userWithTotp();
    const old = await passwordStep(user, at(200));
    const late = at(200 + 301);
    await expect(completeSecondStep(old.token, totpCode(secret, late), from(user), late, LIMITS)).rejects.toThrow(SecondStepExpired);
    const first = await passwordStep(user, at(600));
    await passwordStep(user, at(601));
    await expect(completeSecondStep(first.token, totpCode(secret, at(602)), from(user), at(602), LIMITS)).rejects.toThrow(SecondStepExpired);
  });

  it("makes a person wait after five wrong codes, even for the right one", async () => {
    const { user, secret } = await userWithTotp();
    const step = await passwordStep(user, at(900));
    for (let i = 0; i < 5; i++) {
      await expect(completeSecondStep(step.token, "000000", from(user), at(901 + i), LIMITS)).rejects.toThrow(WrongCode);
    }
    await expect(completeSecondStep(step.token, totpCode(secret, at(910)), from(user), at(910), LIMITS)).rejects.toThrow(CodeThrottled);
    expect(await sessionsOf(user.id)).toHaveLength(1); // the set-up session only
    // After the wait, the right code gets in (within the step's five minutes).
    const later = at(910 + 61);
    await expect(completeSecondStep(step.token, totpCode(secret, later), from(user), later, LIMITS)).resolves.toMatchObject({ userId: user.id });
  });

  it("takes an empty code as no attempt: said at the field, not counted, not recorded", async () => {
    const { user, secret } = await userWithTotp();
    const step = await passwordStep(user, at(1500));
    const events = async () => (await db().select().from(activityEvents).where(eq(activityEvents.action, "mfa.code.failed"))).length;
    const failedBefore = await events();
    for (let i = 0; i < 10; i++) {
      const error = await completeSecondStep(step.token, i % 2 ? "" : "   ", from(user), at(1501 + i), LIMITS).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CodeMissing);
      expect((error as CodeMissing).fieldErrors).toEqual({ code: ["Enter the code from your authenticator app or a recovery code"] });
    }
    expect(await events()).toBe(failedBefore);
    // Ten empty submits past the five free tries: the right code is not made to wait.
    await expect(completeSecondStep(step.token, totpCode(secret, at(1512)), from(user), at(1512), LIMITS)).resolves.toMatchObject({ userId: user.id });
  });

  it("counts codes sent all at once before any is checked: a burst gets the free tries, from one address or many", async () => {
    const { user, secret } = await userWithTotp();
    const now = at(1000);
    const valid = new Set([-30, 0, 30].map((s) => totpCode(secret, new Date(now.getTime() + s * 1000))));
    const wrong = (i: number) => {
      for (let n = i; ; n += 1000) if (!valid.has(String(n).padStart(6, "0"))) return String(n).padStart(6, "0");
    };
    const step = await passwordStep(user, now);
    const burst = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => completeSecondStep(step.token, wrong(i), from(user), now, LIMITS)));
    const reasons = burst.map((o) => (o.status === "rejected" ? o.reason : o.value));
    expect(reasons.filter((r) => r instanceof WrongCode)).toHaveLength(LIMITS.freeAttempts);
    expect(reasons.filter((r) => r instanceof CodeThrottled)).toHaveLength(40 - LIMITS.freeAttempts);
    // From many addresses at once (each its own pair): the person's daily cap holds, whoever sends them.
    const spread = { ...LIMITS, lockoutFailures: 12 };
    const other = await userWithTotp();
    const otherStep = await passwordStep(other.user, now);
    const many = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => completeSecondStep(otherStep.token, wrong(i), { ip: `203.0.113.${i + 1}`, userAgent: "vitest" }, now, spread)),
    );
    const checked = many.filter((o) => o.status === "rejected" && o.reason instanceof WrongCode);
    expect(checked).toHaveLength(spread.lockoutFailures);
  });

  it("takes a code only for the step's own person: two sign-ins half done in one browser don't mix (review 43, held)", async () => {
    const alice = await userWithTotp();
    const mallory = await userWithTotp();
    const alicesStep = await passwordStep(alice.user, at(1300));
    const mallorysStep = await passwordStep(mallory.user, at(1300));
    // Mallory, holding Alice's step (her password), types a code of Mallory's own app, and a recovery code of Mallory's.
    await expect(completeSecondStep(alicesStep.token, totpCode(mallory.secret, at(1301)), from(alice.user), at(1301), LIMITS)).rejects.toThrow(WrongCode);
    await expect(completeSecondStep(alicesStep.token, mallory.codes[0], from(alice.user), at(1302), LIMITS)).rejects.toThrow(WrongCode);
    // Neither was used up by trying: Mallory's own step takes the recovery code (typed in capitals, with spaces for dashes: one code).
    const typed = ` ${mallory.codes[0].toUpperCase().replace(/-/g, " ")} `;
    await expect(completeSecondStep(mallorysStep.token, typed, from(mallory.user), at(1303), LIMITS)).resolves.toMatchObject({ userId: mallory.user.id });
    const next = await passwordStep(mallory.user, at(1304));
    await expect(completeSecondStep(next.token, mallory.codes[0], from(mallory.user), at(1304), LIMITS)).rejects.toThrow(WrongCode);
    expect((await mfaSummary(db(), alice.user.id)).recoveryCodesLeft).toBe(10);
  });

  it("takes each recovery code once", async () => {
    const { user, codes } = await userWithTotp();
    const signedIn = await completeSecondStep((await passwordStep(user, at(1200))).token, codes[0].toUpperCase(), from(user), at(1200), LIMITS);
    expect(signedIn.userId).toBe(user.id);
    // The landing page says how many are left (lib/sign-in/recovery-code-notice.ts).
    expect(signedIn.usedRecoveryCode).toBe(true);
    expect(await lastEvent()).toMatchObject({ action: "user.login", details: { second_factor: "recovery_code" } });
    expect((await mfaSummary(db(), user.id)).recoveryCodesLeft).toBe(9);
    const again = await passwordStep(user, at(1210));
    await expect(completeSecondStep(again.token, codes[0], from(user), at(1210), LIMITS)).rejects.toThrow(WrongCode);
    await expect(completeSecondStep(again.token, codes[1], from(user), at(1211), LIMITS)).resolves.toMatchObject({ userId: user.id });
  });

  it("stores neither the TOTP secret nor recovery codes nor the step's token in plaintext", async () => {
    const { user, secret, codes } = await userWithTotp();
    const step = await passwordStep(user, at(1300));
    const [pending] = await db().select().from(mfaPendingSteps).where(eq(mfaPendingSteps.userId, user.id));
    expect(pending.tokenDigest).not.toContain(step.token);
    const [totp] = await db().select().from(mfaTotp).where(eq(mfaTotp.userId, user.id));
    expect(totp.secretCiphertext).not.toContain(secret);
    const stored = await db().select().from(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, user.id));
    for (const row of stored) for (const code of codes) expect(row.codeDigest).not.toContain(code.replace(/-/g, ""));
  });
});

describe("enforcement", () => {
  it("sends the owner without a factor to set-up after the password, never to a dead end", async () => {
    const otherAccount = await createAccount();
    const owner = await createUser(otherAccount, { role: "owner", password: PASSWORD });
    await updateSecurityPolicy(await startSession(owner), { require_for: "admins", grace_days: 0 }, META, at(0));

    const step = await passwordStep(owner, at(10));
    expect(step.enrol).toBe(true);
    expect(await sessionsOf(owner.id)).toHaveLength(1); // the session that set the policy
    const { secret } = await startEnrolment(step.token, at(11));
    // Reloading the set-up page shows the same secret.
    expect((await startEnrolment(step.token, at(12))).secret).toBe(secret);
    await expect(confirmEnrolment(step.token, "", from(owner), at(13), LIMITS)).rejects.toThrow(new CodeMissing("Enter the code from your authenticator app"));
    await expect(confirmEnrolment(step.token, totpCode(secret, at(13)) === "123456" ? "654321" : "123456", from(owner), at(13), LIMITS)).rejects.toThrow(WrongCode);
    const codes = await confirmEnrolment(step.token, totpCode(secret, at(14)), from(owner), at(14), LIMITS);
    expect(codes).toHaveLength(10);
    const signedIn = await completeSecondStep(step.token, "", from(owner), at(15), LIMITS);
    expect(await resolveSession(signedIn.sessionId, at(15))).toMatchObject({ userId: owner.id, role: "owner" });
    // From now on the owner has a factor: the next sign-in asks for it.
    expect((await passwordStep(owner, at(100))).enrol).toBe(false);
  });

  it("never shows the set-up step a secret it didn't make: one the person is setting up in Profile stays theirs", async () => {
    // Someone with the person's password waits on the set-up page while the person, already signed in
    // when two-factor became required, sets up their app in Profile. Reloading the page must not hand
    // over the Profile secret: the person would confirm it, and the other would hold their second factor.
    const acct = await createAccount();
    const owner = await createUser(acct, { role: "owner", password: PASSWORD });
    const person = await createUser(acct, { role: "admin", password: PASSWORD });
    const personActor = await startSession(person);
    await updateSecurityPolicy(await startSession(owner), { require_for: "admins", grace_days: 0 }, META, at(0));

    const step = await passwordStep(person, at(10));
    expect(step.enrol).toBe(true);
    const first = await startEnrolment(step.token, at(11));
    const profile = await startTotpSetup(personActor, { password: PASSWORD }, META, at(20));
    const reloaded = await startEnrolment(step.token, at(30));
    expect(reloaded.secret).not.toBe(profile.secret);
    expect(reloaded.secret).toBe(first.secret);
  });

  it("covers members of chosen groups after the grace period, and nobody else", async () => {
    const acct = await createAccount();
    const owner = await createUser(acct, { role: "owner", password: PASSWORD });
    const ownerActor = await startSession(owner);
    const group = await createGroup(ownerActor, { name: "Ops" }, META);
    const member = await createUser(acct, { password: PASSWORD });
    const other = await createUser(acct, { password: PASSWORD });
    await writeSystem((tx) => setUserGroups(tx, acct, member.id, [group.id]));
    await updateSecurityPolicy(ownerActor, { require_for: "groups", group_ids: [group.id], grace_days: 2 }, META, at(0));

    // In the grace period: straight in.
    await expect(signInWithPassword(member.email, PASSWORD, from(member), at(86_400), LIMITS)).resolves.toMatchObject({ userId: member.id });
    expect((await passwordStep(member, at(3 * 86_400))).enrol).toBe(true);
    await expect(signInWithPassword(other.email, PASSWORD, from(other), at(3 * 86_400), LIMITS)).resolves.toMatchObject({ userId: other.id });
  });

  it("counts as an admin whoever holds admin powers: by an extra role, a group's role or a custom role", async () => {
    // Review 12: "Owner and admins" read the primary role only, so a member given the admin role as an extra
    // role or through a group signed in with the password alone, with every power of an admin.
    const acct = await createAccount();
    const owner = await createUser(acct, { role: "owner", password: PASSWORD });
    const ownerActor = await startSession(owner);
    const byExtraRole = await createUser(acct, { password: PASSWORD });
    await setUserRoles(ownerActor, byExtraRole.id, { role_ids: ["admin"] }, META);
    const byGroup = await createUser(acct, { password: PASSWORD });
    const admins = await createGroup(ownerActor, { name: "Admins" }, META);
    await setGroupRoles(ownerActor, admins.id, { role_ids: ["admin"] }, META);
    await setGroupMembership(ownerActor, admins.id, byGroup.id, true, META);
    const helpdesk = await createRole(ownerActor, { name: "Helpdesk", description: "", permissions: ["users:read", "users:reset_password"] }, META);
    const byCustomRole = await createUser(acct, { password: PASSWORD });
    await setUserRoles(ownerActor, byCustomRole.id, { role_ids: [helpdesk.id] }, META);
    const auditor = await createUser(acct, { role: "auditor", password: PASSWORD });
    const member = await createUser(acct, { password: PASSWORD });
    await updateSecurityPolicy(ownerActor, { require_for: "admins", grace_days: 0 }, META, at(0));

    for (const person of [byExtraRole, byGroup, byCustomRole]) expect((await passwordStep(person, at(10))).enrol).toBe(true);
    // Looking is not an admin's power: auditors and members go straight in.
    for (const person of [auditor, member]) {
      await expect(signInWithPassword(person.email, PASSWORD, from(person), at(10), LIMITS)).resolves.toMatchObject({ userId: person.id });
    }
  });

  it("lets only the owner set the requirement", async () => {
    const admin = await createUser(accountId, { role: "admin", password: PASSWORD });
    await expect(updateSecurityPolicy(await startSession(admin), { require_for: "everyone" }, META)).rejects.toThrow(Forbidden);
  });
});

/**
 * Review 8a: a pending step outlived what takes an account back. Someone who had the password and started the
 * step could finish it after the person changed their password or signed out everywhere (or an admin reset the
 * password or moved the email) and get a fresh session. The step ends with them (./reactions.ts).
 */
describe("a pending step ends with what takes the account back", () => {
  const ATTACKER: RequestMeta = { ip: "203.0.113.80", userAgent: "attacker" };
  const takeBacks: Array<[string, (user: TestUser, admin: Awaited<ReturnType<typeof startSession>>) => Promise<unknown>]> = [
    ["the person changes their password", async (user) =>
      changeOwnPassword(await startSession(user), user.id, { old_password: PASSWORD, new_password: "a completely new passphrase 8812" }, META)],
    ["the person signs out everywhere else", async (user) => endOtherSessions(await startSession(user), META)],
    ["an admin resets the password", async (user, admin) => resetUserPassword(admin, user.id, {}, META)],
    ["an admin revokes the sessions", async (user, admin) => revokeUserSessions(admin, user.id, {}, META)],
    ["an admin changes the email", async (user, admin) => updateUser(admin, user.id, { email: `moved-${user.id}@example.com` }, META)],
    ["an admin blocks the person (and unblocks them later)", async (user, admin) => {
      await setUserBlocked(admin, user.id, true, META);
      await setUserBlocked(admin, user.id, false, META);
    }],
  ];

  for (const [what, takeBack] of takeBacks) {
    it(`refuses to finish a code step once ${what}`, async () => {
      const { user, secret } = await userWithTotp();
      const admin = await startSession(await createUser(accountId, { role: "admin" }));
      const step = await passwordStep(user, at(700));
      await takeBack(user, admin);
      await expect(completeSecondStep(step.token, totpCode(secret, at(730)), ATTACKER, at(730), LIMITS)).rejects.toThrow(SecondStepExpired);
    });
  }

  it("refuses to finish a set-up step (a person who must enrol) once the person changes their password", async () => {
    const enrolAccount = await createAccount();
    const owner = await createUser(enrolAccount, { role: "owner", password: PASSWORD });
    const user = await createUser(enrolAccount, { role: "admin", password: PASSWORD });
    await updateSecurityPolicy(await startSession(owner), { require_for: "admins", grace_days: 0 }, META, at(0));
    const step = await passwordStep(user, at(800));
    expect(step.enrol).toBe(true);
    await changeOwnPassword(await startSession(user), user.id, { old_password: PASSWORD, new_password: "a completely new passphrase 5521" }, META);
    await expect(startEnrolment(step.token, at(830))).rejects.toThrow(SecondStepExpired);
    await expect(completeSecondStep(step.token, "", ATTACKER, at(830), LIMITS)).rejects.toThrow(SecondStepExpired);
    expect(await db().select().from(mfaPendingSteps).where(eq(mfaPendingSteps.userId, user.id))).toHaveLength(0);
  });
});

describe("resetTwoFactor", () => {
  it("removes the factors and codes and ends the person's sessions; an admin can't reset the owner", async () => {
    const { user } = await userWithTotp();
    const admin = await createUser(accountId, { role: "admin", password: PASSWORD });
    const adminActor = await startSession(admin);
    expect((await sessionsOf(user.id)).length).toBeGreaterThan(0);

    await expect(resetTwoFactor(adminActor, user.id, META, { password: PASSWORD })).resolves.toMatchObject({ sessionsEnded: 1 });
    expect(await mfaSummary(db(), user.id)).toMatchObject({ totp: false, recoveryCodesLeft: 0 });
    expect(await sessionsOf(user.id)).toHaveLength(0);
    expect(await lastEvent()).toMatchObject({ action: "mfa.reset", actorId: admin.id, targetId: user.id });
    // The password alone signs them in again.
    await expect(signInWithPassword(user.email, PASSWORD, from(user), at(5000), LIMITS)).resolves.toMatchObject({ userId: user.id });

    const { user: owner } = await userWithTotp("owner");
    await expect(resetTwoFactor(adminActor, owner.id, META, { password: PASSWORD })).rejects.toThrow(Forbidden);
    expect((await mfaSummary(db(), owner.id)).totp).toBe(true);
  });

  it("doesn't remove one's own factors without the proof Profile asks: a stolen session can't strip them", async () => {
    for (const role of ["admin", "owner"] as const) {
      const acct = await createAccount();
      const { user } = await userWithTotpIn(acct, role);
      const actor = await startSession(user);
      await expect(resetTwoFactor(actor, user.id, META, { password: PASSWORD })).rejects.toThrow(Forbidden);
      expect(await mfaSummary(db(), user.id)).toMatchObject({ totp: true, recoveryCodesLeft: 10 });
      expect((await sessionsOf(user.id)).length).toBeGreaterThan(0);
    }
  });
});
