/**
 * Review 6: a stolen session becomes a permanent way in. Adding a passkey (lib/mfa/passkeys.ts
 * startPasskeyRegistration / finishPasskeyRegistration) asks for nothing but the session, while removing
 * one asks for the password, and the email change asks for it because "a session or token alone
 * doesn't move where the account is reached". A passkey is a passwordless sign-in of its own
 * (lib/sign-in/passkey-sign-in.ts), and nothing a victim does to take the account back ends it: changing
 * the password (other sessions end), "sign out everywhere", an admin's password reset. So whoever held a
 * session for a minute registers their own authenticator and signs in as the person whenever they like.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { SignInLimits } from "@/lib/config";
import { resetRateLimits } from "@/lib/security/rate-limit";
import { passwordlessOptions, signInWithPasskey } from "@/lib/sign-in/passkey-sign-in";
import { changeOwnPassword } from "@/lib/users/password";
import { createAccount, createUser, META, setPublicAddress, startSession } from "@/test/factories";
import { softwarePasskey } from "@/test/software-authenticator";
import { parseAuthenticationResponse } from "./passkey-records";
import { finishPasskeyRegistration, startPasskeyRegistration } from "./passkeys";

const ORIGIN = "https://team.example.com";
const PASSWORD = "the victim's own passphrase 27";
const LIMITS: SignInLimits = { freeAttempts: 5, delaySeconds: 60, maxDelaySeconds: 900, ipFreeAttempts: 1000, lockoutFailures: 100, lockoutWindowSeconds: 86_400 };

let accountId: string;
beforeAll(async () => {
  accountId = await createAccount();
  await setPublicAddress(accountId, ORIGIN);
  await resetRateLimits();
});

describe("a passkey added from a stolen session", () => {
  it("doesn't outlive the victim taking their account back by changing the password", async () => {
    const victim = await createUser(accountId, { password: PASSWORD });
    const attackerKey = softwarePasskey(victim.id);
    let registered = false;
    try {
      // The attacker holds one of the victim's sessions, and not the password.
      const stolen = await startSession(victim);
      await finishPasskeyRegistration(stolen, { name: "Not mine", response: attackerKey.register(await startPasskeyRegistration(stolen, {}, META), ORIGIN) }, META);
      registered = true;
    } catch {
      registered = false;
    }

    // The victim notices, and changes their password from their own session: every other session ends.
    await changeOwnPassword(await startSession(victim), victim.id, { old_password: PASSWORD, new_password: "a brand new passphrase 9931" }, META);

    let attackerIn = false;
    if (registered) {
      try {
        const options = await passwordlessOptions("attacker-browser", META);
        const response = parseAuthenticationResponse(JSON.stringify(attackerKey.assert(options, ORIGIN)))!;
        attackerIn = (await signInWithPasskey("attacker-browser", response, { ip: "203.0.113.66", userAgent: "attacker" }, new Date(), LIMITS)).userId === victim.id;
      } catch {
        attackerIn = false;
      }
    }
    expect(attackerIn, "the attacker signed in with their passkey after the victim changed the password").toBe(false);
  });
});
