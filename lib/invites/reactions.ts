/**
 * How invites react to what happens to their inviter and their groups
 * (lib/data/effects.ts): an invite never outlives its inviter's authority, and
 * never assigns a group that is gone.
 */
import "server-only";
import { NO_REQUEST } from "@/lib/auth/actor";
import { recordEvent } from "@/lib/audit/record";
import { react, type EndedCounts } from "@/lib/data/effects";
import type { Tx } from "@/lib/db/database";
import { forgetGroupInInvites, withdrawInvitesBy, withdrawInvitesInvitersMayNoLongerGive } from "./invites";

react("user.deleted", "invites", async (tx, { accountId, userId, ended }) => {
  const withdrawn = await withdrawInvitesBy(tx, accountId, userId);
  if (ended) ended.invites += withdrawn;
});

react("user.blocked", "invites", async (tx, { accountId, userId, ended }) => {
  ended.invites += await withdrawInvitesBy(tx, accountId, userId);
});

/**
 * Pending invites their inviters may no longer give (no invites:create, or not everything the invite's role
 * and groups now give) are withdrawn; counted for the emitter's event, or recorded here.
 */
async function withdrawLapsed(tx: Tx, accountId: string, userIds: readonly string[] | undefined, ended?: EndedCounts): Promise<void> {
  const withdrawn = await withdrawInvitesInvitersMayNoLongerGive(tx, accountId, userIds);
  for (const [inviterId, invites] of withdrawn) {
    if (ended) {
      ended.invites += invites;
      continue;
    }
    await recordEvent(tx, {
      accountId,
      action: "invite.withdrawn",
      actor: { type: "system", id: null },
      target: { type: "user", id: inviterId },
      details: { invites, reason: "inviter_may_no_longer_invite" },
      meta: NO_REQUEST,
    });
  }
}

react("permissions.changed", "invites", (tx, { accountId, userIds, ended }) => withdrawLapsed(tx, accountId, userIds, ended));

// Leaving a group can take away the roles it granted, invites:create among them.
react("user.groups_changed", "invites", (tx, { accountId, userId }) => withdrawLapsed(tx, accountId, [userId]));

react("group.deleted", "invites", async (tx, { accountId, groupId }) => {
  await forgetGroupInInvites(tx, accountId, groupId);
  // Its members lost the roles it granted (memberships cascade with the row).
  await withdrawLapsed(tx, accountId, undefined);
});
