/**
 * An admin's view and reset of someone's second factors (the user page,
 * GET/DELETE /api/users/{id}/mfa). A reset removes every factor and recovery
 * code and ends the person's sessions, so whoever held a stolen session or
 * device is out; the person signs in with their password and sets up anew
 * (or is made to, when two-factor is required for them).
 */
import "server-only";
import { eq } from "drizzle-orm";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/policy";
import { actorParty } from "@/lib/audit/actor-party";
import { recordEvent } from "@/lib/audit/record";
import { emit, noneEnded } from "@/lib/data/effects";
import { write, writeSystem } from "@/lib/data/unit-of-work";
import { db, type Tx } from "@/lib/db/database";
import { mfaPasskeys, mfaTotp, mfaWebauthnChallenges, type Role } from "@/lib/db/schema";
import { Forbidden, NotFound } from "@/lib/errors";
import { findUserRow, openIdentity, userLabel } from "@/lib/users/records";
import { assertProvesItsThem, type FactorProof } from "./proof";
import { deleteRecoveryCodes } from "./recovery-codes";
import { hasFactor, mfaSummary, type MfaSummary } from "./records";
import { assertOutranks } from "@/lib/auth/escalation";
import { clearSignInLimits, secondFactorIndex } from "@/lib/security/sign-in-throttle";

/** The rule for who may reset whose second factors (the page asks it to show the button; the reset enforces it). */
export function assertCanResetTwoFactor(actor: Actor, target: { id: string; role: Role }): void {
  assertCan(actor, "users:reset_two_factor");
  // One's own factors go in Profile, which asks for proof (./proof.ts): a stolen session or token must not
  // strip them with no password or code at all.
  if (target.id === actor.userId) throw new Forbidden("Remove your own second factors in Profile, which asks you to prove it's you");
  // The owner's factors are the owner's: an admin who could remove them could weaken the one account above them.
  if (target.role === "owner" && actor.role !== "owner") throw new Forbidden("Only the owner can reset the owner's two-factor sign-in");
}

/**
 * Whether this reset asks the admin to prove it's them first: from a browser session, as for the person's own
 * factor changes (r52: a stolen admin session stripped a member's second factor without a password). An access
 * token isn't asked, by the rule of the other step-up-guarded routes (creating a token, an ownership transfer,
 * Settings → Email): it is automation, and was made with the proof; nor is the operator's command (system).
 */
export function resetNeedsProof(actor: Actor): boolean {
  return actor.kind === "session";
}

export async function resetTwoFactor(actor: Actor, userId: string, meta: RequestMeta, proof?: FactorProof | Record<string, unknown>, now = new Date()): Promise<{ sessionsEnded: number }> {
  assertCan(actor, "users:reset_two_factor");
  if (resetNeedsProof(actor)) {
    // Who may reset whose is decided first: an admin the rule refuses is told so, not asked for a password that
    // would then count as a guess (and a reset of their own goes to Profile, which asks its own proof).
    const target = await findUserRow(db(), actor.accountId, userId);
    if (!target) throw new NotFound("User");
    assertCanResetTwoFactor(actor, target);
    // The admin's own password (else code, else a recent sign-in): lib/mfa/proof.ts, with its guess counting.
    await assertProvesItsThem(actor, proof, "two_factor.reset", meta, now);
  }
  return write(actor, async (tx, me) => {
    const row = await findUserRow(tx, me.accountId, userId);
    if (!row) throw new NotFound("User");
    assertCanResetTwoFactor(me, row);
    await assertOutranks(tx, me, row);
    return removeFactors(tx, me.accountId, row, await actorParty(tx, me), meta, now);
  });
}

/**
 * The same reset done by an operator's command on the server (`npm run
 * recover-owner -- --reset-two-factor`, `npm run users -- reset-two-factor`):
 * no signed-in actor exists, and whoever holds the data directory and key is
 * trusted with it; the event names the command as the system actor.
 */
export async function resetTwoFactorBySystem(
  accountId: string,
  userId: string,
  command: string,
  now = new Date(),
): Promise<{ sessionsEnded: number; hadFactor: boolean }> {
  return writeSystem(async (tx) => {
    const row = await findUserRow(tx, accountId, userId);
    if (!row) throw new NotFound("User");
    const hadFactor = hasFactor(await mfaSummary(tx, userId));
    const result = await removeFactors(tx, accountId, row, { type: "system", id: null, label: command }, { ip: null, userAgent: command }, now);
    return { ...result, hadFactor };
  });
}

async function removeFactors(
  tx: Tx,
  accountId: string,
  row: NonNullable<Awaited<ReturnType<typeof findUserRow>>>,
  actor: Awaited<ReturnType<typeof actorParty>>,
  meta: RequestMeta,
  now: Date,
): Promise<{ sessionsEnded: number }> {
  const userId = row.id;
  const before = await deleteFactors(tx, accountId, userId, now);
  const ended = noneEnded();
  // The revoke also ends the person's pending second steps (./reactions.ts).
  await emit(tx, "user.sessions_revoked", { accountId, userId, revokeTokens: false, ended });
  await emit(tx, "user.two_factor_changed", { accountId, userId, change: "reset" });
  const label = userLabel(openIdentity(row));
  await recordEvent(tx, {
    accountId,
    action: "mfa.reset",
    actor,
    target: { type: "user", id: userId, label },
    details: { had_totp: before.totp, had_passkeys: before.passkeys, had_factor: hasFactor(before), sessions_ended: ended.sessions },
    meta,
    at: now,
  });
  return { sessionsEnded: ended.sessions };
}

/**
 * Removes every second factor of the person and their recovery codes (a reset, or factors nobody may trust:
 * ./reactions.ts); returns what they had.
 */
export async function deleteFactors(tx: Tx, accountId: string, userId: string, now: Date): Promise<MfaSummary> {
  const before = await mfaSummary(tx, userId);
  await tx.delete(mfaTotp).where(eq(mfaTotp.userId, userId));
  await tx.delete(mfaPasskeys).where(eq(mfaPasskeys.userId, userId));
  await tx.delete(mfaWebauthnChallenges).where(eq(mfaWebauthnChallenges.userId, userId));
  await deleteRecoveryCodes(tx, userId);
  // Wrong codes against the factors just removed say nothing about the ones set up next: their lock and delays end
  // (review 43: set-up after a reset counts in the same throttle, and waited out the old lock for a day).
  await clearSignInLimits(tx, accountId, secondFactorIndex(userId), now);
  return before;
}
