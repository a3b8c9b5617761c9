import { and, eq } from "drizzle-orm";
import pg from "pg";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionActor } from "@/lib/auth/actor";
import type { SignInLimits } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { activityEvents, signInBackoffs, signInLockouts } from "@/lib/db/schema";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { getUser, listUsers, userFiltersSchema } from "@/lib/users/queries";
import { unlockUser } from "@/lib/users/sign-in-lock";
import { createUser, META, startSession, type TestUser } from "@/test/factories";
import { onPostgres } from "@/test/test-database";
import { SignInFailed, SignInThrottled, signInWithPassword, waitMessage } from "@/lib/sign-in/password-sign-in";
import { admitAttempt, attemptKeys, delaySeconds, recordSignInSuccess } from "./sign-in-throttle";

const PASSWORD = "a long and unusual passphrase";
const LIMITS: SignInLimits = {
  freeAttempts: 5,
  delaySeconds: 60,
  maxDelaySeconds: 900,
  ipFreeAttempts: 40,
  lockoutFailures: 12,
  lockoutWindowSeconds: 24 * 3600,
};
const MINUTE = 60_000;
const T0 = Date.parse("2030-01-01T00:00:00Z");
const at = (ms: number) => new Date(T0 + ms);
const from = (ip: string) => ({ ip, userAgent: "vitest" });

let accountId: string;
let ownerId: string;
let victim: TestUser;

beforeAll(async () => {
  const setup = await completeSetup(
    setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: PASSWORD }),
    META,
  );
  accountId = setup.account_id;
  ownerId = setup.user_id;
});

let n = 0;
async function newVictim(): Promise<TestUser> {
  n += 1;
  return createUser(accountId, { email: `victim${n}@example.com`, name: `Victim ${n}`, password: PASSWORD });
}

type Outcome = "ok" | "failed" | { wait: number };

async function attempt(email: string, password: string, ip: string, now: Date): Promise<Outcome> {
  try {
    await signInWithPassword(email, password, from(ip), now, LIMITS);
    return "ok";
  } catch (err) {
    if (err instanceof SignInThrottled) return { wait: err.retryAfterSeconds };
    if (err instanceof SignInFailed) return "failed";
    throw err;
  }
}

async function reasonsFor(userId: string): Promise<string[]> {
  return (await db()
    .select()
    .from(activityEvents)
    .where(and(eq(activityEvents.targetId, userId), eq(activityEvents.action, "user.login.failed")))
    .orderBy(activityEvents.seq))
    .map((e) => String(e.details?.reason));
}

let ownerActor: SessionActor | undefined;
const owner = async () => (ownerActor ??= await startSession({ id: ownerId, accountId }));

/** A throttle row's failure count, or null when there is no row. */
async function backoffFailures(key: string): Promise<number | null> {
  const [row] = await db().select().from(signInBackoffs).where(eq(signInBackoffs.key, key));
  return row?.failures ?? null;
}

describe("growing delays", () => {
  it("computes no delay for the free attempts, then doubling up to the maximum", async () => {
    expect([0, 4, 5, 6, 7, 8, 9, 10, 50].map((f) => delaySeconds(f, 5, LIMITS))).toEqual([0, 0, 60, 120, 240, 480, 900, 900, 900]);
    expect(waitMessage(60)).toBe("Too many attempts. Try again in 1 minute.");
    expect(waitMessage(61)).toBe("Too many attempts. Try again in 2 minutes.");
  });

  it("makes the next attempt wait after 5 failures in a row, doubling per further failure", async () => {
    const v = await newVictim();
    for (let i = 0; i < 5; i++) expect(await attempt(v.email, "wrong", "198.51.100.1", at(i * 1000))).toBe("failed");
    // Even the right password must wait now.
    expect(await attempt(v.email, PASSWORD, "198.51.100.1", at(5000))).toEqual({ wait: 59 });
    expect(await attempt(v.email, PASSWORD, "198.51.100.1", at(30_000))).toEqual({ wait: 34 });
    // After the wait one attempt is allowed; failing it doubles the wait.
    expect(await attempt(v.email, "wrong", "198.51.100.1", at(64_000))).toBe("failed");
    expect(await attempt(v.email, "wrong", "198.51.100.1", at(65_000))).toEqual({ wait: 119 });
    expect(await attempt(v.email, "wrong", "198.51.100.1", at(64_000 + 2 * MINUTE))).toBe("failed");
    expect(await attempt(v.email, "wrong", "198.51.100.1", at(64_000 + 2 * MINUTE + 1000))).toEqual({ wait: 239 });
    // The log has the real reasons, one rate_limited per wait (not per refused request).
    expect(await reasonsFor(v.id)).toEqual([
      ...Array(5).fill("wrong_password"),
      "rate_limited",
      "wrong_password",
      "rate_limited",
      "wrong_password",
      "rate_limited",
    ]);
    // A correct password after the wait signs in and starts the count over.
    expect(await attempt(v.email, PASSWORD, "198.51.100.1", at(64_000 + 6 * MINUTE))).toBe("ok");
    expect(await attempt(v.email, "wrong", "198.51.100.1", at(64_000 + 7 * MINUTE))).toBe("failed");
  });

  it("never waits longer than the maximum", async () => {
    const v = await newVictim();
    let now = 0;
    for (let i = 0; i < 11; i++) {
      let outcome = await attempt(v.email, "wrong", "198.51.100.2", at(now));
      if (typeof outcome === "object") {
        expect(outcome.wait).toBeLessThanOrEqual(900);
        now += outcome.wait * 1000;
        outcome = await attempt(v.email, "wrong", "198.51.100.2", at(now));
      }
      expect(outcome).toBe("failed");
      now += 1000;
    }
    expect(await attempt(v.email, "wrong", "198.51.100.2", at(now))).toEqual({ wait: 899 });
  });

  it("counts concurrent attempts, so a burst can't slip past the limit", async () => {
    const v = await newVictim();
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => attempt(v.email, "wrong", "198.51.100.3", at(0))));
    expect(outcomes.filter((o) => o === "failed")).toHaveLength(5);
    expect(outcomes.filter((o) => typeof o === "object")).toHaveLength(7);
    expect((await reasonsFor(v.id)).filter((r) => r === "wrong_password")).toHaveLength(5);
  });

  it("forgets on success the pair's run and the email's count, and one of the address's failures", async () => {
    const ip = "198.51.100.9";
    const [v, other] = [await newVictim(), await newVictim()];
    const keys = attemptKeys(v.email, ip);
    // Three failures from the address: two for v (the pair's run), one for another email.
    expect(await attempt(v.email, "wrong", ip, at(0))).toBe("failed");
    expect(await attempt(v.email, "wrong", ip, at(1000))).toBe("failed");
    expect(await attempt(other.email, "wrong", ip, at(2000))).toBe("failed");
    expect(await backoffFailures(keys.ipKey)).toBe(3);

    // The right password counts first (4) and then forgives itself and the pair's run: the address keeps 3.
    expect(await attempt(v.email, PASSWORD, ip, at(3000))).toBe("ok");
    expect(await backoffFailures(keys.pairKey)).toBeNull();
    expect(await backoffFailures(keys.ipKey)).toBe(3);
    expect(await db().select().from(signInLockouts).where(eq(signInLockouts.emailIndex, keys.emailIndex))).toEqual([]);
    // other's own failure is still counted for it.
    expect(await db().select().from(signInLockouts).where(eq(signInLockouts.emailIndex, attemptKeys(other.email, ip).emailIndex))).toHaveLength(1);

    // An address whose only failure is the attempt itself keeps no row after a success.
    const fresh = "198.51.100.10";
    expect(await attempt(v.email, PASSWORD, fresh, at(4000))).toBe("ok");
    expect(await backoffFailures(attemptKeys(v.email, fresh).ipKey)).toBeNull();
  });

  it("doesn't make an attempt wait whose clock read is older than another's failure under the free count (people behind one address)", async () => {
    // Two people sign in from one office address; the later-started attempt takes the write lock first.
    const ip = "198.51.100.11";
    const [a, b] = [await newVictim(), await newVictim()];
    expect(await attempt(b.email, "wrong", ip, at(5000))).toBe("failed");
    expect(await attempt(a.email, PASSWORD, ip, at(4990))).toBe("ok");
    expect(await attempt(b.email, PASSWORD, ip, at(4995))).toBe("ok");
  });

  it("slows down one address spraying many emails", async () => {
    const ip = "198.51.100.4";
    const outcomes: Outcome[] = [];
    for (let i = 0; i < LIMITS.ipFreeAttempts + 1; i++) outcomes.push(await attempt(`spray${i}@example.com`, "wrong", ip, at(i)));
    expect(outcomes.slice(0, LIMITS.ipFreeAttempts).every((o) => o === "failed")).toBe(true);
    expect(outcomes.at(-1)).toEqual({ wait: 60 });
    // Other addresses are not affected.
    const v = await newVictim();
    expect(await attempt(v.email, PASSWORD, "198.51.100.5", at(100))).toBe("ok");
  }, 30_000);

  // Review 8a: keyed by the full address, one host with a /64 took a fresh address per attempt and was never slowed.
  it("slows down one IPv6 /64 spraying from a fresh address each time, and no other /64", async () => {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < LIMITS.ipFreeAttempts + 1; i++) outcomes.push(await attempt(`spray64-${i}@example.com`, "wrong", `2001:db8:64:1::${(i + 1).toString(16)}`, at(i)));
    expect(outcomes.slice(0, LIMITS.ipFreeAttempts).every((o) => o === "failed")).toBe(true);
    expect(outcomes.at(-1)).toEqual({ wait: 60 });
    const v = await newVictim();
    expect(await attempt(v.email, PASSWORD, "2001:db8:64:2::1", at(100))).toBe("ok");
  }, 30_000);
});

describe("a third party", () => {
  it("can't delay the victim's own sign-in from another address", async () => {
    const v = await newVictim();
    let now = 0;
    let failures = 0;
    while (failures < 8) {
      const outcome = await attempt(v.email, "guess", "203.0.113.66", at(now));
      if (outcome === "failed") failures += 1;
      now += typeof outcome === "object" ? outcome.wait * 1000 : 1000;
    }
    // The attacker's address must wait minutes now…
    expect(await attempt(v.email, "guess", "203.0.113.66", at(now))).toMatchObject({ wait: expect.any(Number) });
    // …while the victim, elsewhere, is not slowed at all.
    expect(await attempt(v.email, PASSWORD, "192.0.2.10", at(now))).toBe("ok");
  });

  it("can lock the email at the daily cap, but for no longer than the window, and an admin can unlock at once", async () => {
    const v = await newVictim();
    // Failures from many addresses (each stays under its own delay) reach the cap.
    for (let i = 0; i < LIMITS.lockoutFailures; i++) {
      expect(await attempt(v.email, "guess", `203.0.113.${i}`, at(i * MINUTE))).toBe("failed");
    }
    const lockedAt = (LIMITS.lockoutFailures - 1) * MINUTE;
    // Now even the right password from the victim's own address fails, with the generic answer.
    expect(await attempt(v.email, PASSWORD, "192.0.2.20", at(lockedAt + MINUTE))).toBe("failed");
    expect((await reasonsFor(v.id)).at(-1)).toBe("locked");
    const lockEvent = (await db().select().from(activityEvents).where(and(eq(activityEvents.targetId, v.id), eq(activityEvents.action, "user.locked"))));
    expect(lockEvent).toHaveLength(1);

    // Team → Users shows the lock (status "locked", filterable).
    const actor = await owner();
    expect((await getUser(actor, v.id)).lockedUntil?.getTime()).toBe(T0 + LIMITS.lockoutWindowSeconds * 1000);
    const locked = await listUsers(actor, userFiltersSchema.parse({ status: "locked" }));
    expect(locked.items.map((u) => u.id)).toContain(v.id);

    // The attacker keeps going all day; attempts while locked don't extend it.
    let now = lockedAt + 2 * MINUTE;
    for (let i = 0; i < 6; i++) {
      await attempt(v.email, "guess", `203.0.113.${100 + i}`, at(now));
      now += 3 * 3600_000;
    }
    const windowEnd = LIMITS.lockoutWindowSeconds * 1000;
    expect(await attempt(v.email, PASSWORD, "192.0.2.20", at(windowEnd - 1000))).toBe("failed");
    // When the window ends, the victim is in.
    expect(await attempt(v.email, PASSWORD, "192.0.2.20", at(windowEnd + 1000))).toBe("ok");
  }, 30_000);

  it("is undone by an admin's unlock, which is on record", async () => {
    const v = await newVictim();
    for (let i = 0; i < LIMITS.lockoutFailures; i++) await attempt(v.email, "guess", `203.0.114.${i}`, at(i * MINUTE));
    expect(await attempt(v.email, PASSWORD, "192.0.2.30", at(13 * MINUTE))).toBe("failed");

    // Sign-in locks are real time, not the test clock: unlock judges "locked" at the lock's own time.
    const result = await unlockUser(await owner(), v.id, META, at(14 * MINUTE));
    expect(result).toEqual({ was_locked: true, delays_cleared: true });
    const unlocked = (await db().select().from(activityEvents).where(and(eq(activityEvents.targetId, v.id), eq(activityEvents.action, "user.unlocked"))).limit(1))[0];
    expect(unlocked).toMatchObject({ actorId: ownerId, details: { was_locked: true, delays_cleared: true } });
    expect(await attempt(v.email, PASSWORD, "192.0.2.30", at(15 * MINUTE))).toBe("ok");
  }, 30_000);

  it("can't unlock unless they manage users", async () => {
    const v = await newVictim();
    const member = await startSession(await newVictim());
    await expect(unlockUser(member, v.id, META)).rejects.toThrow(/permission to unlock/);
  });
});

describe("unknown and known emails", () => {
  it("are throttled and locked exactly alike", async () => {
    const v = await newVictim();
    const unknown = "nobody-here@example.com";
    const run = async (email: string, ipBase: string) => {
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 6; i++) outcomes.push(await attempt(email, "guess", `${ipBase}.1`, at(i * 1000)));
      for (let i = 0; i < LIMITS.lockoutFailures; i++) outcomes.push(await attempt(email, "guess", `${ipBase}.${10 + i}`, at(10_000 + i)));
      outcomes.push(await attempt(email, PASSWORD, `${ipBase}.250`, at(20_000)));
      return outcomes;
    };
    const known = await run(v.email, "10.1.0");
    const stranger = await run(unknown, "10.2.0");
    expect(stranger).toEqual(known);
    expect(known.slice(0, 6)).toEqual([...Array(5).fill("failed"), { wait: 59 }]);
    expect(known.at(-1)).toBe("failed");
  }, 30_000);

  // Review 8a: the pair's delay was keyed by the person's email when the identifier named someone and by
  // the typed string otherwise, so five guesses under an email and one under a username answered "wait"
  // only when both belonged to one person: a way to tell whether an account (and its username) exists.
  it("answer alike when a person's other identifier is typed next", async () => {
    const person = await createUser(accountId, { email: "two-names@example.com", username: "twonames", password: PASSWORD });
    const run = async (email: string, username: string, ip: string) => {
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 5; i++) outcomes.push(await attempt(email, "guess", ip, at(i * 1000)));
      outcomes.push(await attempt(username, "guess", ip, at(6_000)));
      outcomes.push(await attempt(email, "guess", ip, at(7_000)));
      return outcomes;
    };
    const known = await run(person.email, "twonames", "10.3.0.1");
    const stranger = await run("no-two-names@example.com", "notwonames", "10.4.0.1");
    expect(known).toEqual(stranger);
    expect(known).toEqual([...Array(6).fill("failed"), { wait: 57 }]);
  }, 30_000);
});

describe("round trips under the write lock", () => {
  /** The lock's row for an email: its failures and whether it is locked, or null. */
  async function lockFailures(emailIndex: string): Promise<{ failures: number; locked: boolean } | null> {
    const [row] = await db().select().from(signInLockouts).where(and(eq(signInLockouts.accountId, accountId), eq(signInLockouts.emailIndex, emailIndex)));
    return row ? { failures: row.failures, locked: row.lockedUntil !== null } : null;
  }

  it("count the pair, the address and the email per attempt, and forgive them on success", async () => {
    const keys = attemptKeys("round-trips@example.com", "10.9.0.1");
    // Every round trip to PostgreSQL is one call of a pg Client's query (pooled connections included).
    const sent = onPostgres ? vi.spyOn(pg.Client.prototype, "query") : undefined;
    try {
      for (let i = 1; i <= 3; i++) {
        sent?.mockClear();
        const admission = await writeSystem((tx) => admitAttempt(tx, keys, accountId, at(i * 1000), LIMITS));
        expect(admission).toMatchObject({ kind: "proceed", failuresInWindow: i });
        // BEGIN with the write lock, one read (backoffs and lock), one upsert (backoffs and lock), COMMIT.
        if (sent) expect(sent.mock.calls).toHaveLength(4);
      }
      expect([await backoffFailures(keys.pairKey), await backoffFailures(keys.ipKey), await lockFailures(keys.emailIndex)]).toEqual([
        3,
        3,
        { failures: 3, locked: false },
      ]);

      // An email nobody has: no lock row, the same round trips.
      const stranger = attemptKeys("round-trips-nobody@example.com", "10.9.0.1");
      sent?.mockClear();
      expect(await writeSystem((tx) => admitAttempt(tx, stranger, null, at(4000), LIMITS))).toMatchObject({ kind: "proceed" });
      if (sent) expect(sent.mock.calls).toHaveLength(4);
      expect(await backoffFailures(keys.ipKey)).toBe(4);

      // BEGIN with the write lock, one statement for the pair, the address and the lock, COMMIT.
      sent?.mockClear();
      await writeSystem((tx) => recordSignInSuccess(tx, keys, accountId));
      if (sent) expect(sent.mock.calls).toHaveLength(3);
      expect([await backoffFailures(keys.pairKey), await backoffFailures(keys.ipKey), await lockFailures(keys.emailIndex)]).toEqual([null, 3, null]);

      // An address down to its last failure loses its row.
      const alone = attemptKeys("round-trips-alone@example.com", "10.9.0.2");
      await writeSystem((tx) => admitAttempt(tx, alone, accountId, at(5000), LIMITS));
      await writeSystem((tx) => recordSignInSuccess(tx, alone, accountId));
      expect([await backoffFailures(alone.pairKey), await backoffFailures(alone.ipKey)]).toEqual([null, null]);
    } finally {
      sent?.mockRestore();
    }
  });

  it("count a locked email's attempt against the pair and the address only", async () => {
    const keys = attemptKeys("round-trips-locked@example.com", "10.9.1.1");
    // Each attempt from its own address, so no delay starts before the cap.
    for (let i = 0; i < LIMITS.lockoutFailures; i++) {
      await writeSystem((tx) => admitAttempt(tx, attemptKeys("round-trips-locked@example.com", `10.9.1.${10 + i}`), accountId, at(i), LIMITS));
    }
    expect(await lockFailures(keys.emailIndex)).toEqual({ failures: LIMITS.lockoutFailures, locked: true });
    const sent = onPostgres ? vi.spyOn(pg.Client.prototype, "query") : undefined;
    try {
      expect(await writeSystem((tx) => admitAttempt(tx, keys, accountId, at(MINUTE), LIMITS))).toMatchObject({ kind: "locked" });
      if (sent) expect(sent.mock.calls).toHaveLength(4);
    } finally {
      sent?.mockRestore();
    }
    expect([await backoffFailures(keys.pairKey), await backoffFailures(keys.ipKey), await lockFailures(keys.emailIndex)]).toEqual([
      1,
      1,
      { failures: LIMITS.lockoutFailures, locked: true },
    ]);
  });
});
