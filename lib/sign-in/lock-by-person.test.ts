/**
 * The sign-in protection counts the person, not the identifier typed (lib/sign-in/password-sign-in.ts):
 * the sign-in form takes an email or a username. Found by the round-12 review: the cap and the delays were
 * keyed by what was typed, so once a person was locked under their email the guessing went on under their
 * username (twice the guesses per window), and a right guess under the username signed in while
 * Team → Users showed them locked.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SignInLimits } from "@/lib/config";
import { completeSetup, setupInputSchema } from "@/lib/setup/setup";
import { SignInFailed, SignInThrottled, signInWithPassword } from "@/lib/sign-in/password-sign-in";
import { createUser, META } from "@/test/factories";

const PASSWORD = "a long and unusual passphrase";
const LIMITS: SignInLimits = { freeAttempts: 50, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 500, lockoutFailures: 5, lockoutWindowSeconds: 24 * 3600 };
const T0 = Date.parse("2030-01-01T00:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

async function attempt(identifier: string, password: string, ip: string, now: Date): Promise<"ok" | "failed" | "wait"> {
  try {
    await signInWithPassword(identifier, password, { ip, userAgent: "vitest" }, now, LIMITS);
    return "ok";
  } catch (err) {
    if (err instanceof SignInThrottled) return "wait";
    if (err instanceof SignInFailed) return "failed";
    throw err;
  }
}

let accountId: string;

beforeAll(async () => {
  const setup = await completeSetup(setupInputSchema.parse({ email: "owner@example.com", name: "Olive Owner", password: PASSWORD }), META);
  accountId = setup.account_id;
});

describe("one person, one sign-in lock, whatever identifier is typed", () => {
  it("a person locked under their email is locked under their username too", async () => {
    const victim = await createUser(accountId, { email: "locked-victim@example.com", username: "lockedvictim", password: PASSWORD });
    for (let i = 0; i < LIMITS.lockoutFailures; i++) expect(await attempt(victim.email, `guess ${i}`, `198.51.100.${i + 1}`, at(i))).toBe("failed");
    // Locked: even the right password under the email is refused.
    expect(await attempt(victim.email, PASSWORD, "198.51.100.99", at(10))).toBe("failed");
    // The same person under their username must be as locked.
    expect(await attempt(victim.username, PASSWORD, "198.51.100.99", at(11))).toBe("failed");
  }, 60_000);
});
