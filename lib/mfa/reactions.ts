/**
 * How a person's pending second sign-in steps (./second-step.ts) react to what happens to them
 * (lib/data/effects.ts), in the same transaction: they end when the password changes or is reset, the
 * sessions are revoked ("Sign out everywhere", an admin's revoke, a two-factor reset), the email changes,
 * or the person is blocked. A pending step is a sign-in half done with the password: whoever passed it
 * must not finish it after the account was taken back (review 8a), as the sessions and links it would
 * have led to end then too (lib/sessions/reactions.ts, lib/users/reactions.ts). A way in switched off ends
 * the steps begun through it, as it ends the sessions made through it (lib/idp/source-closed.ts).
 *
 * And the two-factor requirement refuses the deletion of a group it names (review 13): the whole deletion is
 * undone, so the requirement never silently ends for the group's members (./policy.ts).
 */
import "server-only";
import { and, eq } from "drizzle-orm";
import { react } from "@/lib/data/effects";
import type { Tx } from "@/lib/db/database";
import { mfaPendingSteps } from "@/lib/db/schema";
import { deleteFactors } from "./admin";
import { assertGroupNotRequiredForTwoFactor } from "./policy";
import { endPendingStepsThrough } from "./second-step";

async function endPendingSteps(tx: Tx, { accountId, userId }: { accountId: string; userId: string }): Promise<void> {
  await tx.delete(mfaPendingSteps).where(and(eq(mfaPendingSteps.accountId, accountId), eq(mfaPendingSteps.userId, userId)));
}

react("user.password_changed", "pending-second-steps", endPendingSteps);
react("user.password_reset", "pending-second-steps", endPendingSteps);
react("user.sessions_revoked", "pending-second-steps", endPendingSteps);
react("user.email_changed", "pending-second-steps", endPendingSteps);
react("user.blocked", "pending-second-steps", endPendingSteps);
react("sign_in.source_closed", "pending-second-steps", (tx, { accountId, method, sourceId }) => endPendingStepsThrough(tx, accountId, method, sourceId));
// Review 47: factors set up under an address nobody had proven go when its owner takes the account.
react("user.second_factors_void", "second-factors", async (tx, { accountId, userId, removed }) => {
  const before = await deleteFactors(tx, accountId, userId, new Date());
  removed.totp = before.totp;
  removed.passkeys = before.passkeys;
});
react("group.deleted", "two-factor-requirement", (tx, { accountId, groupId }) => assertGroupNotRequiredForTwoFactor(tx, accountId, groupId));
