/**
 * A person's own second factors (Profile → Two-factor authentication): set
 * up an authenticator app (shown a QR code and the secret, confirmed with a
 * code), remove it, and make new recovery codes; each after the person proves
 * it's them (lib/mfa/proof.ts). The first factor set up comes with ten
 * recovery codes, shown once.
 */
import "server-only";
import { and, eq, isNotNull } from "drizzle-orm";
import QRCode from "qrcode";
import { z } from "zod";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertSelf } from "@/lib/auth/policy";
import { recordEvent } from "@/lib/audit/record";
import { emit, noneEnded } from "@/lib/data/effects";
import { write } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { mfaTotp } from "@/lib/db/schema";
import { Conflict, Invalid, NotFound, PreconditionFailed } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/validation";
import { passwordChangeLimit } from "@/lib/security/limits";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";
import { assertKeepsRequiredFactor } from "./policy";
import { assertProvesItsThem, type FactorProof } from "./proof";
import { WRONG_TOTP_CODE } from "./proof-texts";
import { deleteRecoveryCodes, recoveryCodesLeft, replaceRecoveryCodes } from "./recovery-codes";
import { hasFactor, mfaSummary, openTotpSecret, sealTotpSecret, totpRow, type MfaSummary } from "./records";
import { acceptedTotpStep, newTotpSecret, totpUri } from "./totp";

export const totpCodeSchema = z.object({
  code: z.string({ error: "Enter the 6-digit code" }).trim().regex(/^\d{3}\s?\d{3}$/, "Enter the 6-digit code from your app"),
});

export type TotpSetup = { secret: string; uri: string; qrCode: string };

async function me(actor: Actor, userId: string) {
  const row = await findUserRow(db(), actor.accountId, userId);
  if (!row) throw new NotFound("User");
  return { row, label: userLabel(openIdentity(row)) };
}

export async function ownMfaSummary(actor: Actor): Promise<MfaSummary> {
  return mfaSummary(db(), actor.userId);
}

/**
 * Starts (or restarts) setting up an authenticator app, after the person proves it's them (an app set
 * up from a stolen session would pass the second step for good): a new secret, kept
 * sealed and unconfirmed until a code from it arrives. The QR code is an SVG
 * data URL rendered here, so the secret never goes to another service.
 */
export async function startTotpSetup(actor: Actor, proof: FactorProof | Record<string, unknown>, meta: RequestMeta, now = new Date()): Promise<TotpSetup> {
  assertSelf(actor, actor.userId, "You can only set up your own second factor");
  const row = await assertProvesItsThem(actor, proof, "totp.set_up", meta, now);
  const secret = newTotpSecret();
  await write(actor, async (tx) => {
    const existing = await totpRow(tx, actor.userId);
    if (existing?.confirmedAt) throw new Conflict("An authenticator app is already set up. Remove it first to set up another.");
    const values = { secretCiphertext: sealTotpSecret(actor.userId, secret), confirmedAt: null, lastUsedStep: null, lastUsedAt: null, createdAt: now };
    await tx
      .insert(mfaTotp)
      .values({ userId: actor.userId, accountId: actor.accountId, ...values })
      .onConflictDoUpdate({ target: mfaTotp.userId, set: values });
  });
  const identity = openIdentity(row);
  // usernames: the authenticator app shows the email, else the username the person signs in with.
  const uri = totpUri(secret, identity.email ?? (identity.username || identity.name));
  const qrCode = await QRCode.toDataURL(uri, { type: "image/png", margin: 1, width: 200, errorCorrectionLevel: "M" });
  return { secret, uri, qrCode };
}

/** Turns the app on with a code from it. Returns the recovery codes when this is the first factor (shown once), else null. */
export async function confirmTotpSetup(actor: Actor, input: z.input<typeof totpCodeSchema>, meta: RequestMeta, now = new Date()): Promise<string[] | null> {
  assertSelf(actor, actor.userId, "You can only set up your own second factor");
  const { code } = parseOrThrow(totpCodeSchema, input);
  // Each try is a guess at a code; the secret is the person's own, but keep it bounded all the same.
  await consumeRateLimit(passwordChangeLimit(), `mfa-setup:${actor.accountId}:${actor.userId}`);
  const { label } = await me(actor, actor.userId);
  return write(actor, async (tx) => {
    const row = await totpRow(tx, actor.userId);
    if (!row || row.confirmedAt) throw new PreconditionFailed("Start setting up the authenticator app again");
    const step = acceptedTotpStep(openTotpSecret(row), code, now, null);
    if (step === null) throw new Invalid(WRONG_TOTP_CODE, { code: [WRONG_TOTP_CODE] });
    const hadCodes = (await recoveryCodesLeft(tx, actor.userId)) > 0;
    await tx.update(mfaTotp).set({ confirmedAt: now, lastUsedStep: step, lastUsedAt: now }).where(eq(mfaTotp.userId, actor.userId));
    const codes = hadCodes ? null : await replaceRecoveryCodes(tx, actor.accountId, actor.userId, now);
    await factorEvent(tx, actor, label, "mfa.factor.added", { factor: "totp", recovery_codes_issued: codes !== null }, meta, now);
    return codes;
  });
}

/**
 * Removes the authenticator app, after the person proves it's them (lib/mfa/proof.ts: without a
 * password, a current code from this very app). Without any factor left, the recovery codes go too. The app
 * checked before the proof is the one removed, under the write lock: removed meanwhile, "not found" (review 32).
 */
export async function removeTotp(actor: Actor, proof: FactorProof | Record<string, unknown>, meta: RequestMeta, now = new Date()): Promise<void> {
  assertSelf(actor, actor.userId, "You can only remove your own second factor");
  const totp = await totpRow(db(), actor.userId);
  if (!totp?.confirmedAt) throw new NotFound("Authenticator app");
  // The last factor of someone two-factor is required for stays (./policy.ts): refused before the proof is spent.
  const person = { id: actor.userId, accountId: actor.accountId, role: actor.role };
  await assertKeepsRequiredFactor(db(), person, { totp: false, passkeys: (await mfaSummary(db(), actor.userId)).passkeys });
  const label = userLabel(openIdentity(await assertProvesItsThem(actor, proof, "totp.remove", meta, now)));
  await write(actor, async (tx, me) => {
    // The app checked above, still there: removed by another request meanwhile (two tabs, a double click), this
    // one is not found, with no second event or notice; an app set up again since is not this removal's to take.
    const gone = await tx
      .delete(mfaTotp)
      .where(and(eq(mfaTotp.userId, actor.userId), eq(mfaTotp.secretCiphertext, totp.secretCiphertext), isNotNull(mfaTotp.confirmedAt)))
      .returning({ userId: mfaTotp.userId });
    if (gone.length !== 1) throw new NotFound("Authenticator app");
    const left = await mfaSummary(tx, actor.userId);
    // Again under the write lock: a passkey removed meanwhile (another tab) would leave nothing.
    await assertKeepsRequiredFactor(tx, { ...person, role: me.role }, left);
    if (!hasFactor(left)) await deleteRecoveryCodes(tx, actor.userId);
    // The sessions its codes proved end (but this one) and, if any did, the person's app grants, as for a passkey.
    const ended = noneEnded();
    const keepSessionId = actor.kind === "session" ? actor.sessionId : undefined;
    await emit(tx, "user.second_factor_removed", { accountId: actor.accountId, userId: actor.userId, factor: "totp", keepSessionId, ended });
    await factorEvent(tx, actor, label, "mfa.factor.removed", { factor: "totp", sessions_ended: ended.sessions }, meta, now);
  });
}

/**
 * New recovery codes (the old ones stop working), shown once, after the person proves it's them: each
 * code passes the second step, so a session alone can't mint ten of its own. Only for someone with a
 * second factor.
 */
export async function regenerateRecoveryCodes(actor: Actor, proof: FactorProof | Record<string, unknown>, meta: RequestMeta, now = new Date()): Promise<string[]> {
  assertSelf(actor, actor.userId, "You can only make your own recovery codes");
  const label = userLabel(openIdentity(await assertProvesItsThem(actor, proof, "recovery_codes.regenerate", meta, now)));
  return write(actor, async (tx) => {
    if (!hasFactor(await mfaSummary(tx, actor.userId))) throw new PreconditionFailed("Set up a second factor first");
    const codes = await replaceRecoveryCodes(tx, actor.accountId, actor.userId, now);
    await factorEvent(tx, actor, label, "mfa.recovery_codes.regenerated", undefined, meta, now);
    return codes;
  });
}

async function factorEvent(tx: Tx, actor: Actor, label: string, action: string, details: Record<string, unknown> | undefined, meta: RequestMeta, at: Date) {
  await recordEvent(tx, {
    accountId: actor.accountId,
    action,
    actor: { type: "user", id: actor.userId, label },
    target: { type: "user", id: actor.userId, label },
    details,
    meta,
    at,
  });
  // The person is told by mail when mail is on (lib/mail/reactions.ts).
  const change = action === "mfa.factor.added" ? "enabled" : action === "mfa.factor.removed" ? "disabled" : "changed";
  await emit(tx, "user.two_factor_changed", { accountId: actor.accountId, userId: actor.userId, change });
}
