/**
 * Registering a passkey, the part both ways in share: Profile (./passkeys.ts,
 * a signed-in person) and the set-up forced after the password
 * (./second-step-enrol-passkey.ts, a pending sign-in step). The options ask
 * for a discoverable credential with user verification and no attestation;
 * the browser's answer is checked by @simplewebauthn/server against the
 * challenge the caller took; the credential is stored with its name and
 * public key sealed.
 */
import "server-only";
import crypto from "node:crypto";
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { webauthnHelpers, webauthnServer } from "./webauthn-library";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "@/lib/db/database";
import { mfaPasskeys } from "@/lib/db/schema";
import { Conflict, Invalid } from "@/lib/errors";
import type { UserRow } from "@/lib/db/schema";
import { openIdentity } from "@/lib/users/records";
import { knownTransports, MAX_PASSKEYS, passkeyNameSchema, passkeyRowsOf, registrationResponseSchema, sealPasskeyName, sealPublicKey, type PasskeyRow } from "./passkey-records";
import type { RelyingParty } from "./webauthn";

export const registerPasskeySchema = z.object({ name: passkeyNameSchema, response: registrationResponseSchema });

export const PASSKEY_NOT_REGISTERED = "The passkey was not registered: your browser's answer didn't check out. Try again.";

/** The options for navigator.credentials.create for this person; refused when they have the most passkeys there can be. */
export async function registrationOptions(q: Db | Tx, rp: RelyingParty, user: UserRow): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await passkeyRowsOf(q, user.id);
  if (existing.length >= MAX_PASSKEYS) throw new Conflict(`You have ${MAX_PASSKEYS} passkeys, the most there can be. Remove one first.`).keyed("passkeysAtMostRemoveOne", { max: MAX_PASSKEYS });
  const identity = openIdentity(user);
  const { generateRegistrationOptions } = await webauthnServer();
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: identity.email ?? identity.username,
    userDisplayName: identity.name || identity.username,
    // The user handle a passwordless answer carries: our user id (not personal data).
    userID: new TextEncoder().encode(user.id),
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: knownTransports(p.transports) })),
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
  });
}

export type VerifiedCredential = { id: string; publicKey: Uint8Array; counter: number; transports: string[] };

/** The credential the browser made, checked (challenge, origin, RP ID, user verified); Invalid when it doesn't check out. */
export async function verifiedCredential(
  rp: RelyingParty,
  response: z.output<typeof registrationResponseSchema>,
  expectedChallenge: (challenge: string) => boolean,
): Promise<VerifiedCredential> {
  if (!(await attestationWithoutCertificates(response.response.attestationObject))) throw new Invalid(PASSKEY_NOT_REGISTERED, { response: [PASSKEY_NOT_REGISTERED] });
  try {
    const { verifyRegistrationResponse } = await webauthnServer();
    const verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
    if (!verified.verified || !verified.registrationInfo.userVerified) throw new Error("not verified");
    const credential = verified.registrationInfo.credential;
    return { id: credential.id, publicKey: credential.publicKey, counter: credential.counter, transports: credential.transports ?? response.response.transports ?? [] };
  } catch {
    throw new Invalid(PASSKEY_NOT_REGISTERED, { response: [PASSKEY_NOT_REGISTERED] });
  }
}

/** Stores the passkey under the person (in the caller's transaction), after the count and uniqueness checks. */
export async function insertPasskey(tx: Tx, owner: { accountId: string; userId: string }, name: string, credential: VerifiedCredential, now: Date): Promise<PasskeyRow> {
  if ((await passkeyRowsOf(tx, owner.userId)).length >= MAX_PASSKEYS) throw new Conflict(`You have ${MAX_PASSKEYS} passkeys, the most there can be`).keyed("passkeysAtMost", { max: MAX_PASSKEYS });
  const [taken] = await tx.select({ id: mfaPasskeys.id }).from(mfaPasskeys).where(eq(mfaPasskeys.credentialId, credential.id)).limit(1);
  if (taken) throw new Conflict("This passkey is already registered");
  const id = crypto.randomUUID();
  const [row] = await tx
    .insert(mfaPasskeys)
    .values({
      id,
      accountId: owner.accountId,
      userId: owner.userId,
      credentialId: credential.id,
      publicKeyCiphertext: sealPublicKey(id, credential.publicKey),
      counter: credential.counter,
      transports: knownTransports(credential.transports),
      nameCiphertext: sealPasskeyName(id, name),
      createdAt: now,
      lastUsedAt: null,
    })
    .returning();
  return row;
}

/**
 * We ask for no attestation ("none"), and browsers answer so. An answer that
 * carries certificates anyway is refused before the library sees it: checking
 * them would make this server fetch the revocation lists the certificates
 * name, addresses chosen by whoever made the answer.
 */
export async function attestationWithoutCertificates(attestationObject: string): Promise<boolean> {
  const { decodeAttestationObject } = await webauthnHelpers();
  try {
    const decoded = decodeAttestationObject(new Uint8Array(Buffer.from(attestationObject, "base64url")));
    const fmt = decoded.get("fmt");
    return fmt === "none" || (fmt === "packed" && decoded.get("attStmt").get("x5c") === undefined);
  } catch {
    return false;
  }
}
