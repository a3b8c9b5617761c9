import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SignInLimits } from "@/lib/config";
import * as passwords from "@/lib/crypto/passwords";
import { db } from "@/lib/db/database";
import { activityEvents, signInBackoffs, signInLockouts } from "@/lib/db/schema";
import { createAccount, createUser, META, type TestUser } from "@/test/factories";
import { CredentialsMissing, SignInFailed, signInWithPassword } from "./password-sign-in";

// The real hashing, watched: an empty submit must not cost (or time) an argon2 verify.
vi.mock("@/lib/crypto/passwords", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/crypto/passwords")>();
  return { ...real, verifyPassword: vi.fn(real.verifyPassword), verifyAgainstDummy: vi.fn(real.verifyAgainstDummy) };
});

const PASSWORD = "a long and unusual passphrase";
// Two free attempts: ten counted submits would make the next one wait.
const LIMITS: SignInLimits = { freeAttempts: 2, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 4, lockoutFailures: 6, lockoutWindowSeconds: 86_400 };

let alice: TestUser;

beforeAll(async () => {
  alice = await createUser(await createAccount(), { email: "alice.missing@example.com", password: PASSWORD });
});

beforeEach(() => {
  vi.mocked(passwords.verifyPassword).mockClear();
  vi.mocked(passwords.verifyAgainstDummy).mockClear();
});

const hashesChecked = () => vi.mocked(passwords.verifyPassword).mock.calls.length + vi.mocked(passwords.verifyAgainstDummy).mock.calls.length;
const counted = async () => ({
  events: (await db().select().from(activityEvents)).length,
  backoffs: (await db().select().from(signInBackoffs)).length,
  lockouts: (await db().select().from(signInLockouts)).length,
});

async function refusal(identifier: string, password: string): Promise<unknown> {
  return signInWithPassword(identifier, password, META, new Date(), LIMITS).catch((e: unknown) => e);
}

describe("a sign-in with a field left empty", () => {
  it("is refused at the empty fields without a lookup's cost, a hash, a throttle count or an event, the same for known and unknown people", async () => {
    const before = await counted();
    const cases: Array<[string, string, Record<string, string[]>]> = [
      [alice.email, "", { password: ["Enter your password"] }],
      ["nobody.here@example.com", "", { password: ["Enter your password"] }],
      ["", PASSWORD, { email: ["Enter your email or username"] }],
      ["   ", "", { email: ["Enter your email or username"], password: ["Enter your password"] }],
    ];
    for (let round = 0; round < 5; round += 1) {
      for (const [identifier, password, fieldErrors] of cases) {
        const error = await refusal(identifier, password);
        expect(error).toBeInstanceOf(CredentialsMissing);
        expect((error as CredentialsMissing).fieldErrors).toEqual(fieldErrors);
      }
    }
    expect(hashesChecked()).toBe(0);
    expect(await counted()).toEqual(before);
    // Twenty empty submits later, the right password is not made to wait.
    await expect(signInWithPassword(alice.email, PASSWORD, META, new Date(), LIMITS)).resolves.toMatchObject({ userId: alice.id });
  });

  it("leaves a wrong password what it was: one hash, one count, one user.login.failed", async () => {
    const before = await counted();
    expect(await refusal(alice.email, "not the password")).toBeInstanceOf(SignInFailed);
    expect(hashesChecked()).toBe(1);
    const after = await counted();
    expect(after.events).toBe(before.events + 1);
    expect(after.backoffs).toBeGreaterThan(before.backoffs);
    const [last] = (await db().select().from(activityEvents)).slice(-1);
    expect(last).toMatchObject({ action: "user.login.failed", targetId: alice.id });
  });
});
