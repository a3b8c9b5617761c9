import { beforeAll, describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { inSignInPlace, STRANGERS_PER_SLOT } from "@/lib/crypto/password-queue";
import { db } from "@/lib/db/database";
import { activityEvents, signInBackoffs, signInLockouts } from "@/lib/db/schema";
import { newDeviceId } from "@/lib/http/device-cookie";
import { isKnownDeviceOf } from "@/lib/mail/reactions";
import { createAccount, createUser, META, type TestUser } from "@/test/factories";
import { SignInFailed, signInWithPassword, SignInThrottled } from "./password-sign-in";

// Review 25: a crowd of anonymous sign-ins from many addresses no longer keeps the person out (lib/crypto/password-queue.ts).
const PASSWORD = "a long and unusual passphrase";
let alice: TestUser;
const ownBrowser = newDeviceId();

beforeAll(async () => {
  const accountId = await createAccount();
  alice = await createUser(accountId, { email: "alice-strangers@example.com", role: "user", password: PASSWORD });
  // Alice signs in once with her browser: it becomes one she is known by.
  await signInWithPassword(alice.email, PASSWORD, { ...META, device: ownBrowser });
  expect(await isKnownDeviceOf(db(), alice.id, ownBrowser)).toBe(true);
});

const rows = async () => ({
  backoffs: (await db().select().from(signInBackoffs)).length,
  lockouts: (await db().select().from(signInLockouts)).length,
  events: (await db().select().from(activityEvents)).length,
});

/** Takes every stranger's place, as a crowd mid-sign-in does; `leave` ends them. */
function crowd() {
  const leaves: (() => void)[] = [];
  const held = Array.from({ length: STRANGERS_PER_SLOT * config().passwordHashConcurrency }, () =>
    inSignInPlace("stranger", () => new Promise<void>((resolve) => leaves.push(resolve))),
  );
  return { leave: async () => (leaves.forEach((leave) => leave()), await Promise.all(held)) };
}

describe("sign-in while strangers fill their lane of the password queue", () => {
  it("refuses a stranger at once with a wait, counting, hashing and recording nothing, whoever is named", async () => {
    const strangers = crowd();
    try {
      const before = await rows();
      for (const [identifier, meta] of [
        ["nobody-strangers@example.com", META],
        [alice.email, META],
        [alice.email, { ...META, device: newDeviceId() }],
        ["nobody-strangers@example.com", { ...META, device: ownBrowser }],
      ] as const) {
        const refused = await signInWithPassword(identifier, PASSWORD, meta).catch((err: unknown) => err);
        expect(refused).toBeInstanceOf(SignInThrottled);
        expect((refused as SignInThrottled).message).toBe("Too many attempts. Try again in 1 minute.");
      }
      expect(await rows()).toEqual(before);
    } finally {
      await strangers.leave();
    }
  });

  it("lets the person in from a browser they signed in with before, and checks their password as ever", async () => {
    const strangers = crowd();
    try {
      const own = { ...META, device: ownBrowser };
      await expect(signInWithPassword(alice.email, `${PASSWORD}!`, own)).rejects.toBeInstanceOf(SignInFailed);
      await expect(signInWithPassword(alice.email, PASSWORD, own)).resolves.toMatchObject({ userId: alice.id });
    } finally {
      await strangers.leave();
    }
  });

  it("takes strangers again once the crowd is gone", async () => {
    await expect(signInWithPassword("nobody-strangers@example.com", PASSWORD, META)).rejects.toBeInstanceOf(SignInFailed);
    await expect(signInWithPassword(alice.email, PASSWORD, META)).resolves.toMatchObject({ userId: alice.id });
  });
});
