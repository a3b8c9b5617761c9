/**
 * "Use a passkey" in the second step after the password (./second-step.ts):
 * the challenge is bound to the pending step (its token's digest) and to its
 * person, lives five minutes, and is used up by the first answer. The
 * answer must name one of that person's passkeys and carry user
 * verification. Failures are counted with the codes' throttle (5 wrong → wait)
 * and recorded as "mfa.passkey.failed".
 */
import "server-only";
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { webauthnServer } from "./webauthn-library";
import { passkeyFactor } from "@/lib/sessions/sign-in-method";
import type { RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { config, type SignInLimits } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { knownTransports, passkeyRowsOf, verifyAssertion } from "./passkey-records";
import { admitStepAttempt, pendingRow, proveStep, refuseSomeoneElse, SecondStepExpired, type SecondStepSignedIn } from "./second-step";
import { relyingParty, relyingPartyOrNull, storeChallenge, takeChallenge } from "./webauthn";

export const PASSKEY_NOT_ACCEPTED = "That passkey was not accepted. Try again, or use a code.";

export class PasskeyNotAccepted extends Error {
  constructor() {
    super(PASSKEY_NOT_ACCEPTED);
  }
}

/** The options for navigator.credentials.get in the second step: only the pending person's passkeys. */
export async function secondStepPasskeyOptions(token: string, now = new Date()): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const found = await pendingRow(db(), token, now);
  if (!found || found.enrol || found.verifiedAt) throw new SecondStepExpired();
  const rp = await relyingParty(db(), found.accountId);
  const passkeys = await passkeyRowsOf(db(), found.userId);
  if (passkeys.length === 0) throw new PasskeyNotAccepted();
  const { generateAuthenticationOptions } = await webauthnServer();
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: "required",
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: knownTransports(p.transports) })),
  });
  await writeSystem((tx) => storeChallenge(tx, found.accountId, { purpose: "second_step", userId: found.userId, bindingDigest: found.tokenDigest }, options.challenge, now));
  return options;
}

/** Proves the pending step with a passkey and creates the session. */
export async function completeSecondStepWithPasskey(
  token: string,
  response: AuthenticationResponseJSON,
  meta: RequestMeta,
  now = new Date(),
  limits: SignInLimits = config().signIn,
  /** The only person this sign-in may be: an app asked them to confirm it's them (refuseSomeoneElse). */
  onlyPerson?: string,
): Promise<SecondStepSignedIn> {
  const found = await pendingRow(db(), token, now);
  if (!found || found.enrol || found.verifiedAt) throw new SecondStepExpired();
  await refuseSomeoneElse(found, onlyPerson, meta, now);
  const rp = await relyingPartyOrNull(db(), found.accountId);
  if (!rp) throw new PasskeyNotAccepted();
  const keys = await admitStepAttempt(found, meta, now, limits);
  return proveStep(token, keys, meta, now, async (tx, row, person) => {
    const party = { type: "user" as const, id: row.userId, label: person.label };
    const expectedChallenge = await takeChallenge(tx, { purpose: "second_step", userId: row.userId, bindingDigest: row.tokenDigest }, now);
    const passkey = (await passkeyRowsOf(tx, row.userId)).find((p) => p.credentialId === response.id);
    const proven = expectedChallenge && passkey ? await verifyAssertion(tx, rp, passkey, response, expectedChallenge, now) : false;
    if (!proven) {
      const reason = !expectedChallenge ? "no_challenge" : !passkey ? "unknown_passkey" : "passkey_not_verified";
      await recordEvent(tx, { accountId: row.accountId, action: "mfa.passkey.failed", actor: party, target: party, details: { reason, method: row.method, step: "second_step" }, meta, at: now });
      return null;
    }
    return { factor: "passkey", sessionFactor: passkeyFactor(passkey!.credentialId), details: { passkey_id: passkey!.id } };
  }, () => new PasskeyNotAccepted());
}
