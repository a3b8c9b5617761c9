/**
 * Passwordless sign-in with a passkey ("Sign in with a passkey", and the
 * browser's autofill). The challenge is bound to the browser by a random
 * token in an HttpOnly cookie (only its digest is stored), lives five
 * minutes and is used once. A passkey needs user verification (PIN or
 * biometrics) on a device the person holds, so it is two factors in one: the
 * session is made at once, with no second step.
 *
 * Only for people whose sign-in Latchkey decides (local users, with password
 * sign-in on); for LDAP users a passkey is a second factor only, since the
 * directory must keep its say. Every refusal (unknown passkey, bad
 * signature, expired challenge, blocked, pending or deleted user, service
 * user, a directory or provider user) gives the caller the same answer;
 * the activity log records the real reason. Attempts are throttled per
 * passkey and address like passwords. On the "confirm it's you" page
 * (`onlyPerson`) a passkey that proves anyone but the person asked ends in
 * NotThePerson (lib/sessions/only-person.ts), forgiven by the throttle as any
 * passkey that proves someone is.
 */
import "server-only";
import crypto from "node:crypto";
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { webauthnServer } from "@/lib/mfa/webauthn-library";
import type { RequestMeta } from "@/lib/auth/actor";
import { admitAttempt, attemptKeys, recordSignInSuccess, secondsToWait } from "@/lib/security/sign-in-throttle";
import { recordEvent } from "@/lib/audit/record";
import { config, type SignInLimits } from "@/lib/config";
import { digestToken } from "@/lib/crypto/secret-tokens";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { signInOptions } from "@/lib/idp/sign-in-options";
import { passkeyChallengeIpLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { addressLimitKey } from "@/lib/security/address-key";
import { NotThePerson, notThePerson, recordNotThePerson } from "@/lib/sessions/only-person";
import { createSession } from "@/lib/sessions/sessions";
import { passkeyFactor } from "@/lib/sessions/sign-in-method";
import { instanceAccountId } from "@/lib/instance/account";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";
import { passkeyByCredentialId, verifyAssertion } from "@/lib/mfa/passkey-records";
import { CHALLENGE_TTL_MS, relyingParty, relyingPartyOrNull, storeChallenge, takeChallenge } from "@/lib/mfa/webauthn";

export const PASSKEY_COOKIE = "latchkey.passkey";
export const PASSKEY_COOKIE_TTL_MS = CHALLENGE_TTL_MS;
export const PASSKEY_SIGN_IN_FAILED = "That passkey could not sign you in. Try again, or sign in with your password.";

export class PasskeySignInFailed extends Error {
  constructor() {
    super(PASSKEY_SIGN_IN_FAILED);
  }
}

export class PasskeySignInThrottled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("Too many attempts");
  }
}

/** Whether the sign-in page offers passkeys: a public address is configured and password sign-in is on. */
export async function passkeySignInAvailable(): Promise<boolean> {
  const accountId = await instanceAccountId();
  if (accountId === null || !(await signInOptions()).localLoginEnabled) return false;
  return (await relyingPartyOrNull(db(), accountId)) !== null;
}

/** A new random token for the browser's cookie (the caller sets it). */
export function newPasskeyBinding(): string {
  return crypto.randomBytes(32).toString("base64url");
}

/** Options for navigator.credentials.get without a list: the browser offers the person's passkeys for this site. */
export async function passwordlessOptions(binding: string, meta: RequestMeta, now = new Date()): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const accountId = await instanceAccountId();
  if (!accountId) throw new PasskeySignInFailed();
  await consumeRateLimit(passkeyChallengeIpLimit(), addressLimitKey(meta.ip));
  const rp = await relyingParty(db(), accountId);
  const { generateAuthenticationOptions } = await webauthnServer();
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: "required", timeout: CHALLENGE_TTL_MS });
  await writeSystem((tx) => storeChallenge(tx, accountId, { purpose: "passwordless", bindingDigest: digestToken(binding) }, options.challenge, now));
  return options;
}

export type PasskeySignedIn = { userId: string; sessionId: string; mustChangePassword: boolean };

export async function signInWithPasskey(
  binding: string,
  response: AuthenticationResponseJSON,
  meta: RequestMeta,
  now = new Date(),
  limits: SignInLimits = config().signIn,
  /** The only person this sign-in may be: an app asked them to confirm it's them (lib/sessions/only-person.ts). */
  onlyPerson?: string,
): Promise<PasskeySignedIn> {
  const accountId = await instanceAccountId();
  if (!accountId || !binding || binding.length > 100) throw new PasskeySignInFailed();
  // No public address, no relying party: nothing can be checked, and nothing is counted.
  const rp = await relyingPartyOrNull(db(), accountId);
  if (!rp) throw new PasskeySignInFailed();
  const { localLoginEnabled } = await signInOptions();
  const keys = attemptKeys(`passkey:${response.id}`, meta.ip);
  const admission = await writeSystem((tx) => admitAttempt(tx, keys, accountId, now, limits));
  const wait = secondsToWait(admission, now);
  if (wait > 0) throw new PasskeySignInThrottled(wait);

  const outcome = await writeSystem(async (tx) => {
    const expectedChallenge = await takeChallenge(tx, { purpose: "passwordless", bindingDigest: digestToken(binding) }, now);
    const found = await passkeyByCredentialId(tx, response.id);
    const passkey = found && found.accountId === accountId ? found : undefined;
    const user = passkey ? await findUserRow(tx, accountId, passkey.userId) : undefined;
    const who = user ? { type: "user" as const, id: user.id, label: userLabel(openIdentity(user)) } : null;
    const fail = async (reason: string) => {
      await recordEvent(tx, {
        accountId,
        action: "user.login.failed",
        actor: who ?? { type: "anonymous", id: null },
        target: who ?? undefined,
        details: { reason, method: "passkey" },
        meta,
        at: now,
      });
      return null;
    };
    if (!expectedChallenge) return fail("no_challenge");
    if (!passkey || !user || !who) return fail("unknown_passkey");
    // The user handle, when the authenticator sends one, must be the passkey's own user.
    const handle = response.response.userHandle;
    if (handle && Buffer.from(handle, "base64url").toString("utf8") !== user.id) return fail("unknown_passkey");
    if (!(await verifyAssertion(tx, rp, passkey, response, expectedChallenge, now))) {
      await recordEvent(tx, { accountId, action: "mfa.passkey.failed", actor: who, target: who, details: { reason: "passkey_not_verified", step: "passwordless", passkey_id: passkey.id }, meta, at: now });
      return fail("passkey_not_verified");
    }
    if (user.isBlocked) return fail("blocked_user");
    // Only people whose sign-in Latchkey itself decides: someone an identity provider or the directory
    // vouches for keeps going through it (a passkey must not outlive their account there), and with
    // password sign-in turned off, only the providers let people in.
    if (user.idpId) return fail("external_identity");
    if (!localLoginEnabled) return fail("local_sign_in_disabled");
    if (user.pendingApproval) return fail("pending_approval");
    if (user.isServiceUser) return fail("service_user");

    await recordSignInSuccess(tx, keys, accountId);
    const someoneElse = await notThePerson(tx, accountId, onlyPerson, user.id);
    if (someoneElse) {
      await recordNotThePerson(tx, accountId, someoneElse, { method: "passkey" }, meta, now);
      return someoneElse;
    }
    // The passkey is the session's record of both factors (user verification): removing it ends the session.
    const sessionId = await createSession(tx, user, "passkey", meta, now, { signedIn: true, secondFactor: passkeyFactor(passkey.credentialId) });
    await recordEvent(tx, { accountId, action: "mfa.factor.used", actor: who, target: who, details: { factor: "passkey", passkey_id: passkey.id, passwordless: true }, meta, at: now });
    await recordEvent(tx, {
      accountId,
      action: "user.login",
      actor: who,
      target: who,
      details: { method: "passkey", second_factor: "passkey", ...(user.mustChangePassword ? { must_change_password: true } : {}) },
      meta,
      at: now,
    });
    return { userId: user.id, sessionId, mustChangePassword: user.mustChangePassword };
  });
  if (!outcome) throw new PasskeySignInFailed();
  if (outcome instanceof NotThePerson) throw outcome;
  return outcome;
}
