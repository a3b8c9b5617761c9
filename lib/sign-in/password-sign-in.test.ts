import pg from "pg";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { verifyPassword } from "@/lib/crypto/passwords";
import { db } from "@/lib/db/database";
import { activityEvents, sessions } from "@/lib/db/schema";
import { resolveSession } from "@/lib/sessions/sessions";
import { createAccount, createUser, lastEvent, META, startSession, updateUserRow, userRow, type TestUser } from "@/test/factories";
import { onPostgres } from "@/test/test-database";
import { SignInFailed, signInWithPassword } from "./password-sign-in";

const PASSWORD = "a long and unusual passphrase";

let accountId: string;
let alice: TestUser;

beforeAll(async () => {
  accountId = await createAccount();
  alice = await createUser(accountId, { email: "alice@example.com", role: "admin", password: PASSWORD });
});

const sessionCount = async () => (await db().select().from(sessions)).length;

async function failure(email: string, password: string): Promise<SignInFailed> {
  const error = await signInWithPassword(email, password, META).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SignInFailed);
  return error as SignInFailed;
}

describe("signInWithPassword", () => {
  it("creates a session that resolves to the user, for the email in any case", async () => {
    const signedIn = await signInWithPassword("  Alice@EXAMPLE.com ", PASSWORD, META);

    expect(signedIn).toMatchObject({ userId: alice.id, mustChangePassword: false });
    expect(await resolveSession(signedIn.sessionId)).toMatchObject({
      kind: "session",
      sessionId: signedIn.sessionId,
      accountId,
      userId: alice.id,
      role: "admin",
    });
    expect((await userRow(alice.id))!.lastLoginAt).toBeInstanceOf(Date);
    expect(await lastEvent()).toMatchObject({ action: "user.login", actorId: alice.id, ip: META.ip, userAgent: META.userAgent });
  });

  it("gives a wrong password and an unknown email the same error, and no session", async () => {
    const before = await sessionCount();
    const wrongPassword = await failure(alice.email, `${PASSWORD}!`);
    const unknownEmail = await failure("nobody@example.com", PASSWORD);

    expect(wrongPassword.message).toBe(unknownEmail.message);
    expect(wrongPassword.message).toBe("Invalid email or password");
    expect(await sessionCount()).toBe(before);
  });

  it("records the real reason of each failure in the activity log", async () => {
    await failure(alice.email, "not the password");
    expect(await lastEvent()).toMatchObject({
      accountId,
      action: "user.login.failed",
      actorType: "user",
      actorId: alice.id,
      targetId: alice.id,
      details: { reason: "wrong_password" },
      ip: META.ip,
    });

    await failure("stranger@example.com", PASSWORD);
    expect(await lastEvent()).toMatchObject({
      accountId,
      action: "user.login.failed",
      actorType: "anonymous",
      actorId: null,
      details: { reason: "unknown_email" },
    });
    // The event must not carry the password or the unknown email.
    const raw = JSON.stringify((await db().select().from(activityEvents)));
    expect(raw).not.toContain("stranger");
    expect(raw).not.toContain("not the password");
  });

  it("refuses a blocked user with the right password and ends their existing session", async () => {
    const bob = await createUser(accountId, { email: "bob@example.com", password: PASSWORD });
    const existing = await startSession(bob);
    expect(await resolveSession(existing.sessionId)).not.toBeNull();

    await updateUserRow(bob.id, { isBlocked: true });
    const before = await sessionCount();
    const error = await failure(bob.email, PASSWORD);

    expect(error.message).toBe("Invalid email or password");
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", actorId: bob.id, details: { reason: "blocked_user" } });
    expect(await sessionCount()).toBe(before);
    expect(await resolveSession(existing.sessionId)).toBeNull();
  });

  it("refuses a user without a local password", async () => {
    const sam = await createUser(accountId, { email: "sam@example.com" });
    await failure(sam.email, PASSWORD);
    expect(await lastEvent()).toMatchObject({ action: "user.login.failed", details: { reason: "no_local_password" } });
  });

  it("signs in a user with an imported bcrypt hash and upgrades it to argon2id", async () => {
    const carol = await createUser(accountId, { email: "carol@example.com" });
    // Openwall crypt_blowfish test vector for the password "U*U".
    await updateUserRow(carol.id, { passwordHash: "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" });

    const signedIn = await signInWithPassword(carol.email, "U*U", META);

    expect(await resolveSession(signedIn.sessionId)).toMatchObject({ userId: carol.id });
    const upgraded = (await userRow(carol.id))!.passwordHash!;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$/);
    expect(await verifyPassword(upgraded, "U*U")).toBe(true);
    expect(await lastEvent()).toMatchObject({ action: "user.login", details: { password_hash_upgraded: true } });
    // And the upgraded hash keeps working.
    await expect(signInWithPassword(carol.email, "U*U", META)).resolves.toMatchObject({ userId: carol.id });
  });

  it("keeps an argon2id hash at current parameters as it is", async () => {
    const hash = (await userRow(alice.id))!.passwordHash;
    await signInWithPassword(alice.email, PASSWORD, META);
    expect((await userRow(alice.id))!.passwordHash).toBe(hash);
    expect(await lastEvent()).toMatchObject({ action: "user.login", details: null });
  });
});

describe.runIf(onPostgres)("a password sign-in on PostgreSQL", () => {
  /** Round trips per unit of work (BEGIN with the write lock to COMMIT, both counted): every other writer waits for them. */
  function roundTripsPerUnit(calls: unknown[][]): number[] {
    const units: number[] = [];
    let open = 0;
    for (const [query] of calls) {
      const text = typeof query === "string" ? query : (query as { text: string }).text;
      if (text.startsWith("BEGIN")) open = 0;
      open += 1;
      if (text === "COMMIT") units.push(open);
    }
    return units;
  }

  it("admits in 4 round trips and signs in, session and activity event included, in 10", async () => {
    const bob = await createUser(accountId, { email: "bob-round-trips@example.com", password: PASSWORD });
    await signInWithPassword(bob.email, PASSWORD, META);
    // Every round trip to PostgreSQL is one call of a pg Client's query (pooled connections included).
    const sent = vi.spyOn(pg.Client.prototype, "query");
    try {
      await signInWithPassword(bob.email, PASSWORD, META);
      // Admission: BEGIN + lock, the throttle's rows, their upsert, COMMIT. Sign-in: BEGIN + lock, the person
      // read again (a password change or block that committed during the check wins), the throttle forgiven,
      // two-factor summary and policy, session + last sign-in, known browser, activity chain head and event, COMMIT.
      expect(roundTripsPerUnit(sent.mock.calls)).toEqual([4, 10]);
    } finally {
      sent.mockRestore();
    }
  });
});
