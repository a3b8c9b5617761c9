/**
 * An admin's side of sign-in protection: which users are locked (too many
 * failed sign-ins or wrong second-factor codes; see lib/security/sign-in-throttle.ts), and unlocking one, which
 * also ends the waiting delays on their email, username and second factor.
 */
import "server-only";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { write } from "@/lib/data/unit-of-work";
import type { Tx } from "@/lib/db/database";
import { clearSignInLimits, secondFactorIndex } from "@/lib/security/sign-in-throttle";
import { NotFound } from "@/lib/errors";
import { findUserRow, openIdentity, userLabel } from "./records";
import { assertCanUnlockUser } from "./rules";

export type UnlockResult = { was_locked: boolean; delays_cleared: boolean };

/**
 * Ends every lock and delay that keeps the person out (an admin's Unlock, owner recovery): usernames: both
 * identifiers they may sign in with are throttled on their own; and their second factor's guesses are counted apart
 * (lib/mfa/code-guesses.ts), whose lock kept them out for a day after Unlock (review 43).
 */
export async function clearEverySignInLimit(
  tx: Tx,
  accountId: string,
  row: { id: string; emailIndex: string | null; usernameIndex: string | null },
  now: Date,
): Promise<{ wasLocked: boolean; hadDelays: boolean }> {
  const result = { wasLocked: false, hadDelays: false };
  for (const index of [row.emailIndex, row.usernameIndex, secondFactorIndex(row.id)]) {
    if (!index) continue;
    const cleared = await clearSignInLimits(tx, accountId, index, now);
    result.wasLocked ||= cleared.wasLocked;
    result.hadDelays ||= cleared.hadDelays;
  }
  return result;
}

export async function unlockUser(actor: Actor, userId: string, meta: RequestMeta, now = new Date()): Promise<UnlockResult> {
  assertCanUnlockUser(actor);
  return write(actor, async (tx, me) => {
    assertCanUnlockUser(me);
    const row = await findUserRow(tx, actor.accountId, userId);
    if (!row) throw new NotFound("User");
    const { wasLocked, hadDelays } = await clearEverySignInLimit(tx, actor.accountId, row, now);
    if (wasLocked || hadDelays) {
      await recordEvent(tx, {
        accountId: actor.accountId,
        action: "user.unlocked",
        actor: me,
        target: { type: "user", id: userId, label: userLabel(openIdentity(row)) },
        details: { was_locked: wasLocked, delays_cleared: hadDelays },
        meta,
        at: now,
      });
    }
    return { was_locked: wasLocked, delays_cleared: hadDelays };
  });
}

