/**
 * A passkey as the factor set up during sign-in (./second-step.ts), for a
 * person who must use two-factor and has none: the choice beside the
 * authenticator app. Everything comes from the pending step (its person,
 * its account), never from the request, so the step's cookie can only ever
 * register a passkey for the person who just passed the password.
 *
 * The challenge is bound to the pending step (its token's digest) and its
 * person, lives five minutes and is used up by the first answer; the answer
 * must carry user verification. Each answer counts with the codes' throttle
 * (a right one forgives the count). A registered passkey proves the step,
 * as a confirmed app does: the ten recovery codes are issued and shown once,
 * then completeSecondStep makes the session ("enrolment").
 */
import "server-only";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { RequestMeta } from "@/lib/auth/actor";
import { config, type SignInLimits } from "@/lib/config";
import { writeSystem } from "@/lib/data/unit-of-work";
import { db } from "@/lib/db/database";
import { mfaPendingSteps, mfaTotp } from "@/lib/db/schema";
import { PreconditionFailed } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { insertPasskey, registerPasskeySchema, registrationOptions, verifiedCredential } from "./passkey-registration";
import { hasFactor, mfaSummary } from "./records";
import { admitStepAttempt, finishEnrolledStep, pendingRow, SecondStepExpired, who, type PendingRow } from "./second-step";
import { relyingParty, relyingPartyOrNull, storeChallenge, takeChallenge } from "./webauthn";

export const ENROLMENT_TOOK_TOO_LONG = "Adding the passkey took too long. Start again.";

/** The challenge's binding: registration, for this step's person, from this step only (never Profile's). */
const bindingOf = (step: PendingRow) => ({ purpose: "register" as const, userId: step.userId, bindingDigest: step.tokenDigest });

/** A step open for set-up: one that must enrol and hasn't yet (a person with a factor proves it instead). */
async function openEnrolment(token: string, now: Date): Promise<PendingRow> {
  const step = await pendingRow(db(), token, now);
  if (!step?.enrol || step.verifiedAt) throw new SecondStepExpired();
  return step;
}

/** Whether the set-up page may offer a passkey: the step is open for set-up and this instance has a public address. */
export async function passkeysAvailableForStep(token: string, now = new Date()): Promise<boolean> {
  const step = await pendingRow(db(), token, now);
  return Boolean(step?.enrol && !step.verifiedAt && (await relyingPartyOrNull(db(), step.accountId)));
}

/** The options for navigator.credentials.create, for the pending step's person. */
export async function startEnrolmentPasskey(token: string, now = new Date()): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const step = await openEnrolment(token, now);
  const person = await who(db(), step);
  if (!person) throw new SecondStepExpired();
  const rp = await relyingParty(db(), step.accountId);
  const options = await registrationOptions(db(), rp, person.user);
  await writeSystem((tx) => storeChallenge(tx, step.accountId, bindingOf(step), options.challenge, now));
  return options;
}

/**
 * Registers the passkey the browser made for the pending step: the factor is
 * on, the step is proven, and the ten recovery codes are returned to show once.
 * Throws SecondStepExpired (no open set-up step), CodeThrottled, Invalid (name,
 * or an answer that doesn't check out), PreconditionFailed (the challenge is gone).
 */
export async function finishEnrolmentPasskey(
  token: string,
  input: z.input<typeof registerPasskeySchema> | Record<string, unknown>,
  meta: RequestMeta,
  now = new Date(),
  limits: SignInLimits = config().signIn,
): Promise<string[]> {
  const step = await openEnrolment(token, now);
  const keys = await admitStepAttempt(step, meta, now, limits);
  const { name, response } = parseOrThrow(registerPasskeySchema, input);
  const rp = await relyingParty(db(), step.accountId);
  // Taken (used up) whatever happens next; verified outside the transaction, which holds the write lock.
  const expectedChallenge = await writeSystem((tx) => takeChallenge(tx, bindingOf(step), now));
  if (!expectedChallenge) throw new PreconditionFailed(ENROLMENT_TOOK_TOO_LONG);
  const credential = await verifiedCredential(rp, response, expectedChallenge);
  const codes = await writeSystem(async (tx) => {
    // The step again, under the transaction: still open, still for set-up, its person still able to sign in.
    const row = await pendingRow(tx, token, now);
    const person = row && (await who(tx, row));
    if (!row?.enrol || row.verifiedAt || row.userId !== step.userId || !person) return null;
    if (hasFactor(await mfaSummary(tx, row.userId))) return null;
    const passkey = await insertPasskey(tx, { accountId: row.accountId, userId: row.userId }, name, credential, now);
    const proven = await tx
      .update(mfaPendingSteps)
      .set({ verifiedAt: now })
      .where(and(eq(mfaPendingSteps.tokenDigest, row.tokenDigest), eq(mfaPendingSteps.enrol, true), isNull(mfaPendingSteps.verifiedAt)))
      .returning({ d: mfaPendingSteps.tokenDigest });
    if (proven.length !== 1) throw new SecondStepExpired();
    // An app set-up started on the page and left for the passkey is not kept half-done.
    await tx.delete(mfaTotp).where(and(eq(mfaTotp.userId, row.userId), isNull(mfaTotp.confirmedAt)));
    return finishEnrolledStep(tx, row, person.label, keys, { factor: "passkey", passkey_id: passkey.id }, meta, now);
  });
  if (codes === null) throw new SecondStepExpired();
  return codes;
}
