/**
 * A password sign-in checks the password (argon2, tens of milliseconds) before its write. A change that
 * commits in that time wins: the attempt makes no session. Before, someone holding a stolen password and
 * signing in over and over kept a session made after the person changed it (or after they were blocked).
 * The rest of the sign-in goes by the person as they are then (a promotion that makes two-factor due).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/database";
import { sessions } from "@/lib/db/schema";
import { changeOwnPassword } from "@/lib/users/password";
import { setUserBlocked } from "@/lib/users/lifecycle";
import { hashPassword, verifyPassword } from "@/lib/crypto/passwords";
import { createAccount, createUser, lastEvent, META, startSession, updateUserRow, userRow } from "@/test/factories";
import { afterNextPasswordCheck } from "@/test/password-check-race";
import { SecondStepRequired } from "@/lib/mfa/second-step";
import { updateSecurityPolicy } from "@/lib/mfa/policy";
import { SignInFailed, signInWithPassword } from "./password-sign-in";

const OLD = "a long and unusual passphrase";
const NEW = "another quite unusual passphrase";

let accountId: string;

beforeAll(async () => {
  accountId = await createAccount();
});

const sessionsOf = async (userId: string) => (await db().select().from(sessions)).filter((s) => s.userId === userId).length;

describe("a password sign-in racing a change to the person", () => {
  it("makes no session when the password changed while it was checked", async () => {
    const victim = await createUser(accountId, { email: "victim@example.com", password: OLD });
    const own = await startSession(victim);
    afterNextPasswordCheck(() => changeOwnPassword(own, victim.id, { old_password: OLD, new_password: NEW }, META));

    await expect(signInWithPassword(victim.email, OLD, META)).rejects.toBeInstanceOf(SignInFailed);

    expect(await sessionsOf(victim.id)).toBe(1); // only the one that changed it
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", targetId: victim.id, details: { reason: "wrong_password" } });
    await expect(signInWithPassword(victim.email, NEW, META)).resolves.toMatchObject({ userId: victim.id });
  });

  it("doesn't write the old password's upgraded hash over a password changed meanwhile", async () => {
    const carol = await createUser(accountId, { email: "carol-race@example.com" });
    // Openwall crypt_blowfish test vector for the password "U*U": an imported hash, upgraded at sign-in.
    await updateUserRow(carol.id, { passwordHash: "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" });
    const changed = await hashPassword(NEW);
    afterNextPasswordCheck(() => updateUserRow(carol.id, { passwordHash: changed }));

    await expect(signInWithPassword(carol.email, "U*U", META)).rejects.toBeInstanceOf(SignInFailed);

    expect((await userRow(carol.id))!.passwordHash).toBe(changed);
    expect(await verifyPassword(changed, NEW)).toBe(true);
    expect(await sessionsOf(carol.id)).toBe(0);
  });

  it("makes no session when the person was blocked while it was checked", async () => {
    const admin = await createUser(accountId, { email: "admin-race@example.com", role: "admin" });
    const bob = await createUser(accountId, { email: "bob-race@example.com", password: OLD });
    const adminSession = await startSession(admin);
    afterNextPasswordCheck(() => setUserBlocked(adminSession, bob.id, true, META));

    await expect(signInWithPassword(bob.email, OLD, META)).rejects.toBeInstanceOf(SignInFailed);

    expect(await sessionsOf(bob.id)).toBe(0);
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", targetId: bob.id, details: { reason: "blocked_user" } });
  });

  it("asks for two-factor set-up when the person became an admin while it was checked, and admins must use it", async () => {
    // An account of its own: its policy covers admins.
    const elsewhere = await createAccount();
    const owner = await startSession(await createUser(elsewhere, { role: "owner" }));
    await updateSecurityPolicy(owner, { require_for: "admins" }, META, new Date(0));
    const dana = await createUser(elsewhere, { email: "dana-race@example.com", password: OLD });
    afterNextPasswordCheck(() => updateUserRow(dana.id, { role: "admin" }));

    const outcome = await signInWithPassword(dana.email, OLD, META).catch((e: unknown) => e);

    expect(outcome).toBeInstanceOf(SecondStepRequired);
    expect((outcome as SecondStepRequired).enrol).toBe(true);
    expect(await sessionsOf(dana.id)).toBe(0);
  });
});
