/**
 * A person's own passkeys (Profile → Two-factor authentication): register
 * several, each with a name; rename; remove (after re-entering the password,
 * as for the authenticator app). A passkey is a second factor and, being a
 * discoverable credential with user verification, a passwordless sign-in.
 * The first factor registered comes with the ten recovery codes, shown once.
 */
import "server-only";
import crypto from "node:crypto";
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from "@simplewebauthn/server";
import { decodeAttestationObject } from "@simplewebauthn/server/helpers";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertSelf } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { verifyPassword } from "@/lib/crypto/passwords";
import { emit } from "@/lib/data/effects";
import { write } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { mfaPasskeys } from "@/lib/db/schema";
import { Conflict, Invalid, NotFound, PreconditionFailed } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { passwordChangeLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";
import {
  knownTransports,
  MAX_PASSKEYS,
  passkeyNameSchema,
  passkeyRowsOf,
  registrationResponseSchema,
  sealPasskeyName,
  sealPublicKey,
  toPasskeyView,
  type PasskeyView,
} from "./passkey-records";
import { deleteRecoveryCodes, recoveryCodesLeft, replaceRecoveryCodes } from "./recovery-codes";
import { hasFactor, mfaSummary, openTotpSecret, totpRow } from "./records";
import { acceptedTotpStep } from "./totp";
import { relyingParty, relyingPartyOrNull, storeChallenge, takeChallenge } from "./webauthn";

export const registerPasskeySchema = z.object({ name: passkeyNameSchema, response: registrationResponseSchema });
export const renamePasskeySchema = z.object({ name: passkeyNameSchema });
export const removePasskeySchema = z.object({
  password: z.string({ error: "Enter your password" }).max(1024).default(""),
  code: z.string().max(64).default(""),
});

const NOT_REGISTERED = "The passkey was not registered: your browser's answer didn't check out. Try again.";

async function me(actor: Actor) {
  const row = await findUserRow(db(), actor.accountId, actor.userId);
  if (!row) throw new NotFound("User");
  return { row, label: userLabel(openIdentity(row)) };
}

export type OwnPasskeys = { passkeys: PasskeyView[]; available: boolean };

/** The person's passkeys, and whether passkeys can be used here at all (a public address is configured). */
export async function ownPasskeys(actor: Actor): Promise<OwnPasskeys> {
  const rows = await passkeyRowsOf(db(), actor.userId);
  return { passkeys: rows.map(toPasskeyView), available: (await relyingPartyOrNull(db(), actor.accountId)) !== null };
}

/** The options for navigator.credentials.create: a discoverable credential, user verification required. */
export async function startPasskeyRegistration(actor: Actor, now = new Date()): Promise<PublicKeyCredentialCreationOptionsJSON> {
  assertSelf(actor, actor.userId, "You can only add your own passkeys");
  const { row } = await me(actor);
  const rp = await relyingParty(db(), actor.accountId);
  const existing = await passkeyRowsOf(db(), actor.userId);
  if (existing.length >= MAX_PASSKEYS) throw new Conflict(`You have ${MAX_PASSKEYS} passkeys, the most there can be. Remove one first.`);
  const identity = openIdentity(row);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: identity.email ?? identity.username,
    userDisplayName: identity.name || identity.username,
    // The user handle a passwordless answer carries: our user id (not personal data).
    userID: new TextEncoder().encode(actor.userId),
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: knownTransports(p.transports) })),
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
  });
  await write(actor, (tx) => storeChallenge(tx, actor.accountId, { purpose: "register", userId: actor.userId }, options.challenge, now));
  return options;
}

/** Registers the passkey the browser made. Returns the recovery codes when it is the first factor (shown once), else null. */
export async function finishPasskeyRegistration(
  actor: Actor,
  input: z.input<typeof registerPasskeySchema> | Record<string, unknown>,
  meta: RequestMeta,
  now = new Date(),
): Promise<{ passkey: PasskeyView; recoveryCodes: string[] | null }> {
  assertSelf(actor, actor.userId, "You can only add your own passkeys");
  const { name, response } = parseOrThrow(registerPasskeySchema, input);
  await consumeRateLimit(passwordChangeLimit(), `passkey-register:${actor.accountId}:${actor.userId}`);
  const { label } = await me(actor);
  const rp = await relyingParty(db(), actor.accountId);
  // Taken (used up) whatever happens next; verified outside the transaction, which holds the write lock.
  const expectedChallenge = await write(actor, (tx) => takeChallenge(tx, { purpose: "register", userId: actor.userId }, now));
  if (!expectedChallenge) throw new PreconditionFailed("Adding the passkey took too long. Start again.");
  if (!attestationWithoutCertificates(response.response.attestationObject)) throw new Invalid(NOT_REGISTERED, { response: [NOT_REGISTERED] });
  let credential;
  try {
    const verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
    if (!verified.verified || !verified.registrationInfo.userVerified) throw new Error("not verified");
    credential = verified.registrationInfo.credential;
  } catch {
    throw new Invalid(NOT_REGISTERED, { response: [NOT_REGISTERED] });
  }
  return write(actor, async (tx) => {
    if ((await passkeyRowsOf(tx, actor.userId)).length >= MAX_PASSKEYS) throw new Conflict(`You have ${MAX_PASSKEYS} passkeys, the most there can be.`);
    const [taken] = await tx.select({ id: mfaPasskeys.id }).from(mfaPasskeys).where(eq(mfaPasskeys.credentialId, credential.id)).limit(1);
    if (taken) throw new Conflict("This passkey is already registered.");
    const hadCodes = (await recoveryCodesLeft(tx, actor.userId)) > 0;
    const id = crypto.randomUUID();
    const [row] = await tx
      .insert(mfaPasskeys)
      .values({
        id,
        accountId: actor.accountId,
        userId: actor.userId,
        credentialId: credential.id,
        publicKeyCiphertext: sealPublicKey(id, credential.publicKey),
        counter: credential.counter,
        transports: knownTransports(credential.transports ?? response.response.transports),
        nameCiphertext: sealPasskeyName(id, name),
        createdAt: now,
        lastUsedAt: null,
      })
      .returning();
    const codes = hadCodes ? null : await replaceRecoveryCodes(tx, actor.accountId, actor.userId, now);
    await passkeyEvent(tx, actor, label, "mfa.factor.added", { factor: "passkey", passkey_id: id, recovery_codes_issued: codes !== null }, meta, now);
    return { passkey: toPasskeyView(row), recoveryCodes: codes };
  });
}

export async function renamePasskey(actor: Actor, passkeyId: string, input: z.input<typeof renamePasskeySchema> | Record<string, unknown>, meta: RequestMeta, now = new Date()): Promise<PasskeyView> {
  assertSelf(actor, actor.userId, "You can only rename your own passkeys");
  const { name } = parseOrThrow(renamePasskeySchema, input);
  const { label } = await me(actor);
  return write(actor, async (tx) => {
    const [row] = await tx
      .update(mfaPasskeys)
      .set({ nameCiphertext: sealPasskeyName(String(passkeyId), name) })
      .where(and(eq(mfaPasskeys.id, String(passkeyId)), eq(mfaPasskeys.userId, actor.userId), eq(mfaPasskeys.accountId, actor.accountId)))
      .returning();
    if (!row) throw new NotFound("Passkey");
    await passkeyEvent(tx, actor, label, "mfa.passkey.renamed", { passkey_id: row.id }, meta, now);
    return toPasskeyView(row);
  });
}

/**
 * Removes a passkey. The person proves it is them again: their password, or
 * (without a local password) a current authenticator code when they have an
 * app. Without any factor left, the recovery codes go too.
 */
export async function removePasskey(actor: Actor, passkeyId: string, input: z.input<typeof removePasskeySchema> | Record<string, unknown>, meta: RequestMeta, now = new Date()): Promise<void> {
  assertSelf(actor, actor.userId, "You can only remove your own passkeys");
  const { password, code } = parseOrThrow(removePasskeySchema, input);
  await consumeRateLimit(passwordChangeLimit(), `${actor.accountId}:${actor.userId}`);
  const { row, label } = await me(actor);
  const owned = (await passkeyRowsOf(db(), actor.userId)).find((p) => p.id === String(passkeyId));
  if (!owned) throw new NotFound("Passkey");
  if (row.passwordHash) {
    if (!(await verifyPassword(row.passwordHash, password))) throw new Invalid("Password is incorrect", { password: ["Password is incorrect"] });
  } else {
    const totp = await totpRow(db(), actor.userId);
    if (totp?.confirmedAt && acceptedTotpStep(openTotpSecret(totp), code, now, totp.lastUsedStep) === null) {
      throw new Invalid("That code is not right.", { code: ["That code is not right."] });
    }
  }
  await write(actor, async (tx) => {
    const gone = await tx.delete(mfaPasskeys).where(and(eq(mfaPasskeys.id, owned.id), eq(mfaPasskeys.userId, actor.userId))).returning({ id: mfaPasskeys.id });
    if (gone.length !== 1) throw new NotFound("Passkey");
    if (!hasFactor(await mfaSummary(tx, actor.userId))) await deleteRecoveryCodes(tx, actor.userId);
    await passkeyEvent(tx, actor, label, "mfa.factor.removed", { factor: "passkey", passkey_id: owned.id }, meta, now);
  });
}

/**
 * We ask for no attestation ("none"), and browsers answer so. An answer that
 * carries certificates anyway is refused before the library sees it: checking
 * them would make this server fetch the revocation lists the certificates
 * name, addresses chosen by whoever made the answer.
 */
export function attestationWithoutCertificates(attestationObject: string): boolean {
  try {
    const decoded = decodeAttestationObject(new Uint8Array(Buffer.from(attestationObject, "base64url")));
    const fmt = decoded.get("fmt");
    return fmt === "none" || (fmt === "packed" && decoded.get("attStmt").get("x5c") === undefined);
  } catch {
    return false;
  }
}

async function passkeyEvent(tx: Tx, actor: Actor, label: string, action: string, details: Record<string, unknown>, meta: RequestMeta, at: Date) {
  const party = { type: "user" as const, id: actor.userId, label };
  await recordEvent(tx, { accountId: actor.accountId, action, actor: party, target: party, details, meta, at });
  if (action === "mfa.passkey.renamed") return;
  // The person is told by mail when mail is on (lib/mail/reactions.ts).
  await emit(tx, "user.two_factor_changed", { accountId: actor.accountId, userId: actor.userId, change: action === "mfa.factor.added" ? "enabled" : "disabled" });
}
