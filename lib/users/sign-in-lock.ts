/**
 * An admin's side of sign-in protection: which users are locked (too many
 * failed sign-ins or wrong second-factor codes; see lib/security/sign-in-throttle.ts), and unlocking one, which
 * also ends the waiting delays on their email, username and second factor.
 */
import "server-only";
import type { Actor, RequestMeta } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { write } from "@/lib/data/unit-of-work";
import { clearSignInLimits, secondFactorIndex } from "@/lib/security/sign-in-throttle";
import { NotFound } from "@/lib/errors";
import { findUserRow, openIdentity, userLabel } from "./records";
import { assertCanUnlockUser } from "./rules";

export type UnlockResult = { was_locked: boolean; delays_cleared: boolean };

export async function unlockUser(actor: Actor, userId: string, meta: RequestMeta, now = new Date()): Promise<UnlockResult> {
  assertCanUnlockUser(actor);
  return write(actor, async (tx, me) => {
    assertCanUnlockUser(me);
    const row = await findUserRow(tx, actor.accountId, userId);
    if (!row) throw new NotFound("User");
    // usernames: both identifiers the person may sign in with are throttled on their own; and their second factor's
    // guesses are counted apart (lib/mfa/code-guesses.ts), whose lock kept them out for a day after Unlock (review 43).
    let wasLocked = false;
    let hadDelays = false;
    for (const index of [row.emailIndex, row.usernameIndex, secondFactorIndex(row.id)]) {
      if (!index) continue;
      const cleared = await clearSignInLimits(tx, actor.accountId, index, now);
      wasLocked ||= cleared.wasLocked;
      hadDelays ||= cleared.hadDelays;
    }
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

