/**
 * A person's own passkeys (Profile → Two-factor authentication): register
 * several, each with a name; rename; remove. Adding and removing one ask the
 * person to prove it's them (lib/mfa/proof.ts), as for the authenticator app.
 * A passkey is a second factor and, being a discoverable credential with user
 * verification, a passwordless sign-in: one added from a stolen session would
 * outlive a new password.
 * The first factor registered comes with the ten recovery codes, shown once.
 */
import "server-only";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertSelf } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { emit, noneEnded } from "@/lib/data/effects";
import { passkeyFactor } from "@/lib/sessions/sign-in-method";
import { write } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { mfaPasskeys } from "@/lib/db/schema";
import { NotFound, PreconditionFailed } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { passwordChangeLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";
import { passkeyNameInputSchema, passkeyRowsOf, sealPasskeyName, toPasskeyView, type PasskeyView } from "./passkey-records";
import { insertPasskey, registerPasskeySchema, registrationOptions, verifiedCredential } from "./passkey-registration";
import { deleteRecoveryCodes, recoveryCodesLeft, replaceRecoveryCodes } from "./recovery-codes";
import { assertProvesItsThem, type FactorProof } from "./proof";
import { assertKeepsRequiredFactor } from "./policy";
import { hasFactor, mfaSummary } from "./records";
import { relyingParty, relyingPartyOrNull, storeChallenge, takeChallenge } from "./webauthn";

// Where they were defined before the forced set-up shared them (./passkey-registration.ts).
export { attestationWithoutCertificates, registerPasskeySchema } from "./passkey-registration";

export const renamePasskeySchema = passkeyNameInputSchema;

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

/**
 * The options for navigator.credentials.create: a discoverable credential, user verification required.
 * Only after the person proves it's them: the challenge stored here is what finishing the registration
 * needs, so no passkey is added without the proof.
 */
export async function startPasskeyRegistration(actor: Actor, proof: FactorProof | Record<string, unknown>, meta: RequestMeta, now = new Date()): Promise<PublicKeyCredentialCreationOptionsJSON> {
  assertSelf(actor, actor.userId, "You can only add your own passkeys");
  const rp = await relyingParty(db(), actor.accountId);
  const row = await assertProvesItsThem(actor, proof, "passkey.add", meta, now);
  const options = await registrationOptions(db(), rp, row);
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
  const credential = await verifiedCredential(rp, response, expectedChallenge);
  return write(actor, async (tx) => {
    const row = await insertPasskey(tx, actor, name, credential, now);
    const hadCodes = (await recoveryCodesLeft(tx, actor.userId)) > 0;
    const codes = hadCodes ? null : await replaceRecoveryCodes(tx, actor.accountId, actor.userId, now);
    await passkeyEvent(tx, actor, label, "mfa.factor.added", { factor: "passkey", passkey_id: row.id, recovery_codes_issued: codes !== null }, meta, now);
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
 * Removes a passkey, after the person proves it's them (lib/mfa/proof.ts). Without any factor left,
 * the recovery codes go too. The sessions signed in with it (passwordless, or as the second step) end, but the
 * session removing it: the person has just proved it's them there, as a password change keeps the session that
 * made it (lib/sessions/reactions.ts); and with them the person's app grants (lib/oidc/reactions.ts). A lost or
 * stolen passkey is removed so that whoever holds it is out, not only kept from signing in again.
 */
export async function removePasskey(actor: Actor, passkeyId: string, proof: FactorProof | Record<string, unknown>, meta: RequestMeta, now = new Date()): Promise<void> {
  assertSelf(actor, actor.userId, "You can only remove your own passkeys");
  const owned = (await passkeyRowsOf(db(), actor.userId)).find((p) => p.id === String(passkeyId));
  if (!owned) throw new NotFound("Passkey");
  // The last factor of someone two-factor is required for stays (./policy.ts): refused before the proof is spent.
  const person = { id: actor.userId, accountId: actor.accountId, role: actor.role };
  const before = await mfaSummary(db(), actor.userId);
  await assertKeepsRequiredFactor(db(), person, { totp: before.totp, passkeys: before.passkeys - 1 });
  const label = userLabel(openIdentity(await assertProvesItsThem(actor, proof, "passkey.remove", meta, now)));
  await write(actor, async (tx, me) => {
    const gone = await tx.delete(mfaPasskeys).where(and(eq(mfaPasskeys.id, owned.id), eq(mfaPasskeys.userId, actor.userId))).returning({ id: mfaPasskeys.id });
    if (gone.length !== 1) throw new NotFound("Passkey");
    const left = await mfaSummary(tx, actor.userId);
    // Again under the write lock: the app or another passkey removed meanwhile (another tab) would leave nothing.
    await assertKeepsRequiredFactor(tx, { ...person, role: me.role }, left);
    if (!hasFactor(left)) await deleteRecoveryCodes(tx, actor.userId);
    const ended = noneEnded();
    const keepSessionId = actor.kind === "session" ? actor.sessionId : undefined;
    await emit(tx, "user.second_factor_removed", { accountId: actor.accountId, userId: actor.userId, factor: passkeyFactor(owned.credentialId), keepSessionId, ended });
    await passkeyEvent(tx, actor, label, "mfa.factor.removed", { factor: "passkey", passkey_id: owned.id, sessions_ended: ended.sessions }, meta, now);
  });
}

async function passkeyEvent(tx: Tx, actor: Actor, label: string, action: string, details: Record<string, unknown>, meta: RequestMeta, at: Date) {
  const party = { type: "user" as const, id: actor.userId, label };
  await recordEvent(tx, { accountId: actor.accountId, action, actor: party, target: party, details, meta, at });
  if (action === "mfa.passkey.renamed") return;
  // The person is told by mail when mail is on (lib/mail/reactions.ts).
  await emit(tx, "user.two_factor_changed", { accountId: actor.accountId, userId: actor.userId, change: action === "mfa.factor.added" ? "enabled" : "disabled" });
}
